from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountDeleted:
    account_id: int
    batch: uuid.UUID
    actor_id: int | None


@dataclass(frozen=True)
class ContactDeleted:
    contact_id: int
    batch: uuid.UUID
    actor_id: int | None


@dataclass(frozen=True)
class OwnerChanged:
    object_type: str
    object_id: int
    old_owner_id: int | None
    new_owner_id: int
    actor_id: int | None
    reason: str


@dataclass(frozen=True)
class AccountTerritoryChanged:
    """The stored territory of these accounts changed (published on commit). `account_ids` empty with
    `everything=True`: a re-match run went over every account, so the territory of any may have changed."""

    account_ids: tuple[int, ...]
    everything: bool = False
