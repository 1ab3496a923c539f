"""The search index of one table, kept by the database itself (no Python on the write path).

Whatever writes the table — services, the bulk loader (COPY / executemany), an importer, plain SQL — the index
follows, and soft-deleted rows (``deleted_at`` set) are never in it:

- **SQLite**: a contentless FTS5 table ``<table>_search`` kept by triggers on the table (alive rows only;
  nothing else depends on the table, so Django may still rebuild it in later migrations — the triggers are
  then put back after ``migrate``). Tokens are folded for case and accents
  (``unicode61 remove_diacritics 2``); prefix indexes make search-as-you-type cheap. A column holds the owner
  as a token (``o42``) so a sales rep's query intersects with their records inside the index.
- **PostgreSQL**: an IMMUTABLE function ``<table>_search_vector(...)`` of the row's columns, stored by
  PostgreSQL in a generated column ``search_vector`` on every write (COPY included), with a partial GIN index
  on it (``WHERE deleted_at IS NULL``). The column is not a model field: Django never reads or writes it.

Both store the same words: names (weight A), emails/other words (B), and phone digits — with the country code
and trunk prefix dropped one digit at a time so "600 123" finds "+34 600 123 456" — plus ids without
punctuation (C). Apps declare a ``SearchIndex`` and create it in a migration with ``SearchIndexCreate``.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import migrations

from crm.core.search.terms import (
    PHONE_SUFFIX_FROM,
    TYPO_MAX_LENGTH,
    TYPO_MIN_LENGTH,
    code_index_words,
    fold,
    typo_index_words,
    typo_keys,
)

PHONE_PUNCTUATION = " ()+./-"
SEARCH_COLUMN = "search_vector"  # PostgreSQL: the stored generated column the GIN index covers
CODE_PUNCTUATION = " ./-"
LONGEST_PREFIX = 6  # FTS5 keeps an index of every word's first 1 to 6 letters
PREFIXES = " ".join(str(n) for n in range(1, LONGEST_PREFIX + 1))


@dataclass(frozen=True)
class SearchIndex:
    """What to index of `table`. Text columns: `names` (ranked first), `emails` (and other words), `phones`
    (digits), `codes` (tax ids, numbers: punctuation dropped); `*_lists` are JSON arrays of strings."""

    table: str
    names: tuple[str, ...]
    emails: tuple[str, ...] = ()
    email_lists: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    phone_lists: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    owner: str = "owner_id"
    deleted: str = "deleted_at"
    # whether a migration made its vocabulary and trigram index (SearchTypoIndexCreate, SearchInfixIndexCreate):
    # only then are fragments inside words looked up
    infix: bool = False

    @property
    def fts(self) -> str:
        return f"{self.table}_search"

    @property
    def vector_function(self) -> str:
        return f"{self.table}_search_vector"

    @property
    def gin_index(self) -> str:
        return f"{self.table}_search_idx"

    @property
    def name_index(self) -> str:
        return f"{self.table}_search_name_idx"

    @property
    def infix_table(self) -> str:
        """SQLite: the FTS5 trigram table over the table's vocabulary (infix lookups)."""
        return f"{self.fts}_infix"

    @property
    def infix_index(self) -> str:
        """PostgreSQL: the partial trigram GIN index on the table's vocabulary rows of `search_word`."""
        return f"{self.table}_search_infix_idx"

    def name_sql(self, alias: str) -> str:
        """PostgreSQL: the folded first name field (what the name-prefix btree index covers)."""
        return f'(crm_search_fold({alias}."{self.names[0]}") COLLATE "C")'

    @property
    def columns(self) -> tuple[str, ...]:
        """The table columns the index reads (the owner and deletion columns aside), in function-argument order."""
        return (
            *self.names,
            *self.emails,
            *self.codes,
            *self.email_lists,
            *self.phones,
            *self.phone_lists,
        )

    def vector_sql(self, alias: str) -> str:
        """The indexed PostgreSQL column of rows of `alias`."""
        return f'{alias}."{SEARCH_COLUMN}"'


# --- SQLite ---------------------------------------------------------------------------------------------------
def _sqlite_strip(expr: str, chars: str) -> str:
    for ch in chars:
        expr = f"replace({expr}, '{ch}', '')"
    return expr


def _sqlite_phone(expr: str) -> str:
    digits = _sqlite_strip(f"coalesce({expr}, '')", PHONE_PUNCTUATION)
    return (
        f"CASE WHEN length({digits}) >= 8 THEN {digits} || ' ' || substr({digits}, 2) || ' ' || "
        f"substr({digits}, 3) || ' ' || substr({digits}, 4) ELSE {digits} END"
    )


def _sqlite_join(parts: list[str]) -> str:
    return " || ' ' || ".join(f"coalesce({p}, '')" for p in parts) if parts else "''"


