from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from crm.analytics.clv.simulation import simulate_transactions
from crm.analytics.core.transactions import EPOCH, day_number
from crm.core.identity.models import User


@pytest.fixture
def make_orders(db: Any, company_currency: str, make_user: Callable[..., User]) -> Callable[..., list[Any]]:
    """make_orders(accounts=…) → accounts with orders simulated from BG/NBD over the last two years (plus a
    cancelled order that must be ignored); returns the accounts."""

    def make(*, accounts: int = 150, seed: int = 4) -> list[Any]:
        account_model = apps.get_model("contacts", "Account")
        order_model = apps.get_model("sales", "Order")
        owner = make_user("sales_manager")
        created = account_model.objects.bulk_create(
            [account_model(name=f"Customer {i:03d}", owner=owner) for i in range(accounts)]
        )
        days = 730
        tx = simulate_transactions(
            customers=accounts,
            days=days,
            seed=seed,
            r=1.0,
            alpha=8.0,
            a=1.2,
            b=3.0,
            p=6,
            q=4,
            v=15,
            first_day=day_number(timezone.localdate()) - days + 1,
        )
        rows = [
            order_model(
                number=f"SO-{i:05d}",
                account_id=created[int(c)].pk,
                owner=owner,
                currency=company_currency,
                total=Decimal(f"{a:.2f}"),
                ordered_on=EPOCH + dt.timedelta(days=int(d)),
            )
            for i, (c, d, a) in enumerate(zip(tx.customer, tx.day, tx.amount, strict=True))
        ]
        rows.append(
            order_model(
                number="SO-X",
                account_id=created[0].pk,
                owner=owner,
                currency=company_currency,
                total=Decimal("99999.00"),
                ordered_on=timezone.localdate(),
                status="cancelled",
            )
        )
        order_model.objects.bulk_create(rows)
        return created

    return make
