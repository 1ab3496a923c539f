from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LeadCreated:
    lead_id: int
    source: str
    actor_id: int | None


@dataclass(frozen=True)
class LeadConverted:
    lead_id: int
    account_id: int
    contact_id: int
    actor_id: int | None
