"""Run a query against one table's search index, inside the caller's permission-scoped queryset, and rank.

The caller (an app's search selector) passes ``Model.objects.visible_to(user)``: the match is added to that
same SQL statement, so the visibility filter is applied *before* the candidate limit, never after it (a sales
rep who owns 1% of the records still gets their matches). At most `window` candidates are read per query —
newest first on SQLite; on PostgreSQL names starting with the query (in name order), then matches among a
probe of rows, then the GIN index (one UNION ALL statement) — as plain rows of their names and emails, and ranked
here: exact name, name prefix, word prefix, other fields (email, phone, id), then one-typo matches, which are
looked up only when the others leave room and only for the words the typo index (`search_word`, SymSpell)
knows one edit away. Only the best `limit` are then loaded as model instances. On PostgreSQL a request's search
statements share one transaction with SSD-like planner costs (`search_session`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Generic, TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet

from crm.core.identity.enums import Scope
from crm.core.identity.permissions import user_hierarchy_ids, user_scope, user_team_member_ids
from crm.core.search.indexes import LONGEST_PREFIX, TYPO_TABLE, SearchIndex
from crm.core.search.statements import BaseRows, ScopedQuerySet, search_statements, text_fields
from crm.core.search.terms import INFIX_MIN_LENGTH, SearchQuery, fold, is_one_typo, typo_keys, words

M = TypeVar("M", bound=Model)

WINDOW = 100  # at most this many candidates are read per query and ranked in Python
WINDOW_PER_HIT = 5  # ... and at least five per place asked for (30 for the popover's 5 + 1)
PROBE = 2000  # PostgreSQL: rows checked in table order before asking the GIN index (see _postgres_probe_rows)
# ... when the user sees only some owners' rows: those are read through the owner index, one heap page each
# (~5 µs a row instead of ~0.5), so a prefix too rare to fill the window there cost 10 ms before GIN was asked
PROBE_SCOPED = 500
MAX_OWNER_TOKENS = 200  # beyond this many owners in scope the index is not narrowed by owner (SQL still is)
INFIX_CANDIDATES = 30  # at most this many vocabulary words containing a fragment are searched as exact words
INFIX_READ = (
    2 * INFIX_CANDIDATES
)  # ... read from the trigram index (those starting with it are then left out)


class Match(IntEnum):
    EXACT = 0
    NAME_PREFIX = 1
    WORD_PREFIX = 2
    OTHER_FIELD = 3
    TYPO = 4
    INFIX = 5


@dataclass(frozen=True)
class Ranked(Generic[M]):
    obj: M
    match: Match


def _owner_ids(user: Any, object_type: str) -> list[int] | None:
    """The owners whose records `user` may see, or None for all of them (or too many to list)."""
    scope = user_scope(user, object_type, "view")
    if scope is None or scope == Scope.ALL:
        return None
    if scope == Scope.OWN:
        ids = [user.pk]
    elif scope == Scope.TEAM:
        ids = user_team_member_ids(user)
    else:
        ids = user_hierarchy_ids(user)
    return ids if len(ids) <= MAX_OWNER_TOKENS else None


# --- SQLite FTS5 ----------------------------------------------------------------------------------------------
def _fts_term(word: str, *, prefix: bool = True) -> str:
    if prefix and len(word) > LONGEST_PREFIX and not word.isdigit():
        # a longer prefix would make FTS5 merge every matching word's list first (slow for common words);
        # the prefix index answers the first letters lazily and the rows are checked against the whole word
        word = word[:LONGEST_PREFIX]
    return f'"{word}"*' if prefix else f'"{word}"'


def _fts_match(query: SearchQuery, owners: list[int] | None, *, typos: dict[str, list[str]] | None) -> str:
    if typos is not None:
        parts = []
        for w in query.words:
            variants = [_fts_term(v, prefix=False) for v in typos.get(w, ())]
            parts.append("(" + " OR ".join([_fts_term(w), *variants]) + ")" if variants else _fts_term(w))
        expr = "{name other} : (" + " AND ".join(parts) + ")"
    else:
        alternatives = []
        if query.words:
            alternatives.append(
                "{name other ident} : (" + " AND ".join(_fts_term(w) for w in query.words) + ")"
            )
        for code in sorted({query.digits, query.code} - {""}):
            alternatives.append("{ident} : " + _fts_term(code))
        expr = " OR ".join(f"({a})" for a in alternatives)
    if owners is not None:
        expr = f"({expr}) AND {{owner}} : (" + " OR ".join(f'"o{pk}"' for pk in owners) + ")"
    return expr


def typo_candidates(query: SearchQuery, *, index: SearchIndex, using: str) -> dict[str, list[str]]:
    """The words of `index`'s table one edit away from each of the query's long words, from the typo index
    (SymSpell: words sharing a key — the word or a one-letter deletion of it — checked here). Words without
    any are left out, so an empty answer means there is no typo pass to make."""
    keys = sorted({k for w in query.typo_words for k in typo_keys(w)})
    if not keys:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT DISTINCT "word" FROM "{TYPO_TABLE}" WHERE "source" = %s '
            f'AND "key" IN ({", ".join(["%s"] * len(keys))})',
            [index.table, *keys],
        )
        found = [row[0] for row in cursor.fetchall()]
    candidates = {w: sorted(c for c in found if is_one_typo(w, c)) for w in query.typo_words}
    return {w: c for w, c in candidates.items() if c}


def infix_candidates(query: SearchQuery, *, index: SearchIndex, using: str) -> dict[str, list[str]]:
    """The words of `index`'s vocabulary (names, emails, phone digit strings, compact ids) that contain each
    fragment of the query — its words of INFIX_MIN_LENGTH+ characters, and its digits or compact code — without
    starting with it (those are prefix matches already): at most INFIX_CANDIDATES each, from the trigram index
    (SQLite FTS5 `trigram`, PostgreSQL pg_trgm), in one statement. Fragments without any are left out, so an
    empty answer means there is no infix pass to make."""
    fragments = sorted({*query.infix_words, *query.infix_codes})
    connection = connections[using]
    if not fragments or connection.vendor not in ("sqlite", "postgresql"):
        return {}
    if connection.vendor == "sqlite":
        one = f'SELECT * FROM (SELECT %s, "word" FROM "{index.infix_table}" WHERE "word" LIKE %s LIMIT %s)'
    else:
        source = "'" + index.table.replace("'", "''") + "'"  # a literal: the partial index's predicate
        one = (
            f'(SELECT CAST(%s AS text), "word" FROM "{TYPO_TABLE}" WHERE "source" = {source} AND "key" = "word" '
            'AND "word" LIKE %s LIMIT %s)'
        )
    # fragments are letters and digits only (`words` splits at anything else): no LIKE wildcard in them. Words
    # starting with the fragment are left out here, not in SQL: there the index would have to read every one
    # of them to find the rest, here the LIMIT stops it early.
    params = [x for f in fragments for x in (f, f"%{f}%", INFIX_READ)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(fragments)), params)
        found = cursor.fetchall()
    out: dict[str, list[str]] = {}
    for fragment, word in found:
        if fragment in word and not word.startswith(fragment):
            out.setdefault(fragment, []).append(word)
    return {f: sorted(w)[:INFIX_CANDIDATES] for f, w in out.items()}


def _fts_infix_match(query: SearchQuery, owners: list[int] | None, infix: dict[str, list[str]]) -> str:
    """Each word as a prefix or as one of the vocabulary words containing it, in any column; the query's
    digits or code as one of the phone numbers or ids containing them."""
    alternatives = []
    if any(infix.get(w) for w in query.words):
        parts = []
        for w in query.words:
            terms = [_fts_term(w), *(_fts_term(v, prefix=False) for v in infix.get(w, ()))]
            parts.append("(" + " OR ".join(terms) + ")")
        alternatives.append("{name other ident} : (" + " AND ".join(parts) + ")")
    for code in query.infix_codes:
        if infix.get(code):
            alternatives.append(
                "{ident} : (" + " OR ".join(_fts_term(v, prefix=False) for v in infix[code]) + ")"
            )
    expr = " OR ".join(f"({a})" for a in alternatives)
    if owners is not None:
        expr = f"({expr}) AND {{owner}} : (" + " OR ".join(f'"o{pk}"' for pk in owners) + ")"
    return expr


def _sqlite_rows(base: BaseRows, index: SearchIndex, match: str, window: int) -> list[tuple[Any, ...]]:
    fts = f'"{index.fts}"'
    # CROSS JOIN keeps the index as the outer loop: it yields matches newest first and stops at the window.
    sql = (
        f"SELECT q.* FROM {fts} CROSS JOIN ({base.sql}) AS q ON q.pk = {fts}.rowid "
        f"WHERE {fts} MATCH %s ORDER BY {fts}.rowid DESC LIMIT %s"
    )
    with connections[base.using].cursor() as cursor:
        cursor.execute(sql, [*base.params, match, window])
        return [tuple(row) for row in cursor.fetchall()]


# --- PostgreSQL full text ------------------------------------------------------------------------------------
def _ts_term(word: str, *, prefix: bool = True, weights: str = "") -> str:
    return f"'{word}':{'*' if prefix else ''}{weights}"


def _tsquery(query: SearchQuery) -> str:
    alternatives = []
    if query.words and query.folded != query.digits:
        # GIN lists every row of each prefix before intersecting them ("exa" → a million rows), so only the
        # longest word (a digit in it first: "c1000") goes to the index; the others are checked on the rows.
        narrow = max(query.words, key=lambda w: (any(c.isdigit() for c in w), len(w)))
        alternatives.append(_ts_term(narrow))
    for code in sorted({query.digits, query.code} - {""}):
        alternatives.append(_ts_term(code, weights="C"))
    return " | ".join(alternatives)


# Search reads a few rows by index and stops: priced with PostgreSQL's default random_page_cost (4, for spinning
# disks) the planner prefers walking the whole table for a sales rep's "García" over their own rows in the owner
# index. The search statements run with SSD-like costs, set for the transaction only and put back after.
SEARCH_PLANNER = {"random_page_cost": "1.1"}


@contextmanager
def search_session(using: str = "default") -> Iterator[None]:
    """Run every search statement of one request with SEARCH_PLANNER, set once (PostgreSQL: one transaction,
    one set_config, instead of four more round trips around each statement group of each type). Elsewhere, or
    inside another search session, it does nothing. When it opens the transaction, COMMIT puts the settings
    back; inside a caller's transaction they are put back explicitly."""
    connection: Any = connections[using]  # carries the crm_search_session flag
    if connection.vendor != "postgresql" or getattr(connection, "crm_search_session", False):
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        names = list(SEARCH_PLANNER)
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [x for n in names for x in (n, n, SEARCH_PLANNER[n])],
        )
        previous = cursor.fetchone()[0::2]
        connection.crm_search_session = True
        try:
            yield
        finally:
            connection.crm_search_session = False
        if outer:
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                [x for n, old in zip(names, previous, strict=True) for x in (n, old)],
            )


