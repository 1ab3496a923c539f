"""Domain events of the recycle bin (published after commit; see crm.core.events)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordsRestored:
    """Records of one type came back from the recycle bin (a restore brings back its whole deletion batch):
    apps that keep figures derived from their live records refresh them."""

    object_type: str
    object_ids: tuple[int, ...]
    actor_id: int | None
