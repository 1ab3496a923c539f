"""What a search box query means: folded words, the digits of a phone, the compact form of a tax id, and the
one-typo variants of long words. The same rules fold the index (see `indexes`), so "Muñoz" is found by "munoz".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MIN_LENGTH = 2
MAX_LENGTH = 100
TYPO_MIN_LENGTH = 5  # a word this long may carry one wrong, missing, extra or swapped letter
TYPO_MAX_LENGTH = 40  # the typo index keeps words of TYPO_MIN_LENGTH - 1 to this many letters
MIN_DIGITS = 3  # a query of fewer digits is not looked up as a phone number
INFIX_MIN_LENGTH = 3
PHONE_SUFFIX_FROM = 8  # a phone number this long is also indexed without its first 1, 2 and 3 digits  # a fragment this long is also looked up inside words ("rcia" → García)
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_NON_ALNUM = re.compile(r"[\W_]+")
_PHONE_CHARS = re.compile(r"^[\d\s()+./-]+$")


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Every character of the Latin blocks (Latin-1 to Latin Extended-B: Spanish, Portuguese, French, German, …) whose
# folded form is ASCII, and the ASCII capitals: `str.translate` folds a name with them in one C call. Folding is
# per character (NFKD only decomposes, and the marks it drops are dropped wherever canonical reordering put them).
_FOLD_TABLE = {
    **{code: folded for code in range(0x80, 0x250) if (folded := _fold_slowly(chr(code))).isascii()},
    **{ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
}


def fold(text: str) -> str:
    """Lower case without accents: "José Muñoz" → "jose munoz" (what the index stores)."""
    if not text:
        return ""
    if text.isascii():  # most names and every email: no accent to drop (30 rows read per keystroke)
        return text.lower()
    quick = text.translate(_FOLD_TABLE)
    return quick if quick.isascii() else _fold_slowly(text)


def words(text: str) -> list[str]:
    """The folded words of `text`, split at anything that is not a letter or a digit (as the index splits)."""
    return [w for w in _NON_ALNUM.split(fold(text)) if w]


@functools.lru_cache(maxsize=512)
def typo_variants(word: str) -> frozenset[str]:
    """Every word one edit away from `word` (a letter replaced, left out, added, or two neighbours swapped)."""
    out: set[str] = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        for c in LETTERS:
            out.add(word[:i] + c + word[i + 1 :])
    for i in range(len(word) + 1):
        for c in LETTERS:
            out.add(word[:i] + c + word[i:])
    out.discard(word)
    return frozenset(out)


def typo_keys(word: str) -> list[str]:
    """The keys of `word` in the typo index (SymSpell): the word itself and each one-letter deletion of it.
    Two words are one edit apart only if their keys meet: a letter replaced or two neighbours swapped leave a
    shared deletion, a letter left out or added makes one word a deletion of the other."""
    return [word, *sorted({word[:i] + word[i + 1 :] for i in range(len(word))} - {word})]


def typo_index_words(text: str) -> list[str]:
    """The words of `text` the typo index keeps: a-z only after folding, long enough to be one edit away
    from a word a typo lookup is made for (what the index's triggers keep, see `indexes`)."""
    return sorted(
        {
            w
            for w in words(text)
            if TYPO_MIN_LENGTH - 1 <= len(w) <= TYPO_MAX_LENGTH and w.isascii() and w.isalpha()
        }
    )


def code_index_words(*, phones: list[str], codes: list[str], phone_chars: str, code_chars: str) -> list[str]:
    """The digit strings of `phones` and the compact, lower-case forms of `codes` ("B-12.345.678" →
    "b12345678") that the vocabulary keeps for infix lookups: 4 to 40 letters or digits, at least one digit
    (what the vocabulary's triggers keep, see `indexes`; `*_chars` are the punctuation dropped). A phone number
    of 8+ digits is kept without its first 3 ("+34 612 34 4567" → "12344567"): the full-text index already has
    it with 0–3 of them dropped, so a fragment starting in the first 3 digits is a prefix there, and country
    and area codes — shared by most numbers — would make the trigram lookups read most of the index."""
    found = set()
    for value, chars, is_phone in [
        *((p, phone_chars, True) for p in phones),
        *((c, code_chars, False) for c in codes),
    ]:
        compact = "".join(ch for ch in (value or "").lower() if ch not in chars)
        if is_phone and len(compact) >= PHONE_SUFFIX_FROM:
            compact = compact[3:]
        if (
            TYPO_MIN_LENGTH - 1 <= len(compact) <= TYPO_MAX_LENGTH
            and compact.isascii()
            and compact.isalnum()
            and any(ch.isdigit() for ch in compact)
        ):
            found.add(compact)
    return sorted(found)


def is_one_typo(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by exactly one edit (Damerau: replace, delete, insert, swap neighbours)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query. `words` are matched as word prefixes; `digits` (phone-like queries) and `code`
    (queries with a digit, punctuation dropped: "B-123.45" → "b12345") as prefixes of phone numbers and ids;
    `typo_words` are the words long enough to be looked up with one typo."""

    text: str
    words: tuple[str, ...]
    digits: str
    code: str

    @property
    def typo_words(self) -> tuple[str, ...]:
        return tuple(
            w for w in self.words if TYPO_MIN_LENGTH <= len(w) <= TYPO_MAX_LENGTH + 1 and w.isalpha()
        )

    @property
    def infix_words(self) -> tuple[str, ...]:
        """The words long enough to be looked up inside the indexed words (infix: "rcia" in "garcia")."""
        return tuple(w for w in self.words if INFIX_MIN_LENGTH <= len(w) <= TYPO_MAX_LENGTH)

    @property
    def infix_codes(self) -> tuple[str, ...]:
        """The digits of a phone-like query and the compact form of a code ("34 4567" → "344567"), looked up
        inside phone numbers and ids when they are not already one of the query's words."""
        return tuple(
            sorted(
                c
                for c in {self.digits, self.code} - {""} - set(self.words)
                if INFIX_MIN_LENGTH <= len(c) <= TYPO_MAX_LENGTH
            )
        )

    @property
    def folded(self) -> str:
        return " ".join(self.words)

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.digits and not self.code


def search_query_parse(text: str) -> SearchQuery:
    text = (text or "").strip()
    found = tuple(words(text))
    digits = ""
    if _PHONE_CHARS.match(text):
        only = re.sub(r"\D", "", text)
        digits = only if len(only) >= MIN_DIGITS else ""
    code = ""
    compact = "".join(found)
    if any(c.isdigit() for c in compact) and len(compact) >= MIN_DIGITS and compact != digits:
        code = compact
    return SearchQuery(text=text, words=found, digits=digits, code=code)
