"""Events of the assignment app: published after commit (crm.core.events)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TerritoriesChanged:
    """A territory was created, changed (criteria or name: the name sets the matching order) or deleted: every
    record that stores its territory must be matched again (contacts re-matches the accounts in a job)."""

    territory_id: int
    action: str  # "created" | "updated" | "deleted"
    actor_id: int | None