def _postgres_gin_sql(base: BaseRows, index: SearchIndex, tsquery: str, window: int) -> tuple[str, list[Any]]:
    """Matching rows in table order: the planner walks the table and stops at the window when a prefix matches a
    large share of it, and uses the GIN index otherwise."""
    vector = index.vector_sql(f'"{base.table}"')
    sql = base.where(f"{vector} @@ to_tsquery('simple'::regconfig, %s)") + f" LIMIT {int(window)}"
    return sql, [*base.params, tsquery]


def _postgres_name_sql(base: BaseRows, index: SearchIndex, prefix: str, window: int) -> tuple[str, list[Any]]:
    """Rows whose name starts with `prefix` (folded), in name order, from the btree index (stops at the
    window): the best-ranked matches, found without reading every row a short prefix matches."""
    name = index.name_sql(f'"{base.table}"')
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = base.where(f"{name} LIKE %s") + f" ORDER BY ({name}) ASC LIMIT {int(window)}"
    return sql, [*base.params, pattern]


def _postgres_probe_sql(
    base: BaseRows, index: SearchIndex, tsquery: str, window: int, probe: int, *, sample: bool
) -> tuple[str, list[Any]]:
    """Matches among `probe` rows the user may see. A common prefix ("ga", "91") fills the window here for the
    price of a few thousand cheap checks; building the GIN index's list of every row it matches would cost a
    hundred times more. Rare words find little here and go to the index.

    With `sample`, the rows are a fixed sample of the table's pages spread over all of it (TABLESAMPLE SYSTEM,
    REPEATABLE: the same pages each time, so they stay cached and a query keeps its answer) instead of its
    first pages: rows loaded together sit together, and the first 2,000 rows of a table filled in email order
    held no "c1…" of the 111,111 there are (then 26 ms in GIN). Without it, the user's own rows in the order
    of the index that finds them (a sales rep's)."""
    table = base.table
    column = index.vector_sql(f'"{table}"')
    source = f'FROM "{table}" '
    select, _from, rest = base.sql.partition(f' FROM "{table}"')
    params: list[Any] = list(base.params)
    if sample and (base.sql + " ").count(source) == 1:
        percent = (
            "(SELECT LEAST(100, 100.0 * %s / GREATEST(c.reltuples, 1))::real FROM pg_class AS c "
            "WHERE c.oid = %s::regclass)"
        )
        rest = f" TABLESAMPLE SYSTEM ({percent}) REPEATABLE (0){rest}"
        params = [probe, f'"{table}"', *params]
    inner = f'{select}, ({column}) AS "search_probe" FROM "{table}"{rest} LIMIT {int(probe)}'
    columns = ", ".join(f's."{c}"' for c in ("pk", *text_fields(index)))
    return (
        f"SELECT {columns} FROM ({inner}) AS s WHERE s.search_probe @@ to_tsquery('simple'::regconfig, %s) LIMIT %s",
        [*params, tsquery, window],
    )