def _sqlite_values(index: SearchIndex, alias: str) -> str:
    """The indexed values (name, other, ident, owner) of the row `alias` (t, new or old), as SQL."""
    names = _sqlite_join([f'{alias}."{c}"' for c in index.names])
    emails = _sqlite_join(
        [f'{alias}."{c}"' for c in (*index.emails, *index.codes)]
        + [f"(SELECT group_concat(value, ' ') FROM json_each({alias}.\"{c}\"))" for c in index.email_lists]
    )
    ident = _sqlite_join(
        [_sqlite_phone(f'{alias}."{c}"') for c in index.phones]
        + [
            f"(SELECT group_concat({_sqlite_phone('value')}, ' ') FROM json_each({alias}.\"{c}\"))"
            for c in index.phone_lists
        ]
        + [_sqlite_strip(f'{alias}."{c}"', CODE_PUNCTUATION) for c in index.codes]
    )
    return f"{names}, {emails}, {ident}, 'o' || {alias}.\"{index.owner}\""


SQLITE_COLUMNS = "name, other, ident, owner"
SQLITE_TRIGGERS = ("ai", "au", "ad")


def sqlite_triggers(index: SearchIndex) -> list[str]:
    """Keep the index on every write. The table has no view or other object depending on it, so Django may
    rebuild the table in a later migration (SQLite's way to alter a column); that drops these triggers, and
    `search_index_ensure` (after every migrate) puts them back and refills the index."""
    t, fts, cols = f'"{index.table}"', f'"{index.fts}"', SQLITE_COLUMNS
    watched = [*index.columns, index.owner, index.deleted]
    changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in watched)
    alive_old, alive_new = f'old."{index.deleted}" IS NULL', f'new."{index.deleted}" IS NULL'
    delete_old = f"INSERT INTO {fts} ({fts}, rowid, {cols}) SELECT 'delete', old.id, {_sqlite_values(index, 'old')} WHERE {alive_old};"
    insert_new = (
        f"INSERT INTO {fts} (rowid, {cols}) SELECT new.id, {_sqlite_values(index, 'new')} WHERE {alive_new};"
    )
    return [
        f'CREATE TRIGGER "{index.fts}_ai" AFTER INSERT ON {t} BEGIN {insert_new} END',
        f'CREATE TRIGGER "{index.fts}_au" AFTER UPDATE ON {t} WHEN {changed} BEGIN {delete_old} {insert_new} END',
        f'CREATE TRIGGER "{index.fts}_ad" AFTER DELETE ON {t} BEGIN {delete_old} END',
    ]


def sqlite_create(index: SearchIndex) -> list[str]:
    """A contentless FTS5 table (it stores only the index; deletes repeat the row's values from `old`)."""
    return [
        f"CREATE VIRTUAL TABLE \"{index.fts}\" USING fts5({SQLITE_COLUMNS}, content='', "
        f"tokenize='unicode61 remove_diacritics 2', prefix='{PREFIXES}', detail='column', columnsize=0)",
        *sqlite_triggers(index),
        *sqlite_refill(index),
    ]


def sqlite_refill(index: SearchIndex) -> list[str]:
    """Empty the index and fill it from the table's alive rows, exactly as the triggers do."""
    fts = f'"{index.fts}"'
    return [
        f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')",
        f"INSERT INTO {fts} (rowid, {SQLITE_COLUMNS}) SELECT t.id, {_sqlite_values(index, 't')} "
        f'FROM "{index.table}" AS t WHERE t."{index.deleted}" IS NULL',
        f"INSERT INTO {fts} ({fts}) VALUES ('optimize')",
    ]


def sqlite_drop(index: SearchIndex) -> list[str]:
    return [
        *(f'DROP TRIGGER IF EXISTS "{index.fts}_{s}"' for s in SQLITE_TRIGGERS),
        f'DROP TABLE IF EXISTS "{index.fts}"',
    ]


