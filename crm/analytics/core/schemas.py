from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class AnalysisRunIn(Schema):
    kind: str = Field(description="The analysis to refresh (see GET /analytics/analyses).")
    params: dict[str, Any] = Field(default_factory=dict, description="The analysis' own parameters.")


class AnalysisRunOut(Schema):
    id: int
    kind: str
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="percent")
    message: str
    error: str
    params: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class AnalysisOut(Schema):
    key: str
    label: str
    description: str
    computed_at: dt.datetime | None = Field(description="When the result shown now was computed.")
    latest_run: int | None
    active_run: AnalysisRunOut | None
    can_refresh: bool
