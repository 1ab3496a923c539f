from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class WidgetPlacement(Schema):
    key: str = Field(description="A widget type (see GET /analytics/widgets).")
    settings: dict[str, Any] = Field(default_factory=dict, description="The widget type's own settings.")


class DashboardIn(Schema):
    name: str
    widgets: list[WidgetPlacement] = Field(default_factory=list)
    visibility: str = Field(default="private", description="private, team, role or everyone")
    team_id: int | None = None
    role_id: int | None = None
    is_home: bool = False


class DashboardPatch(Schema):
    name: str | None = None
    widgets: list[WidgetPlacement] | None = None
    visibility: str | None = None
    team_id: int | None = None
    role_id: int | None = None
    is_home: bool | None = None


class KpiOut(Schema):
    label: str
    value: float | int | None
    display: str
    url: str


class WidgetResultOut(Schema):
    key: str
    label: str
    figures: dict[str, Any] = Field(description="The widget's figures (money as decimal strings).")
    kpis: list[KpiOut]
    note: str
    empty: bool
    error: str


class DashboardOut(Schema):
    id: int
    name: str
    visibility: str
    is_home: bool
    builtin: str
    owner_id: int | None
    widgets: list[WidgetPlacement]


class DashboardFiguresOut(DashboardOut):
    period_start: str
    period_end: str = Field(description="The last day of the period.")
    results: list[WidgetResultOut]


class WidgetTypeOut(Schema):
    key: str
    label: str
    description: str
    settings: list[dict[str, Any]]