def search_index_ensure(index: SearchIndex, *, connection: Any) -> bool:
    """SQLite: put back the triggers (and refill the index, and the typo index) when a table rebuild dropped
    them. Returns whether anything was done. Runs after every `migrate` (see crm.core.search.apps)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{index.fts}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if index.fts not in present:
            return False  # the migration creating the index has not run yet
        done = False
        wanted = {f"{index.fts}_{s}" for s in SQLITE_TRIGGERS}
        if not wanted <= present:
            for name in wanted & present:
                cursor.execute(f'DROP TRIGGER "{name}"')
            for sql in [*sqlite_triggers(index), *sqlite_refill(index)]:
                cursor.execute(sql)
            done = True
        typo = {f"{index.fts}_{s}" for s in SQLITE_TYPO_TRIGGERS}
        if not typo <= present and _typo_table_exists(connection):
            for sql in typo_create(index, vendor="sqlite"):
                cursor.execute(sql)
            typo_fill(index, connection=connection)
            done = True
        infix = {f"{index.fts}_{s}" for s in SQLITE_INFIX_TRIGGERS}
        if index.infix_table in present and not infix <= present:
            for sql in [
                *infix_drop(index, vendor="sqlite", keep_table=True),
                *infix_create(index, vendor="sqlite"),
            ]:
                cursor.execute(sql)
            infix_fill(index, connection=connection)
            for sql in infix_index_create(index, vendor="sqlite"):
                cursor.execute(sql)
            done = True
    return done


# --- PostgreSQL -----------------------------------------------------------------------------------------------
def _fold_map() -> tuple[str, str]:
    """translate() arguments that fold accented Latin letters as `terms.fold` does (any server locale)."""
    src, dst = [], []
    for code in range(0xC0, 0x250):
        ch = chr(code)
        folded = fold(ch)
        if (
            len(folded) == 1
            and folded != ch
            and folded.isascii()
            and unicodedata.category(ch).startswith("L")
        ):
            src.append(ch)
            dst.append(folded)
    return "".join(src), "".join(dst)


def postgres_functions() -> list[str]:
    """The helpers every index shares (CREATE OR REPLACE: any migration may create them). Plain expressions,
    so PostgreSQL inlines them into the callers."""
    src, dst = _fold_map()
    digits = f"translate(coalesce(t, ''), '{PHONE_PUNCTUATION}', '')"
    return [
        "CREATE OR REPLACE FUNCTION crm_search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE AS $$ SELECT lower(translate(coalesce(t, ''), '{src}', '{dst}')) $$",
        "CREATE OR REPLACE FUNCTION crm_search_words(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT to_tsvector('simple'::regconfig, "
        "regexp_replace(crm_search_fold(t), '[^[:alnum:]]+', ' ', 'g')) $$",
        "CREATE OR REPLACE FUNCTION crm_search_phone(t text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE AS $$ SELECT CASE WHEN length({digits}) >= 8 THEN concat_ws(' ', {digits}, "
        f"substr({digits}, 2), substr({digits}, 3), substr({digits}, 4)) ELSE {digits} END $$",
    ]


def _plpgsql_list(var: str, column: str, expr: str) -> str:
    """Append `expr` (of `x`) for each string of the JSON array `column` to `var` (skipped when empty)."""
    return (
        f"IF jsonb_typeof({column}) = 'array' AND jsonb_array_length({column}) > 0 THEN "
        f"FOR x IN SELECT jsonb_array_elements_text({column}) LOOP {var} := {var} || ' ' || {expr}; END LOOP; "
        "END IF;"
    )


def postgres_create(index: SearchIndex) -> list[str]:
    """The row's words as a stored generated column `search_vector` (computed by PostgreSQL on every write,
    COPY included) and a partial GIN index on it. A stored column keeps the per-row check cheap, so the planner
    may also walk the table and stop at the first matches when a prefix matches a large share of it."""
    lists = (*index.email_lists, *index.phone_lists)
    args = ", ".join(f"{c} {'jsonb' if c in lists else 'text'}" for c in index.columns)
    names = "concat_ws(' ', " + ", ".join(index.names) + ")"
    other = "concat_ws(' ', " + ", ".join(("''", *index.emails, *index.codes)) + ")"
    ident = (
        "concat_ws(' ', "
        + ", ".join(
            (
                "''",
                *(f"crm_search_phone({c})" for c in index.phones),
                *(f"lower(translate(crm_search_fold({c}), '{CODE_PUNCTUATION}', ''))" for c in index.codes),
            )
        )
        + ")"
    )
    loops = " ".join(
        [_plpgsql_list("other", c, "x") for c in index.email_lists]
        + [_plpgsql_list("ident", c, "crm_search_phone(x)") for c in index.phone_lists]
    )
    body = (
        f"DECLARE other text := {other}; ident text := {ident}; x text; BEGIN {loops} "
        f"RETURN setweight(crm_search_words({names}), 'A') || setweight(crm_search_words(other), 'B') "
        f"|| setweight(to_tsvector('simple'::regconfig, ident), 'C'); END"
    )
    cols = ", ".join(f'"{c}"' for c in index.columns)
    return [
        *postgres_functions(),
        f'CREATE OR REPLACE FUNCTION "{index.vector_function}"({args}) RETURNS tsvector '
        f"LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ {body} $$",
        f'ALTER TABLE "{index.table}" ADD COLUMN "{SEARCH_COLUMN}" tsvector '
        f'GENERATED ALWAYS AS ("{index.vector_function}"({cols})) STORED',
        # finer statistics on the words: the planner then knows a rare prefix from a common one (GIN index,
        # or walking the table and stopping at the first matches)
        f'ALTER TABLE "{index.table}" ALTER COLUMN "{SEARCH_COLUMN}" SET STATISTICS 1000',
        f'CREATE INDEX "{index.gin_index}" ON "{index.table}" USING gin ("{SEARCH_COLUMN}") '
        f'WHERE "{index.deleted}" IS NULL',
        # "name starts with": walked in name order and stopped at the first rows, owner checked in the index
        f'CREATE INDEX "{index.name_index}" ON "{index.table}" '
        f'((crm_search_fold("{index.names[0]}") COLLATE "C"), "{index.owner}") WHERE "{index.deleted}" IS NULL',
    ]


def postgres_drop(index: SearchIndex) -> list[str]:
    lists = (*index.email_lists, *index.phone_lists)
    types = ", ".join("jsonb" if c in lists else "text" for c in index.columns)
    return [
        f'DROP INDEX IF EXISTS "{index.gin_index}"',
        f'DROP INDEX IF EXISTS "{index.name_index}"',
        f'ALTER TABLE "{index.table}" DROP COLUMN IF EXISTS "{SEARCH_COLUMN}"',
        f'DROP FUNCTION IF EXISTS "{index.vector_function}"({types})',
    ]


def search_index_rebuild(index: SearchIndex, *, connection: Any) -> None:
    """Refill the index from the table (after a load that bypassed the triggers, or to compact it), and add the
    table's words to the typo index (and its phone digits and ids, for infix lookups). PostgreSQL's full-text
    column follows every write by itself."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in sqlite_refill(index):
                cursor.execute(sql)
    if _typo_table_exists(connection):
        typo_fill(index, connection=connection)
        if _infix_exists(index, connection):
            infix_fill(index, connection=connection)


