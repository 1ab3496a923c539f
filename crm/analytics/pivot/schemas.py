from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class PivotIn(Schema):
    object: str = Field(
        description="opportunities, orders, invoice_lines, payments, activities, accounts, contacts or leads"
    )
    rows: list[str] = Field(description="One or two dimensions; a date takes a bucket: close_date:month.")
    columns: list[str] = Field(default_factory=list, description="None or one dimension.")
    measure: str = Field(default="count", description="count, or sum|avg|min|max|distinct:FIELD")
    filters: dict[str, Any] = Field(default_factory=dict, description="The object's list filters.")


class PivotMemberOut(Schema):
    key: str
    label: str


class PivotRowOut(Schema):
    members: list[PivotMemberOut]
    is_subtotal: bool
    values: list[Any]
    total: Any


class PivotOut(Schema):
    definition: dict[str, Any]
    value_kind: str = Field(description="money (in `currency`, the company currency), count or number")
    currency: str | None
    columns: list[PivotMemberOut]
    rows: list[PivotRowOut]
    column_totals: list[Any]
    grand_total: Any
    folded: bool = Field(description="Some members were folded into “Other”.")


class ReportIn(Schema):
    name: str
    definition: dict[str, Any]
    team_id: int | None = Field(default=None, description="Share with this team (your own); null: private.")


class ReportPatch(Schema):
    name: str | None = None
    definition: dict[str, Any] | None = None
    team_id: int | None = None


class ReportOut(Schema):
    id: int
    name: str
    owner_id: int
    team_id: int | None
    definition: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
