from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class ClvResultOut(Schema):
    computed_at: dt.datetime | None = Field(
        description="When the result was computed; null before the first run."
    )
    run: int | None = Field(description="The analysis run that computed it.")
    active_run: int | None = Field(description="A refresh queued or running now.")
    result: dict[str, Any] | None = Field(
        description="customers, bgnbd {r, alpha, a, b, log_likelihood}, gamma_gamma {p, q, v, log_likelihood}, "
        "kpis, holdout (predicted vs actual repeat purchases per calibration frequency), top (accounts by CLV), "
        "warnings."
    )


class ClvCustomerOut(Schema):
    account_id: int
    expected_purchases: float | None = Field(description="Expected purchases over the horizon.")
    p_alive: float | None = Field(description="Probability the customer is still active.")
    expected_order_value: Decimal | None = Field(description="Company currency.")
    clv: Decimal | None = Field(description="Discounted lifetime value over the horizon, company currency.")
    clv_computed_at: dt.datetime | None