# --- typo index (SymSpell) -------------------------------------------------------------------------------------
# Every word of a table's names and emails (a-z after folding, 4 to 40 letters) is stored in the table
# `search_word` (rows tagged with the source table: a type only tries corrections its own records can have) under itself and under each of its one-letter deletions (see crm.core.search.models). Triggers
# add the words of every written row, in SQL only (no Python on the write path, as for the full-text index):
# on SQLite the row's text is folded with replace() and split into a JSON array, on PostgreSQL the words are
# read back from the row's `search_vector`. Nothing is removed on update or delete (a stale word costs one
# term in a later full-text query that finds nothing); `search_words_rebuild` starts the table afresh.
TYPO_TABLE = "search_word"
TYPO_MIN_WORD = TYPO_MIN_LENGTH - 1
TYPO_SEPARATORS = " \t\n\r!#$%&'()*+,-./:;<=>?@[]^_`{|}~"
TYPO_POSITIONS = "[" + ",".join(str(i) for i in range(TYPO_MAX_LENGTH + 1)) + "]"
TYPO_SCRATCH = "search_word_scratch"  # SQLite: one row the triggers fold a text in (no variables in SQL)
TYPO_REPLACES_PER_STEP = 24


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_typo_text(index: SearchIndex, alias: str) -> str:
    """SQLite: the row's names and emails (lower case) as one text."""
    text = _sqlite_join(
        [f'{alias}."{c}"' for c in (*index.names, *index.emails, *index.codes)]
        + [f"(SELECT group_concat(value, ' ') FROM json_each({alias}.\"{c}\"))" for c in index.email_lists]
    )
    return f"lower({text})"


def _sqlite_typo_steps() -> list[str]:
    """The replace() chains that fold a text's accents and turn it into a JSON array of its words, each short
    enough for SQLite's parser (about 30 nested calls at most), applied one after the other in the scratch row."""
    pairs = [
        (a, b) for a, b in zip(*_fold_map(), strict=True) if ord(a) <= 0x17F
    ]  # Latin-1, Latin Extended-A
    # every separator becomes a space first, then each space the JSON `","` (a separator replaced straight into
    # `","` would have its comma replaced again)
    pairs += [("\\", " "), ('"', " ")] + [(ch, " ") for ch in TYPO_SEPARATORS if ch != " "] + [(" ", '","')]
    steps = []
    for start in range(0, len(pairs), TYPO_REPLACES_PER_STEP):
        expr = "t"
        for a, b in pairs[start : start + TYPO_REPLACES_PER_STEP]:
            expr = f"replace({expr}, {_sql_literal(a)}, {_sql_literal(b)})"
        steps.append(expr)
    return steps


def _sqlite_typo_insert(index: SearchIndex) -> str:
    """Add the words of the scratch row's text (a JSON array once the steps ran) to the typo index."""
    array = "'[\"' || x.t || '\"]'"
    return (
        f'INSERT OR IGNORE INTO "{TYPO_TABLE}" ("source", "key", "word") '
        f"SELECT {_sql_literal(index.table)}, substr(w.value, 1, p.value - 1) || substr(w.value, p.value + 1), w.value "
        f"FROM \"{TYPO_SCRATCH}\" AS x, json_each(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END) AS w, "
        f"json_each('{TYPO_POSITIONS}') AS p "
        f"WHERE x.id = 1 AND length(w.value) BETWEEN {TYPO_MIN_WORD} AND {TYPO_MAX_LENGTH} "
        "AND p.value <= length(w.value) AND w.value NOT GLOB '*[^a-z]*' "
        f'AND NOT EXISTS (SELECT 1 FROM "{TYPO_TABLE}" AS s WHERE s."source" = {_sql_literal(index.table)} '
        'AND s."key" = w.value AND s."word" = w.value)'
    )


def _sqlite_typo_body(index: SearchIndex, alias: str) -> str:
    """Trigger statements: the row's text into the scratch row, folded and split step by step, words out."""
    scratch = f'"{TYPO_SCRATCH}"'
    statements = [f"INSERT OR REPLACE INTO {scratch} (id, t) VALUES (1, {_sqlite_typo_text(index, alias)})"]
    statements += [f"UPDATE {scratch} SET t = {step} WHERE id = 1" for step in _sqlite_typo_steps()]
    statements += [_sqlite_typo_insert(index), f"DELETE FROM {scratch}"]
    return " ".join(f"{sql};" for sql in statements)


