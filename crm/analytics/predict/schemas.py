from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class AtRiskOut(Schema):
    account_id: int
    name: str
    churn_risk: float = Field(description="Chance (0-1) of no purchase in the window.")
    p_alive: float | None = Field(description="P(alive) from the lifetime-value analysis, when computed.")
    factors: list[dict[str, Any]] = Field(description="feature, label, effect (log-odds; + raises the risk).")


class PredictionOut(Schema):
    kind: str
    computed_at: dt.datetime | None = Field(description="When the result shown was computed (null: never).")
    run_id: int | None
    active_run: int | None = Field(description="A refresh queued or running now.")
    result: dict[str, Any] = Field(description="The analysis' figures (see the page for their meaning).")


class ChurnOut(PredictionOut):
    at_risk: list[AtRiskOut]
