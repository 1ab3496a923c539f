"""Domain events of identity (published after commit; see crm.core.events)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamDeleted:
    """A team is gone: records that pointed at it now have no team (SET NULL)."""

    team_id: int
    actor_id: int | None
