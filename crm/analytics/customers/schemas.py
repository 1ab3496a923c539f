from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class CustomerAnalysisOut(Schema):
    kind: str
    computed_at: dt.datetime | None = Field(description="When the result was computed (null: never).")
    run: int | None = Field(description="The run that computed it (see GET /analytics/runs/{id}).")
    refreshing: bool = Field(description="A refresh is queued or running.")
    currency: str = Field(description="The company currency every amount is in.")
    result: dict[str, Any] | None = Field(description="The figures (null until first computed).")