def _infix_tsquery(query: SearchQuery, infix: dict[str, list[str]]) -> str:
    """Like the SQLite expression, but a one-word query is only its candidates (its prefix term was looked up
    by the prefix pass already)."""
    alternatives = []
    if any(infix.get(w) for w in query.words):
        parts = []
        for w in query.words:
            own = [_ts_term(w)] if len(query.words) > 1 or not infix.get(w) else []
            terms = [*own, *(_ts_term(v, prefix=False) for v in infix.get(w, ()))]
            parts.append("(" + " | ".join(terms) + ")")
        alternatives.append(" & ".join(parts))
    for code in query.infix_codes:
        if infix.get(code):
            alternatives.append(" | ".join(_ts_term(v, prefix=False) for v in infix[code]))
    return " | ".join(f"({a})" for a in alternatives)


MAX_TYPO_NAMES = 4  # PostgreSQL: at most this many corrected names are looked up in the name index


def _typo_tsquery(query: SearchQuery, typos: dict[str, list[str]]) -> str:
    parts = []
    for w in query.words:
        terms = [
            _ts_term(w, weights="AB"),
            *(_ts_term(v, prefix=False, weights="AB") for v in typos.get(w, ())),
        ]
        parts.append("(" + " | ".join(terms) + ")")
    return " & ".join(parts)


