"""The SQL of one search type for one user, compiled once per permission scope and reused by every keystroke.

A search type's provider hands the engine its permission-scoped queryset. Compiling it with the ORM (the
`visible_to` filter, the rows statement, the `in_bulk` of the best hits) cost more per keystroke than the
queries themselves, so the engine works from plain SQL text instead:

- `BaseRows`: `SELECT pk, <text fields> FROM <table> [WHERE <scope>]`; every statement of a search (prefix,
  typo, infix; on PostgreSQL the name, probe and GIN branches) is this text with a condition added.
- `ObjectLoader`: the queryset's own `SELECT` (its `only` and `select_related` columns) with `pk IN (…)` added,
  turned into model instances the way the ORM does.

When the provider passes a function of the user instead of a queryset (`lambda user: Contact.objects
.visible_to(user).only(…)`, a module-level one), both are cached per (function, permission scope): the
function's SQL must depend on the user only through `visible_to`, whose filter `scope_key` sums up (the scope
and the owners it lets through). A role, team or hierarchy change gives a new key, so the cache never serves a
scope the user no longer has.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]  # ModelIterable's

from crm.core.identity.permissions import scope_key
from crm.core.search.indexes import SearchIndex

M = TypeVar("M", bound=Model)

CACHE_SIZE = 512  # (search type, permission scope) pairs kept; the least recently used is dropped


def text_fields(index: SearchIndex) -> tuple[str, ...]:
    """The fields read for ranking and checking: names first, then emails, ids, email lists and phones."""
    return (
        *index.names,
        *index.emails,
        *index.codes,
        *index.email_lists,
        *index.phones,
        *index.phone_lists,
    )


def _add_where(sql: str, condition: str) -> str:
    """`sql` (a plain SELECT whose WHERE clause, if any, ends it) with `condition` added to that clause."""
    head, found, scope = sql.partition(" WHERE ")
    return f"{head} WHERE ({scope}) AND ({condition})" if found else f"{head} WHERE {condition}"


def _plain(queryset: QuerySet[Any]) -> bool:
    """Whether the compiled statement ends with its WHERE clause (no slice, DISTINCT, GROUP BY, UNION)."""
    query = queryset.query
    return not (query.is_sliced or query.distinct or query.group_by is not None or query.combinator)


@dataclass(frozen=True)
class BaseRows:
    """`SELECT pk, <text fields> FROM <table> [WHERE <scope>]` and its parameters."""

    sql: str
    params: tuple[Any, ...]
    table: str
    using: str

    def where(self, condition: str) -> str:
        """The base with `condition` (its parameters come after the base's) added to its WHERE clause."""
        return _add_where(self.sql, condition)


class ObjectLoader(Generic[M]):
    """Loads records by primary key as `queryset.in_bulk` would (its columns, its select_related), from SQL
    compiled once."""

    def __init__(self, queryset: QuerySet[M]) -> None:
        self.using = queryset.db
        compiler = queryset.order_by().query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        pk = queryset.model._meta.pk
        assert pk is not None
        quote = connections[self.using].ops.quote_name
        self.pk_sql = f"{quote(queryset.model._meta.db_table)}.{quote(pk.column)}"
        self.sql, self.params, self.compiler = sql, tuple(params), compiler
        info = compiler.klass_info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.model, self.span = info["model"], (start, end)
        self.init_list = [f[0].target.attname for f in compiler.select[start:end]]
        self.populators = get_related_populators(info, compiler.select, self.using)

    def load(self, pks: Sequence[Any]) -> dict[Any, M]:
        if not pks:
            return {}
        sql = _add_where(self.sql, f"{self.pk_sql} IN ({', '.join(['%s'] * len(pks))})")
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*self.params, *pks])
            fetched = cursor.fetchall()
        start, end = self.span
        out: dict[Any, M] = {}
        for row in self.compiler.results_iter(results=[fetched]):
            obj = self.model.from_db(self.using, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            out[obj.pk] = obj
        return out


class _InBulk(Generic[M]):
    """The ORM's own `in_bulk`, for querysets ObjectLoader does not handle (annotations, extra, a related
    manager's)."""

    def __init__(self, queryset: QuerySet[M]) -> None:
        self.queryset = queryset

    def load(self, pks: Sequence[Any]) -> dict[Any, M]:
        return self.queryset.in_bulk(list(pks))


@dataclass(frozen=True)
class Statements(Generic[M]):
    rows: BaseRows
    objects: ObjectLoader[M] | _InBulk[M]
    model: type[M]


def statements_compile(queryset: QuerySet[M], *, index: SearchIndex) -> Statements[M] | None:
    """`queryset`'s statements; None when it can match nothing (`.none()`)."""
    if not _plain(queryset):
        raise ValueError("search needs a plain filtered queryset (no slice, distinct, grouping or union)")
    rows = queryset.order_by().values_list("pk", *text_fields(index))
    try:
        sql, params = rows.query.sql_with_params()
        known = getattr(queryset, "_known_related_objects", None)  # a related manager's queryset
        special = queryset.query.annotations or queryset.query.extra or known
        objects: ObjectLoader[M] | _InBulk[M] = _InBulk(queryset) if special else ObjectLoader(queryset)
    except EmptyResultSet:
        return None
    base = BaseRows(sql=sql, params=tuple(params), table=queryset.model._meta.db_table, using=queryset.db)
    return Statements(rows=base, objects=objects, model=queryset.model)


ScopedQuerySet = Callable[[Any], QuerySet[M]]
_CACHE: OrderedDict[tuple[Any, ...], Statements[Any] | None] = OrderedDict()
_LOCK = threading.Lock()


def search_statements(
    queryset: QuerySet[M] | ScopedQuerySet[M], *, user: Any, index: SearchIndex, model: type[M] | None = None
) -> Statements[M] | None:
    """The statements of `queryset`, or of `queryset(user)` (cached per function and permission scope of
    `model`: pass the model the function returns). None when the user may see none of its rows."""
    if isinstance(queryset, QuerySet):
        return statements_compile(queryset, index=index)
    if model is None:
        return statements_compile(queryset(user), index=index)
    owner_field = getattr(model, "OWNER_FIELD", "owner")
    scope = scope_key(user, model._meta.label_lower, "view", owner_field)
    if scope is None:
        return None
    key = (queryset, index.table, scope)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    compiled = statements_compile(queryset(user), index=index)
    with _LOCK:
        _CACHE[key] = compiled
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled
