from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LeadCreated:
    lead_id: int
    source: str
    actor_id: int | None
    owner_given: bool = False  # the creator named the owner (else the assignment rules or a default chose)


@dataclass(frozen=True)
class LeadConverted:
    lead_id: int
    account_id: int
    contact_id: int
    actor_id: int | None
