from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog.services.currencies import currency_create, exchange_rate_set
from crm.core.identity.models import User
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

Q2 = {"period": "2026-Q2"}


@pytest.fixture
def money(db: Any) -> None:
    currency_create(actor=None, code="EUR", is_company=True)
    usd = currency_create(actor=None, code="USD")
    exchange_rate_set(actor=None, currency=usd, valid_on=dt.date(2026, 1, 1), rate=Decimal("2"))


@pytest.fixture
def boss(make_user: Any) -> User:
    return make_user("sales_manager", team=None, full_name="Bea Boss")


@pytest.fixture
def north(make_user: Any, boss: User) -> User:
    return make_user("sales_rep", team="North", manager=boss, full_name="Nora North")


@pytest.fixture
def south(make_user: Any, boss: User) -> User:
    return make_user("sales_rep", team="South", manager=boss, full_name="Sam South")


def _close(deal: Any, pipeline: Any, name: str, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    opportunity_move_stage(
        actor=None,
        opportunity=deal,
        stage=stage(pipeline, name),
        at=at,
        lost_reason="Price" if name == "Lost" else "",
    )


@pytest.fixture
def deals(money: None, north: User, south: User) -> dict[str, Any]:
    """Q2 2026: North has two open deals (1000 EUR Qualify, 400 USD = 200 EUR Proposal), one won (300), one
    lost (100); South one open (700 Qualify) and one won (500); an open deal of North closes in Q3."""
    pipeline = make_pipeline()
    day = dt.date(2026, 4, 20)
    make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("1000"), close_date=day)
    make_opportunity(
        pipeline=pipeline,
        owner=north,
        amount=Decimal("400"),
        currency="USD",
        next_step="Call",
        close_date=dt.date(2026, 5, 3),
        stage=stage(pipeline, "Proposal"),
    )
    won_n = make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("300"), close_date=day)
    _close(won_n, pipeline, "Won", dt.date(2026, 4, 10))
    lost_n = make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("100"), close_date=day)
    _close(lost_n, pipeline, "Lost", dt.date(2026, 5, 1))
    make_opportunity(pipeline=pipeline, owner=south, amount=Decimal("700"), close_date=dt.date(2026, 6, 1))
    won_s = make_opportunity(pipeline=pipeline, owner=south, amount=Decimal("500"), close_date=day)
    _close(won_s, pipeline, "Won", dt.date(2026, 5, 15))
    make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("9999"), close_date=dt.date(2026, 8, 1))
    return {"pipeline": pipeline}