def _typo_names(query: SearchQuery, typos: dict[str, list[str]]) -> list[str]:
    """The query with its long words replaced by their typo-index neighbours ("lucia gonzales" → "lucia
    gonzalez"): looked up as name prefixes, the common case of a name typed with one typo."""
    names = [""]
    for w in query.words:
        names = [f"{n} {v}".strip() for n in names for v in [w, *typos.get(w, ())]][: MAX_TYPO_NAMES + 1]
    return [n for n in names if n != query.folded][:MAX_TYPO_NAMES]


def _rows(
    base: BaseRows,
    index: SearchIndex,
    query: SearchQuery,
    owners: list[int] | None,
    *,
    typos: dict[str, list[str]] | None,
    window: int,
    infix: dict[str, list[str]] | None = None,
) -> list[tuple[Any, ...]]:
    vendor = connections[base.using].vendor
    if vendor == "sqlite":
        if infix is not None:
            return _sqlite_rows(base, index, _fts_infix_match(query, owners, infix), window)
        return _sqlite_rows(base, index, _fts_match(query, owners, typos=typos), window)
    if vendor == "postgresql":
        probe = PROBE if owners is None else PROBE_SCOPED
        with search_session(base.using):
            if infix is not None:
                # exact words only: GIN answers them at once, a probe would check each row against all of them;
                # and the planner, expecting ~100 rows per word, would rather walk the table to the LIMIT — the
                # whole table (or another index) when they are rare (0.2-0.4 s on 200,000 contacts): bitmaps only
                with connections[base.using].cursor() as cursor:
                    cursor.execute(
                        "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
                        "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
                    )
                    previous = cursor.fetchone()[:2]
                    try:
                        return _postgres_search(
                            base, index, [], _infix_tsquery(query, infix), window, probe=0
                        )
                    finally:
                        cursor.execute(
                            "SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
                            list(previous),
                        )
            if typos is not None:
                return _postgres_search(
                    base, index, _typo_names(query, typos), _typo_tsquery(query, typos), window, probe
                )
            names = [query.folded] if query.words else []
            return _postgres_search(base, index, names, _tsquery(query), window, probe)
    return []


