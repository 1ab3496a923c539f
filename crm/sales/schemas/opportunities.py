"""API schemas for pipelines and opportunities.

`OpportunityIn` / `OpportunityPatch` list exactly what a client may write. The stage and status change only
through `POST /opportunities/{id}/move`, `/won` and `/lost`, which enforce the stage rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from crm.contacts.schemas import AccountRefOut, ContactRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import ForecastCategory, OpportunityStatus


class PlaybookTaskOut(Schema):
    title: str
    due_in_days: int


class StageOut(Schema):
    id: int
    name: str
    name_es: str
    position: int
    probability: int
    forecast_category: ForecastCategory
    is_won: bool
    is_lost: bool
    required_fields: list[str]
    playbook: list[PlaybookTaskOut]


class PipelineOut(Schema):
    id: int
    name: str
    name_es: str
    position: int
    is_active: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class OpportunityOut(Schema):
    id: int
    name: str
    account: AccountRefOut
    owner: UserRefOut
    pipeline_id: int
    stage_id: int
    status: OpportunityStatus
    amount: Decimal | None
    currency: str
    weighted_amount: Decimal | None
    close_date: dt.date
    probability: int
    lost_reason: str
    competitors: str
    next_step: str
    closed_on: dt.date | None
    stage_entered_at: dt.datetime
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class OpportunityDetailOut(OpportunityOut):
    contacts: list[ContactRefOut]

    @staticmethod
    def resolve_contacts(obj: Any) -> list[Any]:
        return list(obj.contacts.all())


class OpportunityPage(PageOut[OpportunityOut]):
    pass


class OpportunityIn(InSchema):
    name: str = Field(..., max_length=200)
    account_id: int
    pipeline_id: int
    stage_id: int | None = None
    owner_id: int | None = None
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("EUR", min_length=3, max_length=3)
    close_date: dt.date
    probability: int | None = Field(None, ge=0, le=100)
    competitors: str = Field("", max_length=300)
    next_step: str = Field("", max_length=300)
    contact_ids: list[int] = []


class OpportunityPatch(PatchSchema):
    """Only the fields sent change. `version` (or the If-Match header) refuses a stale write with 409."""

    NULLABLE = frozenset({"amount", "version"})

    name: str | None = Field(None, max_length=200)
    account_id: int | None = None
    owner_id: int | None = None
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    close_date: dt.date | None = None
    probability: int | None = Field(None, ge=0, le=100)
    competitors: str | None = Field(None, max_length=300)
    next_step: str | None = Field(None, max_length=300)
    contact_ids: list[int] | None = None
    version: int | None = None


class MoveIn(InSchema):
    stage_id: int
    version: int | None = None
    lost_reason: str = Field("", max_length=300)


class WonIn(InSchema):
    version: int | None = None


class LostIn(InSchema):
    reason: str = Field(..., max_length=300)
    version: int | None = None
