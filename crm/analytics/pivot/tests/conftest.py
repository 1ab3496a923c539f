"""A small, known world: two teams, three people, opportunities in EUR and USD over three months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog.tests.factories import eur_usd_gbp
from crm.contacts.tests.factories import AccountFactory, TeamFactory, user_with_role
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage
from tests.smtp import smtp_server  # noqa: F401 - a fixture: a real local SMTP server

USD_RATE = Decimal("1.25")  # USD per EUR


@dataclass
class World:
    north: Any
    south: Any
    rep: Any  # Rita, North
    other_rep: Any  # Sam, South
    manager: Any  # sees everything
    pipeline: Any
    deals: list[Any]


@pytest.fixture
def world(db: Any) -> World:
    eur_usd_gbp(usd=str(USD_RATE), on=dt.date(2020, 1, 1))
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    rep = user_with_role("sales_rep", email="rita@example.com", full_name="Rita Reyes", team=north)
    other = user_with_role("sales_rep", email="sam@example.com", full_name="Sam Soto", team=south)
    manager = user_with_role("sales_manager", email="mia@example.com", full_name="Mia Manager", team=north)
    pipeline = make_pipeline()
    acme = AccountFactory(owner=rep, name="Acme", industry="technology")
    globex = AccountFactory(owner=other, name="Globex", industry="retail")
    rows = [
        # owner, account, stage, close_date, amount, currency
        (rep, acme, "Qualify", dt.date(2026, 1, 5), "100.00", "EUR"),
        (rep, acme, "Negotiation", dt.date(2026, 1, 20), "250.00", "USD"),
        (rep, globex, "Negotiation", dt.date(2026, 2, 3), "400.00", "EUR"),
        (other, globex, "Qualify", dt.date(2026, 2, 14), "80.00", "EUR"),
        (other, globex, "Negotiation", dt.date(2026, 3, 1), "1000.00", "USD"),
        (other, acme, "Negotiation", dt.date(2026, 3, 30), None, "EUR"),
    ]
    deals = [
        make_opportunity(
            pipeline=pipeline,
            owner=owner,
            account=account,
            stage=stage(pipeline, stage_name),
            close_date=close,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            name=f"Deal {i}",
        )
        for i, (owner, account, stage_name, close, amount, currency) in enumerate(rows)
    ]
    return World(north, south, rep, other, manager, pipeline, deals)


def in_eur(deal: Any) -> Decimal | None:
    if deal.amount is None:
        return None
    return deal.amount / USD_RATE if deal.currency == "USD" else deal.amount