def _postgres_search(
    base: BaseRows, index: SearchIndex, names: list[str], tsquery: str, window: int, probe: int
) -> list[tuple[Any, ...]]:
    """Names that start with one of `names` first (the best-ranked, from the btree in name order), then rows
    matching `tsquery` in the probe, then from the GIN index — one statement: the steps are branches of a
    UNION ALL under one LIMIT, and PostgreSQL runs a branch only while the rows before it do not fill the window
    (one round trip instead of three). A row found twice counts twice towards the LIMIT: the window may then
    hold a few rows less."""
    parts = [_postgres_name_sql(base, index, name, window) for name in names]
    if probe:
        parts.append(_postgres_probe_sql(base, index, tsquery, window, probe, sample=probe == PROBE))
    parts.append(_postgres_gin_sql(base, index, tsquery, window))
    sql = "SELECT * FROM (" + " UNION ALL ".join(f"({part})" for part, _ in parts) + ") AS u LIMIT %s"
    with connections[base.using].cursor() as cursor:
        cursor.execute(sql, [*(p for _, params in parts for p in params), window])
        found = cursor.fetchall()
    rows: list[tuple[Any, ...]] = []
    seen: set[Any] = set()
    for row in found:
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(tuple(row))
    return rows


# --- ranking --------------------------------------------------------------------------------------------------
def _strings(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        if isinstance(value, list):
            out.extend(str(v) for v in value if v)
        elif value:
            out.append(str(value))
    return out


def _match_of(query: SearchQuery, names: Sequence[str], others: Sequence[str]) -> Match | None:
    """How well a candidate matches; None when a word cut short for the index does not really match."""
    name_words = [words(n) for n in names]
    for nw in name_words:
        if nw and nw == list(query.words):
            return Match.EXACT
    for nw in name_words:
        if query.words and " ".join(nw).startswith(query.folded):
            return Match.NAME_PREFIX
    flat = [w for nw in name_words for w in nw]
    if query.words and all(any(n.startswith(w) for n in flat) for w in query.words):
        return Match.WORD_PREFIX
    if not (query.digits or query.code):  # words the index was asked for only in part are checked here
        every = flat + [w for text in others for w in words(text)]
        if not all(any(n.startswith(w) for n in every) for w in query.words):
            return None
    return Match.OTHER_FIELD


def _is_typo_match(query: SearchQuery, row_words: list[str]) -> bool:
    """Every query word starts a word of the row, or (long words) is one typo away from one."""
    return all(
        any(n.startswith(w) or (w in query.typo_words and is_one_typo(w, n)) for n in row_words)
        for w in query.words
    )


def _is_infix_match(query: SearchQuery, texts: list[str]) -> bool:
    """Every query word starts or (INFIX_MIN_LENGTH+) lies inside a word of the row — inside the row's digits
    or compact code, for words with a digit ("2344" in "+34 612 34 4567") — or the query's digits or code
    lie inside one of the row's phone numbers or ids."""
    tokens = [w for text in texts for w in words(text)]
    compacts = ["".join(words(text)) for text in texts]

    def found(w: str) -> bool:
        if any(n.startswith(w) for n in tokens):
            return True
        if len(w) < INFIX_MIN_LENGTH:
            return False
        haystack = compacts if any(c.isdigit() for c in w) else tokens
        return any(w in n for n in haystack)

    if query.words and all(found(w) for w in query.words):
        return True
    return any(code in c for code in query.infix_codes for c in compacts)


def search_ranked(
    queryset: QuerySet[M] | ScopedQuerySet[M],
    *,
    index: SearchIndex,
    query: SearchQuery,
    user: Any,
    limit: int,
    window: int = WINDOW,
    model: type[M] | None = None,
) -> list[Ranked[M]]:
    """The best `limit` records of `queryset` (already scoped to what `user` may see) for `query`, loaded
    from `queryset` (so its only and select_related apply). `queryset` may be a function of the user returning
    it, with `model` the model it returns: its SQL is then compiled once per permission scope (see
    `statements`). One-typo matches are looked up only when exact and prefix matches fill fewer than `limit`
    places, and always rank below them; matches of a fragment inside a word (infix: "rcia" in García, "4567"
    at the end of a phone number) only when those still leave room, and rank last."""
    if query.is_empty:
        return []
    statements = search_statements(queryset, user=user, index=index, model=model)
    if statements is None:
        return []
    base = statements.rows
    owners = _owner_ids(user, statements.model._meta.label_lower)
    n_names = len(index.names)
    window = min(window, max(30, WINDOW_PER_HIT * limit))
    found: dict[Any, tuple[Match, str, Any]] = {}
    for pk, *texts in _rows(base, index, query, owners, typos=None, window=window):
        names = _strings(texts[:n_names])
        match = _match_of(query, names, _strings(texts[n_names:]))
        if match is not None:
            found[pk] = (match, fold(names[0]) if names else "", pk)
    typos = (
        typo_candidates(query, index=index, using=base.using)
        if len(found) < limit and query.typo_words
        else {}
    )
    if typos:
        for pk, *texts in _rows(base, index, query, owners, typos=typos, window=window):
            if pk not in found:
                names = _strings(texts[:n_names])
                if _is_typo_match(query, [w for text in _strings(texts) for w in words(text)]):
                    found[pk] = (Match.TYPO, fold(names[0]) if names else "", pk)
    # a number typed from its start (a phone, an id) that already matches is not looked up inside numbers too:
    # its long digit strings share the trigrams of most numbers (country and area codes), which the trigram
    # index would read to the end
    is_number_found = bool(found) and bool(query.digits or query.code)
    infix = (
        infix_candidates(query, index=index, using=base.using)
        if index.infix
        and len(found) < limit
        and (query.infix_words or query.infix_codes)
        and not is_number_found
        else {}
    )
    if infix:
        for pk, *texts in _rows(base, index, query, owners, typos=None, infix=infix, window=window):
            if pk not in found and _is_infix_match(query, _strings(texts)):
                names = _strings(texts[:n_names])
                found[pk] = (Match.INFIX, fold(names[0]) if names else "", pk)
    best = sorted(found.values())[:limit]
    objects = statements.objects.load([pk for _m, _n, pk in best])
    return [Ranked(objects[pk], match) for match, _n, pk in best if pk in objects]
