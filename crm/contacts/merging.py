"""Merge handlers: how records that point at an account or contact follow it when duplicates are merged.

Contacts moves its own related records (memberships, addresses, tags, subsidiaries). Higher layers (activities,
later orders, cases, emails) register a handler in their `AppConfig.ready()`:

    merge_handler_register(key="activities", move=activities_merge_move, undo=activities_merge_undo)

`move(*, object_type, survivor_id, merged_ids, actor)` re-points every related row of the merged-away records to
the survivor inside the merge's transaction and returns JSON-able data saying exactly what it moved;
`undo(*, object_type, survivor_id, data, actor)` puts back exactly that. `object_type` is "contacts" or
"accounts". Handlers run in registration order on merge and in reverse order on undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MoveFn = Callable[..., Any]
UndoFn = Callable[..., None]


@dataclass(frozen=True)
class MergeHandler:
    key: str
    move: MoveFn
    undo: UndoFn
    object_types: frozenset[str]


_HANDLERS: dict[str, MergeHandler] = {}


def merge_handler_register(
    *, key: str, move: MoveFn, undo: UndoFn, object_types: tuple[str, ...] = ("contacts", "accounts")
) -> None:
    """Register (or replace, by `key`) what moves to the survivor of a merge."""
    _HANDLERS[key] = MergeHandler(key=key, move=move, undo=undo, object_types=frozenset(object_types))


def merge_handlers(object_type: str) -> list[MergeHandler]:
    return [h for h in _HANDLERS.values() if object_type in h.object_types]