def sqlite_typo_triggers(index: SearchIndex) -> list[str]:
    t, fts = f'"{index.table}"', index.fts
    watched = [*index.names, *index.emails, *index.codes, *index.email_lists]
    changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in watched)
    alive = f'new."{index.deleted}" IS NULL'
    restored = f'old."{index.deleted}" IS NOT NULL'
    insert = _sqlite_typo_body(index, "new")
    return [
        f'CREATE TRIGGER "{fts}_typo_ai" AFTER INSERT ON {t} WHEN {alive} BEGIN {insert} END',
        f'CREATE TRIGGER "{fts}_typo_au" AFTER UPDATE ON {t} WHEN {alive} AND ({changed} OR {restored}) '
        f"BEGIN {insert} END",
    ]


SQLITE_TYPO_TRIGGERS = ("typo_ai", "typo_au")

POSTGRES_TYPO_FUNCTIONS = [
    # the row's words of 4+ letters from its names (A) and emails (B)
    "CREATE OR REPLACE FUNCTION crm_search_typo_words(v tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT u.lexeme FROM unnest(v) AS u WHERE u.weights && ARRAY['A', 'B'] "
    f"AND length(u.lexeme) BETWEEN {TYPO_MIN_WORD} AND {TYPO_MAX_LENGTH} AND u.lexeme ~ '^[a-z]+$' $$",
    # a word's keys: itself and each one-letter deletion
    "CREATE OR REPLACE FUNCTION crm_search_typo_keys(w text) RETURNS SETOF text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT w UNION SELECT left(w, i - 1) || substr(w, i + 1) "
    "FROM generate_series(1, length(w)) AS i $$",
    "CREATE OR REPLACE FUNCTION crm_search_typo_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f'INSERT INTO "{TYPO_TABLE}" ("source", "key", "word") SELECT TG_TABLE_NAME, k, w '
    f'FROM crm_search_typo_words(NEW."{SEARCH_COLUMN}") AS w, crm_search_typo_keys(w) AS k '
    f'WHERE NOT EXISTS (SELECT 1 FROM "{TYPO_TABLE}" AS s WHERE s."source" = TG_TABLE_NAME AND s."key" = w '
    'AND s."word" = w) '
    "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
]


def postgres_typo_triggers(index: SearchIndex) -> list[str]:
    t, name, deleted = f'"{index.table}"', f"{index.table}_search_typo", f'"{index.deleted}"'
    return [
        f'CREATE TRIGGER "{name}_ai" AFTER INSERT ON {t} FOR EACH ROW WHEN (NEW.{deleted} IS NULL) '
        "EXECUTE FUNCTION crm_search_typo_sync()",
        f'CREATE TRIGGER "{name}_au" AFTER UPDATE ON {t} FOR EACH ROW WHEN (NEW.{deleted} IS NULL AND '
        f'(OLD."{SEARCH_COLUMN}" IS DISTINCT FROM NEW."{SEARCH_COLUMN}" OR OLD.{deleted} IS NOT NULL)) '
        "EXECUTE FUNCTION crm_search_typo_sync()",
    ]


def typo_fill(index: SearchIndex, *, connection: Any) -> None:
    """Add the words of the table's alive rows to the typo index (PostgreSQL: in SQL, from the words of the
    full-text column; SQLite: read and split here, as the triggers would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (ts_stat would first gather every distinct word, phone digits and emails included: 40× slower)
            cursor.execute(
                f'INSERT INTO "{TYPO_TABLE}" ("source", "key", "word") SELECT %s, k, w.word FROM (SELECT DISTINCT w AS word '
                f'FROM "{index.table}" AS t, crm_search_typo_words(t."{SEARCH_COLUMN}") AS w '
                f'WHERE t."{index.deleted}" IS NULL) AS w, crm_search_typo_keys(w.word) AS k ON CONFLICT DO NOTHING',
                [index.table],
            )
            return
        if connection.vendor != "sqlite":
            return
        columns = ", ".join(f'"{c}"' for c in (*index.names, *index.emails, *index.codes, *index.email_lists))
        cursor.execute(f'SELECT {columns} FROM "{index.table}" WHERE "{index.deleted}" IS NULL')
        found: set[str] = set()
        lists = len(index.email_lists)
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                texts = [str(v) for v in row[: len(row) - lists] if v]
                for raw in row[len(row) - lists :]:
                    texts.extend(
                        str(v) for v in (json.loads(raw) if isinstance(raw, str) else raw or []) if v
                    )
                found.update(typo_index_words(" ".join(texts)))
        pairs = [(index.table, key, word) for word in sorted(found) for key in typo_keys(word)]
        for start in range(0, len(pairs), 10_000):
            cursor.executemany(
                f'INSERT OR IGNORE INTO "{TYPO_TABLE}" ("source", "key", "word") VALUES (%s, %s, %s)',
                pairs[start : start + 10_000],
            )


def typo_create(index: SearchIndex, *, vendor: str) -> list[str]:
    """The triggers that keep the typo index (then fill it with `typo_fill`)."""
    if vendor == "sqlite":
        return [
            f'CREATE TABLE IF NOT EXISTS "{TYPO_SCRATCH}" (id integer PRIMARY KEY, t text)',
            *typo_drop(index, vendor=vendor),
            *sqlite_typo_triggers(index),
        ]
    if vendor == "postgresql":
        return [
            *POSTGRES_TYPO_FUNCTIONS,
            *typo_drop(index, vendor=vendor),
            *postgres_typo_triggers(index),
        ]
    return []


def typo_drop(index: SearchIndex, *, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{index.fts}_{s}"' for s in SQLITE_TYPO_TRIGGERS]
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{index.table}_search_typo_{s}" ON "{index.table}"' for s in ("ai", "au")
        ]
    return []


def _typo_table_exists(connection: Any) -> bool:
    return TYPO_TABLE in connection.introspection.table_names()


def search_words_rebuild(indexes: list[SearchIndex], *, connection: Any) -> None:
    """Start the typo index afresh from the tables' alive rows (drops words no record uses any more)."""
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f'DELETE FROM "{TYPO_TABLE}" WHERE "source" = %s', [index.table])
    for index in indexes:
        typo_fill(index, connection=connection)
        if _infix_exists(index, connection):
            infix_fill(index, connection=connection)


