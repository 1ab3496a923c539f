"""API schemas for activities (notes, tasks, calls, meetings) and record timelines."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, Channel, TaskPriority
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut

Blank = Literal[""]


class RecordRefOut(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    subject: str
    body: str = Field(..., description="Sanitised HTML.")
    channel: Channel
    occurred_at: dt.datetime
    owner: UserRefOut
    account: RecordRefOut | None = None
    contact: RecordRefOut | None = None
    due_at: dt.datetime | None = None
    priority: TaskPriority | Blank
    is_done: bool
    done_at: dt.datetime | None = None
    is_overdue: bool
    direction: CallDirection | Blank
    duration_seconds: int | None = None
    outcome: CallOutcome | Blank
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_account(obj: Any) -> dict[str, Any] | None:
        return {"id": obj.account.pk, "name": str(obj.account)} if obj.account_id else None

    @staticmethod
    def resolve_contact(obj: Any) -> dict[str, Any] | None:
        return {"id": obj.contact.pk, "name": str(obj.contact)} if obj.contact_id else None


class ActivityDetailOut(ActivityOut):
    attendee_contact_ids: list[int]
    attendee_user_ids: list[int]

    @staticmethod
    def resolve_attendee_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.attendee_contacts.all())

    @staticmethod
    def resolve_attendee_user_ids(obj: Any) -> list[int]:
        return sorted(u.pk for u in obj.attendee_users.all())


class ActivityPage(PageOut[ActivityOut]):
    pass


class ActivityIn(InSchema):
    """Link to an account and/or a contact (at least one). Kind-specific fields: task `due_at`, `priority`;
    call `direction`, `duration_seconds`, `outcome`; meeting `starts_at`, `ends_at`, `location`, attendees."""

    kind: ActivityKind
    subject: str = Field("", max_length=200)
    body: str = Field("", description="HTML or text; sanitised on save.")
    channel: Channel = Channel.API
    owner_id: int | None = Field(None, description="Assignee; default: the caller.")
    account_id: int | None = None
    contact_id: int | None = None
    occurred_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    priority: TaskPriority | Blank = ""
    direction: CallDirection | Blank = ""
    duration_seconds: int | None = Field(None, ge=0)
    outcome: CallOutcome | Blank = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str = Field("", max_length=200)
    attendee_contact_ids: list[int] = []
    attendee_user_ids: list[int] = []
    custom: dict[str, Any] = {}


class ActivityPatch(PatchSchema):
    NULLABLE = frozenset(
        {
            "account_id",
            "contact_id",
            "due_at",
            "duration_seconds",
            "starts_at",
            "ends_at",
            "custom",
            "version",
        }
    )

    subject: str | None = Field(None, max_length=200)
    body: str | None = None
    owner_id: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    occurred_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    priority: TaskPriority | Blank | None = None
    direction: CallDirection | Blank | None = None
    duration_seconds: int | None = Field(None, ge=0)
    outcome: CallOutcome | Blank | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str | None = Field(None, max_length=200)
    attendee_contact_ids: list[int] | None = None
    attendee_user_ids: list[int] | None = None
    custom: dict[str, Any] | None = None
    version: int | None = None


class CompleteIn(InSchema):
    is_done: bool = True


class TimelineEntryOut(Schema):
    source: str = Field(..., description="Where the entry comes from: `activities`, `audit`, …")
    id: int
    at: dt.datetime
    kind: str
    channel: str
    title: str
    body: str = Field(..., description="Sanitised HTML.")
    meta: str
    actor: UserRefOut | None = None
    link: str

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return str(obj.body)


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut]
    next_cursor: str | None = None
    limit: int
