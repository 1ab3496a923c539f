"""API shapes of the sales reports: the lifecycle view, the forecast, and quotas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from crm.core.api.schemas import InSchema, UserRefOut


class LifecycleStageOut(Schema):
    key: str = Field(description="The milestone: lead_created, lead_qualified, opportunity_opened, …")
    label: str
    count: int = Field(description="Deals that reached the milestone")
    converted: int = Field(description="Of those, the deals that also reached the next milestone")
    conversion: float | None = Field(description="converted / count (0–1); null for the last milestone")
    median_days: float | None = Field(description="Median days from this milestone to the next")
    average_days: float | None = Field(description="Average days from this milestone to the next")


class LifecycleGroupOut(Schema):
    key: str
    label: str
    deals: int
    won: int
    lost: int
    win_rate: float | None
    stages: list[LifecycleStageOut]


class LifecycleOut(Schema):
    period: str
    start: dt.date
    end: dt.date = Field(description="The day after the period")
    group_by: str
    total: LifecycleGroupOut
    groups: list[LifecycleGroupOut]


class ForecastRowOut(Schema):
    key: str
    label: str
    pipeline: Decimal
    best_case: Decimal
    commit: Decimal
    weighted: Decimal
    closed_won: Decimal
    open_count: int
    won_count: int
    quota: Decimal | None
    attainment: Decimal | None = Field(description="closed_won / quota (a fraction); null without a quota")


class ForecastBucketOut(Schema):
    key: str = Field(description="2026-05 (a month) or 2026-Q2 (a quarter)")
    start: dt.date
    rows: list[ForecastRowOut]
    total: ForecastRowOut


class ForecastOut(Schema):
    period: str
    start: dt.date
    end: dt.date = Field(description="The day after the period")
    interval: str
    group_by: str
    currency: str = Field(description="The company currency every amount is in")
    rates_on: dt.date = Field(description="The day of the exchange rates used")
    total: ForecastRowOut
    rows: list[ForecastRowOut]
    buckets: list[ForecastBucketOut]


class QuotaOut(Schema):
    id: int
    user: UserRefOut
    month: dt.date
    amount: Decimal


class QuotaIn(InSchema):
    user_id: int
    month: str = Field(description="The month, 2026-05")
    amount: Decimal | None = Field(description="In the company currency; null removes the quota")