# --- infix index (trigram) -----------------------------------------------------------------------------------
# A fragment inside a word ("rcia" in García, "mail" in gmail, "4567" at the end of a phone number) is looked up
# in the vocabulary of the table's words (`search_word` rows whose key is the word itself) through a trigram
# index, and the words found are then searched as exact words (as typo corrections are). Phone numbers and ids
# are in the vocabulary too, as their digit strings and compact forms ("34612344567", "b12345678"; key = word
# only, so typo lookups never meet them), added by their own triggers:
# - SQLite: an FTS5 table `<table>_search_infix` (tokenize='trigram', answers LIKE '%…%' from the index) kept
#   by triggers on `search_word` for the table's vocabulary rows, and triggers on the table that add the digit
#   strings of its phones and the compact forms of its codes to `search_word`;
# - PostgreSQL: a partial GIN index (`gin_trgm_ops`, extension pg_trgm from crm.core.search's migration 0002)
#   on `search_word.word` for the table's vocabulary rows, and triggers that read the digit strings from the
#   row's `search_vector` (weight C, without the shortened copies of a phone number, which are its suffixes).
INFIX_MIN_WORD = TYPO_MIN_LENGTH - 1
SQLITE_INFIX_TRIGGERS = ("infix_ai", "infix_au", "infix_wi", "infix_wd")

POSTGRES_INFIX_FUNCTIONS = [
    # the row's phone digit strings and compact ids: words of weight C with a digit whose end is no shorter
    # one (a phone number of 8+ digits is there with 0-3 of its first digits dropped: its shortest copy stays,
    # see terms.code_index_words)
    "CREATE OR REPLACE FUNCTION crm_search_infix_words(v tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT u.lexeme FROM unnest(v) AS u WHERE u.weights && ARRAY['C'] "
    f"AND length(u.lexeme) BETWEEN {INFIX_MIN_WORD} AND {TYPO_MAX_LENGTH} AND u.lexeme ~ '^[a-z0-9]+$' "
    "AND u.lexeme ~ '[0-9]' AND NOT EXISTS (SELECT 1 FROM unnest(v) AS o WHERE o.weights && ARRAY['C'] "
    "AND length(o.lexeme) < length(u.lexeme) AND length(o.lexeme) >= length(u.lexeme) - 3 "
    "AND right(u.lexeme, length(o.lexeme)) = o.lexeme) $$",
    "CREATE OR REPLACE FUNCTION crm_search_infix_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f'INSERT INTO "{TYPO_TABLE}" ("source", "key", "word") SELECT TG_TABLE_NAME, w, w '
    f'FROM crm_search_infix_words(NEW."{SEARCH_COLUMN}") AS w ON CONFLICT DO NOTHING; RETURN NULL; END $$',
]


def _has_codes(index: SearchIndex) -> bool:
    return bool(index.phones or index.phone_lists or index.codes)


def _sqlite_code_words(index: SearchIndex, alias: str) -> str:
    """SQLite: a SELECT of the row's phone digit strings and compact codes, one per row (column `w`)."""

    def phone(expr: str) -> str:  # the digits; of a long number, without the first 3 (see code_index_words)
        digits = f"lower({_sqlite_strip(expr, PHONE_PUNCTUATION)})"
        return f"CASE WHEN length({digits}) >= {PHONE_SUFFIX_FROM} THEN substr({digits}, 4) ELSE {digits} END"

    quoted = lambda c: f'{alias}."{c}"'  # noqa: E731
    parts = [f"SELECT {phone(quoted(c))} AS w" for c in index.phones]
    parts += [f"SELECT {phone('value')} FROM json_each({quoted(c)})" for c in index.phone_lists]
    parts += [f"SELECT lower({_sqlite_strip(quoted(c), CODE_PUNCTUATION)})" for c in index.codes]
    return " UNION ALL ".join(parts)


