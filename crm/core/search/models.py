"""The typo index shared by every search index (see `crm.core.search.indexes`, "typo index")."""

from __future__ import annotations

from django.db import models

from crm.core.search.terms import TYPO_MAX_LENGTH


class SearchWord(models.Model):
    """A word of the indexed names and emails (a-z, 4 to 40 letters), once under itself and once under each of
    its one-letter deletions (SymSpell): a typo lookup reads the rows of the typed word's own keys (~10) instead
    of trying ~450 one-edit variants against the full-text index. Written by database triggers only (every
    write path, bulk loads and plain SQL included); append-only — a word no record uses any more is only a
    candidate that the full-text query then does not find — and refilled by `search_words_rebuild`."""

    source = models.CharField(max_length=63)  # the indexed table the word was read from
    key = models.CharField(max_length=TYPO_MAX_LENGTH)
    word = models.CharField(max_length=TYPO_MAX_LENGTH)

    class Meta:
        db_table = "search_word"
        constraints = [
            models.UniqueConstraint(fields=["source", "key", "word"], name="search_word_source_key_word_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.key} → {self.word}"
