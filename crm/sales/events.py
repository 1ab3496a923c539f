from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpportunityStageChanged:
    opportunity_id: int
    from_stage_id: int | None
    to_stage_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OpportunityWon:
    opportunity_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OpportunityLost:
    opportunity_id: int
    reason: str
    actor_id: int | None
