"""API schemas for leads. `LeadIn`/`LeadPatch` list exactly what a client may write: never ids, status,
timestamps or `version` (PATCH takes the version as the optimistic-locking precondition only). The status moves
through `POST /leads/{id}/contacted|qualify|disqualify|reopen|convert`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from crm.contacts.enums import Consent
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.leads.enums import Authority, DisqualifyReason, LeadSource, LeadStatus, PurchaseTimeline

Blank = Literal[""]


class RefOut(Schema):
    id: int
    name: str


class LeadOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    company: str
    job_title: str
    email: str
    phone: str
    website: str
    city: str
    region: str
    postal_code: str
    country: str
    source: LeadSource
    source_detail: str
    status: LeadStatus
    disqualified_reason: DisqualifyReason | Blank
    disqualified_note: str
    budget_amount: Decimal | None
    budget_currency: str
    authority: Authority | Blank
    need: str
    timeline: PurchaseTimeline | Blank
    email_consent: Consent
    consent_at: dt.datetime | None
    consent_source: str
    description: str
    custom: dict[str, Any]
    owner: UserRefOut
    team_id: int | None
    converted_account_id: int | None
    converted_contact_id: int | None
    converted_opportunity_id: int | None = None
    contacted_at: dt.datetime | None
    qualified_at: dt.datetime | None
    disqualified_at: dt.datetime | None
    converted_at: dt.datetime | None
    score: int | None = Field(
        None, description="Lead score 0-100: the lead-scoring model's chance that it ends in a won deal."
    )
    score_factors: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The features that pushed the score most: feature, label, effect (log-odds; + raises it).",
    )
    scored_at: dt.datetime | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class LeadPage(PageOut[LeadOut]):
    pass


class _LeadFields(InSchema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company: str = Field("", max_length=200)
    job_title: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=300)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field(
        "", max_length=2, description="ISO 3166 two-letter code (territory rules match on it)."
    )
    source_detail: str = Field("", max_length=200)
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_currency: str = Field("", max_length=3)
    authority: Authority | Blank = ""
    need: str = ""
    timeline: PurchaseTimeline | Blank = ""
    email_consent: Consent = Consent.UNKNOWN
    consent_source: str = Field("", max_length=200)
    description: str = ""
    custom: dict[str, Any] = {}


class LeadIn(_LeadFields):
    source: LeadSource = LeadSource.API
    owner_id: int | None = Field(
        None, description="The owner; default: the assignment rules' choice for leads, else the caller."
    )


class LeadPatch(PatchSchema):
    """Only the fields sent are changed. `version` (or the If-Match header) refuses a stale write with 409."""

    NULLABLE = frozenset({"budget_amount", "custom", "version"})

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    company: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=120)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=300)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    source: LeadSource | None = None
    source_detail: str | None = Field(None, max_length=200)
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_currency: str | None = Field(None, max_length=3)
    authority: Authority | Blank | None = None
    need: str | None = None
    timeline: PurchaseTimeline | Blank | None = None
    email_consent: Consent | None = None
    consent_source: str | None = Field(None, max_length=200)
    description: str | None = None
    custom: dict[str, Any] | None = Field(
        None, description="Merged into the stored values; null clears a key."
    )
    owner_id: int | None = None
    version: int | None = Field(
        None, description="The version you read; a newer one on the server answers 409."
    )


class VersionIn(InSchema):
    version: int | None = Field(None, description="The version you read; a newer one answers 409.")


class DisqualifyIn(VersionIn):
    reason: DisqualifyReason
    note: str = Field("", max_length=500)


class ConvertIn(VersionIn):
    account_id: int | None = Field(
        None, description="Link to this existing account instead of the best match."
    )
    contact_id: int | None = Field(
        None, description="Link to this existing contact instead of the best match."
    )
    create_account: bool = Field(False, description="Create a new account even when one matches.")
    create_contact: bool = Field(False, description="Create a new contact even when one matches.")
    create_opportunity: bool = Field(
        False,
        description="Also open an opportunity for the account (the lead's budget as its amount, a close date "
        "from its purchase timeline, in the first open stage).",
    )
    pipeline_id: int | None = Field(
        None, description="The pipeline of that opportunity (default: the first)."
    )


class ConvertOut(Schema):
    lead: LeadOut
    account: RefOut
    contact: RefOut
    account_created: bool
    contact_created: bool
    opportunity: RefOut | None = None
