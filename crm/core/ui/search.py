"""Quick find: one search box in the top bar, answered by providers the apps register.

An app registers a provider in its ``AppConfig.ready()``::

    from crm.core.ui.search import quick_find_register

    quick_find_register(_("Accounts"), account_quick_find, order=10)

where ``account_quick_find(user, q, limit)`` returns at most ``limit`` tuples ``(label, sublabel, url)`` of
records the user may see (use the app's permission-scoped selector). Registering the same function twice
(``ready()`` can run more than once in tests) replaces the earlier registration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

logger = logging.getLogger(__name__)

QuickFindFn = Callable[[Any, str, int], Sequence[tuple[str, str, str]]]

QUICK_FIND_MIN_LENGTH = 2


@dataclass(frozen=True)
class QuickFindProvider:
    key: str
    label: str | Promise
    fn: QuickFindFn
    order: int


@dataclass(frozen=True)
class QuickFindHit:
    label: str
    sublabel: str
    url: str


@dataclass(frozen=True)
class QuickFindGroup:
    key: str
    label: str | Promise
    hits: list[QuickFindHit]


_PROVIDERS: dict[str, QuickFindProvider] = {}


def quick_find_register(
    label: str | Promise, fn: QuickFindFn, *, order: int = 100, key: str | None = None
) -> None:
    """Add a provider; ``key`` defaults to the function's dotted name."""
    provider_key = key or f"{fn.__module__}.{fn.__qualname__}"
    _PROVIDERS[provider_key] = QuickFindProvider(key=provider_key, label=label, fn=fn, order=order)


def quick_find_unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def quick_find_providers() -> list[QuickFindProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, str(p.label)))


def quick_find_run(*, user: Any, q: str, limit: int = 5) -> list[QuickFindGroup]:
    """Ask every provider; groups without hits are left out. A failing provider is logged and skipped."""
    q = q.strip()
    if len(q) < QUICK_FIND_MIN_LENGTH:
        return []
    groups: list[QuickFindGroup] = []
    for provider in quick_find_providers():
        try:
            rows = provider.fn(user, q, limit)
        except Exception:
            logger.exception("quick find provider %s failed", provider.key)
            continue
        hits = [
            QuickFindHit(label=str(a), sublabel=str(b or ""), url=str(c)) for a, b, c in list(rows)[:limit]
        ]
        if hits:
            groups.append(QuickFindGroup(key=provider.key, label=provider.label, hits=hits))
    return groups
