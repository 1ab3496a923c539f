"""Run a query against one table's search index, inside the caller's permission-scoped queryset, and rank.

The caller (an app's search selector) passes ``Model.objects.visible_to(user)``: the match is added to that
same SQL statement, so the visibility filter is applied *before* the candidate limit, never after it (a sales
rep who owns 1% of the records still gets their matches). At most `window` candidates are read per query —
newest first on SQLite, in table order on PostgreSQL — and ranked here: exact name, name prefix, word prefix,
other fields (email, phone, id), then one-typo matches, which are looked up only when the others leave room.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

from django.db import connections
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

from crm.core.identity.enums import Scope
from crm.core.identity.permissions import user_hierarchy_ids, user_scope, user_team_member_ids
from crm.core.search.indexes import SearchIndex
from crm.core.search.terms import SearchQuery, fold, typo_variants, words

M = TypeVar("M", bound=Model)

WINDOW = 100  # candidates read per query and ranked in Python
MAX_OWNER_TOKENS = 200  # beyond this many owners in scope the index is not narrowed by owner (SQL still is)


class Match(IntEnum):
    EXACT = 0
    NAME_PREFIX = 1
    WORD_PREFIX = 2
    OTHER_FIELD = 3
    TYPO = 4


@dataclass(frozen=True)
class Ranked:
    obj: Any
    match: Match
    key: tuple[Any, ...]


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
    return f'"{word}"*' if prefix else f'"{word}"'


def _fts_match(query: SearchQuery, owners: list[int] | None, *, typos: bool) -> str:
    if typos:
        parts = []
        for w in query.words:
            if w in query.typo_words:
                parts.append(
                    "(" + " OR ".join(_fts_term(v, prefix=False) for v in sorted(typo_variants(w))) + ")"
                )
            else:
                parts.append(_fts_term(w))
        expr = "{name other} : (" + " AND ".join(parts) + ")"
    else:
        alternatives = []
        if query.words:
            alternatives.append(
                "{name other ident} : (" + " AND ".join(_fts_term(w) for w in query.words) + ")"
            )
        for code in {query.digits, query.code} - {""}:
            alternatives.append("{ident} : " + _fts_term(code))
        expr = " OR ".join(f"({a})" for a in alternatives)
    if owners is not None:
        expr = f"({expr}) AND {{owner}} : (" + " OR ".join(f'"o{pk}"' for pk in owners) + ")"
    return expr


def _sqlite_candidates(qs: QuerySet[M], index: SearchIndex, match: str, window: int) -> list[M]:
    inner, params = qs.order_by().values_list("pk", flat=True).query.sql_with_params()
    fts = f'"{index.fts}"'
    # CROSS JOIN keeps the index as the outer loop: it yields matches newest first and stops at the window.
    sql = (
        f"SELECT q.pk FROM {fts} CROSS JOIN ({inner}) AS q ON q.pk = {fts}.rowid "
        f"WHERE {fts} MATCH %s ORDER BY {fts}.rowid DESC LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [*params, match, window])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    return list(qs.filter(pk__in=ids))


# --- PostgreSQL full text ------------------------------------------------------------------------------------
def _ts_term(word: str, *, prefix: bool = True, weights: str = "") -> str:
    return f"'{word}':{'*' if prefix else ''}{weights}"


def _tsquery(query: SearchQuery, *, typos: bool) -> str:
    if typos:
        parts = []
        for w in query.words:
            if w in query.typo_words:
                parts.append(
                    "("
                    + " | ".join(_ts_term(v, prefix=False, weights="AB") for v in sorted(typo_variants(w)))
                    + ")"
                )
            else:
                parts.append(_ts_term(w, weights="AB"))
        return " & ".join(parts)
    alternatives = []
    if query.words:
        alternatives.append("(" + " & ".join(_ts_term(w) for w in query.words) + ")")
    for code in {query.digits, query.code} - {""}:
        alternatives.append(_ts_term(code, weights="C"))
    return " | ".join(alternatives)


def _postgres_candidates(qs: QuerySet[M], index: SearchIndex, tsquery: str, window: int) -> list[M]:
    table = qs.model._meta.db_table
    matches = RawSQL(
        f"{index.vector_sql(chr(34) + table + chr(34))} @@ to_tsquery('simple'::regconfig, %s)",
        [tsquery],
        output_field=BooleanField(),
    )
    return list(qs.filter(matches).order_by()[:window])


def _candidates(
    qs: QuerySet[M],
    index: SearchIndex,
    query: SearchQuery,
    owners: list[int] | None,
    *,
    typos: bool,
    window: int,
) -> list[M]:
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        return _sqlite_candidates(qs, index, _fts_match(query, owners, typos=typos), window)
    if vendor == "postgresql":
        return _postgres_candidates(qs, index, _tsquery(query, typos=typos), window)
    return []


# --- ranking --------------------------------------------------------------------------------------------------
def _match_of(query: SearchQuery, names: Iterable[str], others: Iterable[str]) -> Match:
    name_words = [words(n) for n in names if n]
    for nw in name_words:
        if nw and nw == list(query.words):
            return Match.EXACT
    for nw in name_words:
        if query.words and " ".join(nw).startswith(query.folded):
            return Match.NAME_PREFIX
    flat = [w for nw in name_words for w in nw]
    if query.words and all(any(n.startswith(w) for n in flat) for w in query.words):
        return Match.WORD_PREFIX
    return Match.OTHER_FIELD


def search_ranked(
    queryset: QuerySet[M],
    *,
    index: SearchIndex,
    query: SearchQuery,
    user: Any,
    limit: int,
    texts: Callable[[M], tuple[Sequence[str], Sequence[str]]],
    window: int = WINDOW,
) -> list[Ranked]:
    """The best `limit` records of `queryset` (already scoped to what `user` may see) for `query`.

    `texts(obj)` gives the record's (names, other searchable texts) for ranking. One-typo matches are looked
    up only when exact and prefix matches fill fewer than `limit` places, and always rank below them."""
    if query.is_empty:
        return []
    object_type = queryset.model._meta.label_lower
    owners = _owner_ids(user, object_type)
    found: dict[Any, Ranked] = {}
    for obj in _candidates(queryset, index, query, owners, typos=False, window=max(window, limit)):
        names, _others = texts(obj)
        match = _match_of(query, names, _others)
        found[obj.pk] = Ranked(obj, match, (match, fold(names[0] if names else ""), obj.pk))
    if len(found) < limit and query.typo_words:
        for obj in _candidates(queryset, index, query, owners, typos=True, window=max(window, limit)):
            if obj.pk not in found:
                names, _others = texts(obj)
                found[obj.pk] = Ranked(obj, Match.TYPO, (Match.TYPO, fold(names[0] if names else ""), obj.pk))
    return sorted(found.values(), key=lambda r: r.key)[:limit]
