"""The one search registry: every app that wants its records in the search box registers a search type.

In ``AppConfig.ready()``::

    from crm.core.search.registry import search_type_register

    search_type_register(key="contacts.contact", label=_("Contacts"), provider=contact_search_hits, order=20)

``provider(*, user, query, limit)`` returns at most ``limit`` ``SearchHit`` of records the user may see, best
first (use the app's permission-scoped queryset with ``crm.core.search.engine.search_ranked``). ``key`` is also
the permission object type: users who may not view it are not asked. Registering a key again replaces it
(``ready()`` can run more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from crm.core.search.indexes import SearchIndex
from crm.core.search.terms import SearchQuery


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    subtitle: str
    url: str
    match: str  # exact | name_prefix | word_prefix | other_field | typo | infix


SearchProvider = Callable[..., list[SearchHit]]


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str | Promise
    provider: SearchProvider
    order: int
    icon: str


_TYPES: dict[str, SearchType] = {}
_INDEXES: dict[str, SearchIndex] = {}


def search_type_register(
    *,
    key: str,
    label: str | Promise,
    provider: SearchProvider,
    order: int = 100,
    icon: str = "magnifying-glass",
) -> None:
    _TYPES[key] = SearchType(key=key, label=label, provider=provider, order=order, icon=icon)


def search_index_register(index: SearchIndex) -> None:
    """Declare a table's search index (created by the app's migration), so it is checked after `migrate`."""
    _INDEXES[index.table] = index


def search_indexes() -> list[SearchIndex]:
    return list(_INDEXES.values())


def search_type_unregister(key: str) -> None:
    _TYPES.pop(key, None)


def search_types() -> list[SearchType]:
    return sorted(_TYPES.values(), key=lambda t: (t.order, str(t.label)))


def search_type_get(key: str) -> SearchType | None:
    return _TYPES.get(key)


def provider_call(search_type: SearchType, *, user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    return list(search_type.provider(user=user, query=query, limit=limit))[:limit]