def sqlite_infix_triggers(index: SearchIndex) -> list[str]:
    """The vocabulary rows of the table into (and out of) its trigram table; the row's digit strings and
    compact codes into the vocabulary."""
    t, fts, words = f'"{index.table}"', f'"{index.infix_table}"', f'"{TYPO_TABLE}"'
    source = _sql_literal(index.table)
    statements = [
        f'CREATE TRIGGER "{index.fts}_infix_wi" AFTER INSERT ON {words} '
        f"WHEN new.source = {source} AND new.key = new.word "
        f"BEGIN INSERT INTO {fts} (rowid, word) VALUES (new.id, new.word); END",
        f'CREATE TRIGGER "{index.fts}_infix_wd" AFTER DELETE ON {words} '
        f"WHEN old.source = {source} AND old.key = old.word "
        f"BEGIN DELETE FROM {fts} WHERE rowid = old.id; END",
    ]
    if _has_codes(index):
        insert = (
            f'INSERT OR IGNORE INTO {words} ("source", "key", "word") SELECT {source}, c.w, c.w '
            f"FROM ({_sqlite_code_words(index, 'new')}) AS c WHERE length(c.w) BETWEEN {INFIX_MIN_WORD} "
            f"AND {TYPO_MAX_LENGTH} AND c.w NOT GLOB '*[^0-9a-z]*' AND c.w GLOB '*[0-9]*';"
        )
        watched = [*index.phones, *index.phone_lists, *index.codes]
        changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in watched)
        alive = f'new."{index.deleted}" IS NULL'
        restored = f'old."{index.deleted}" IS NOT NULL'
        statements += [
            f'CREATE TRIGGER "{index.fts}_infix_ai" AFTER INSERT ON {t} WHEN {alive} BEGIN {insert} END',
            f'CREATE TRIGGER "{index.fts}_infix_au" AFTER UPDATE ON {t} WHEN {alive} AND ({changed} OR {restored}) '
            f"BEGIN {insert} END",
        ]
    return statements


def postgres_infix_triggers(index: SearchIndex) -> list[str]:
    if not _has_codes(index):
        return []
    t, name, deleted = f'"{index.table}"', f"{index.table}_search_infix", f'"{index.deleted}"'
    return [
        f'CREATE TRIGGER "{name}_ai" AFTER INSERT ON {t} FOR EACH ROW WHEN (NEW.{deleted} IS NULL) '
        "EXECUTE FUNCTION crm_search_infix_sync()",
        f'CREATE TRIGGER "{name}_au" AFTER UPDATE ON {t} FOR EACH ROW WHEN (NEW.{deleted} IS NULL AND '
        f'(OLD."{SEARCH_COLUMN}" IS DISTINCT FROM NEW."{SEARCH_COLUMN}" OR OLD.{deleted} IS NOT NULL)) '
        "EXECUTE FUNCTION crm_search_infix_sync()",
    ]


def infix_create(index: SearchIndex, *, vendor: str) -> list[str]:
    """The trigram index over the table's vocabulary (filled from the words already there) and the triggers
    that keep it; then add the table's digit strings with `infix_fill`."""
    source = _sql_literal(index.table)
    if vendor == "sqlite":
        fts = f'"{index.infix_table}"'
        return [
            # contentful: LIKE '%…%' is answered from the trigram index and checked against the stored word
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(word, tokenize='trigram', detail='none')",
            *infix_drop(index, vendor=vendor, keep_table=True),
            f"DELETE FROM {fts}",
            f'INSERT INTO {fts} (rowid, word) SELECT id, word FROM "{TYPO_TABLE}" '
            f"WHERE source = {source} AND key = word",
            *sqlite_infix_triggers(index),
        ]
    if vendor == "postgresql":
        return [
            *POSTGRES_INFIX_FUNCTIONS,
            *infix_drop(index, vendor=vendor, keep_table=True),
            *postgres_infix_triggers(index),
        ]
    return []


def infix_index_create(index: SearchIndex, *, vendor: str) -> list[str]:
    """After `infix_fill`: PostgreSQL builds the trigram index in one pass (compact, no pending list to scan);
    SQLite merges the trigram table's segments into one."""
    if vendor == "sqlite":
        return [f'INSERT INTO "{index.infix_table}" ("{index.infix_table}") VALUES (\'optimize\')']
    if vendor == "postgresql":
        return [
            f'CREATE INDEX IF NOT EXISTS "{index.infix_index}" ON "{TYPO_TABLE}" USING gin ("word" gin_trgm_ops) '
            f'WHERE "source" = {_sql_literal(index.table)} AND "key" = "word"'
        ]
    return []


def infix_drop(index: SearchIndex, *, vendor: str, keep_table: bool = False) -> list[str]:
    """The triggers (and, unless `keep_table`, the trigram index, and the digit strings it added to the
    vocabulary)."""
    source = _sql_literal(index.table)
    if vendor == "sqlite":
        statements = [f'DROP TRIGGER IF EXISTS "{index.fts}_{s}"' for s in SQLITE_INFIX_TRIGGERS]
        if not keep_table:
            statements += [
                f'DROP TABLE IF EXISTS "{index.infix_table}"',
                f"DELETE FROM \"{TYPO_TABLE}\" WHERE source = {source} AND key = word AND word GLOB '*[0-9]*'",
            ]
        return statements
    if vendor == "postgresql":
        statements = [
            f'DROP TRIGGER IF EXISTS "{index.table}_search_infix_{s}" ON "{index.table}"'
            for s in ("ai", "au")
        ]
        if not keep_table:
            statements += [
                f'DROP INDEX IF EXISTS "{index.infix_index}"',
                f"DELETE FROM \"{TYPO_TABLE}\" WHERE source = {source} AND key = word AND word ~ '[0-9]'",
            ]
        return statements
    return []


def infix_fill(index: SearchIndex, *, connection: Any) -> None:
    """Add the digit strings of the phones and the compact codes of the table's alive rows to the vocabulary
    (PostgreSQL: in SQL, from the full-text column; SQLite: read here, and the vocabulary's triggers put them
    into the trigram table)."""
    if not _has_codes(index):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f'INSERT INTO "{TYPO_TABLE}" ("source", "key", "word") SELECT %s, w.word, w.word FROM '
                f'(SELECT DISTINCT w AS word FROM "{index.table}" AS t, crm_search_infix_words(t."{SEARCH_COLUMN}") '
                f'AS w WHERE t."{index.deleted}" IS NULL) AS w ON CONFLICT DO NOTHING',
                [index.table],
            )
            return
        if connection.vendor != "sqlite":
            return
        columns = ", ".join(f'"{c}"' for c in (*index.phones, *index.codes, *index.phone_lists))
        cursor.execute(f'SELECT {columns} FROM "{index.table}" WHERE "{index.deleted}" IS NULL')
        n_phones, n_codes = len(index.phones), len(index.codes)
        found: set[str] = set()
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                phones = [str(v) for v in row[:n_phones] if v]
                for raw in row[n_phones + n_codes :]:
                    phones.extend(
                        str(v) for v in (json.loads(raw) if isinstance(raw, str) else raw or []) if v
                    )
                codes = [str(v) for v in row[n_phones : n_phones + n_codes] if v]
                found.update(
                    code_index_words(
                        phones=phones, codes=codes, phone_chars=PHONE_PUNCTUATION, code_chars=CODE_PUNCTUATION
                    )
                )
        rows = [(index.table, word, word) for word in sorted(found)]
        for start in range(0, len(rows), 10_000):
            cursor.executemany(
                f'INSERT OR IGNORE INTO "{TYPO_TABLE}" ("source", "key", "word") VALUES (%s, %s, %s)',
                rows[start : start + 10_000],
            )


def _infix_exists(index: SearchIndex, connection: Any) -> bool:
    if connection.vendor == "sqlite":
        return index.infix_table in connection.introspection.table_names()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [index.infix_index])
            return cursor.fetchone() is not None
    return False


class SearchInfixIndexCreate(migrations.operations.base.Operation):
    """Migration operation: the trigram index over a table's vocabulary (`search_word`) and the triggers that
    add its phone digit strings and compact ids to it, filled from the rows already there. SQLite and
    PostgreSQL (needs the pg_trgm extension: crm.core.search's migration 0002) only."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.index], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        return None

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        vendor = schema_editor.connection.vendor
        for sql in infix_create(self.index, vendor=vendor):
            schema_editor.execute(sql, params=None)
        infix_fill(self.index, connection=schema_editor.connection)
        for sql in infix_index_create(self.index, vendor=vendor):
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for sql in infix_drop(self.index, vendor=schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    def describe(self) -> str:
        return f"Create the infix (trigram) index of {self.index.table}'s vocabulary"


class SearchTypoIndexCreate(migrations.operations.base.Operation):
    """Migration operation: the triggers that add a table's words to the typo index (`search_word`, created by
    crm.core.search's migration 0001), and the words already there. SQLite and PostgreSQL only."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.index], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        return None

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for sql in typo_create(self.index, vendor=schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)
        typo_fill(self.index, connection=schema_editor.connection)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for sql in typo_drop(self.index, vendor=schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    def describe(self) -> str:
        return f"Create the typo index triggers of {self.index.table}"


class SearchIndexCreate(migrations.operations.base.Operation):
    """Migration operation: create (and fill) the search index of a table on SQLite or PostgreSQL.
    Other databases get no index (search then finds nothing there rather than failing)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.index], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        return None

    def _run(self, schema_editor: Any, statements: list[str]) -> None:
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            self._run(schema_editor, sqlite_create(self.index))
        elif vendor == "postgresql":
            self._run(schema_editor, postgres_create(self.index))

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            self._run(schema_editor, sqlite_drop(self.index))
        elif vendor == "postgresql":
            self._run(schema_editor, postgres_drop(self.index))

    def describe(self) -> str:
        return f"Create the search index of {self.index.table}"
