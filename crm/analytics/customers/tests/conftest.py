from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.apps import apps

from crm.core.identity.models import User


@pytest.fixture
def make_orders(
    db: Any, company_currency: str, make_user: Callable[..., User]
) -> Callable[..., dict[str, Any]]:
    """make_orders(seed, orders=…, accounts=…) → random orders that stand (plus a cancelled and a deleted one
    that must be ignored) for new accounts; returns the arrays the figures must be computed from."""

    def make(
        seed: int, *, orders: int = 400, accounts: int = 60, start: dt.date = dt.date(2025, 1, 1)
    ) -> dict[str, Any]:
        account_model = apps.get_model("contacts", "Account")
        order_model = apps.get_model("sales", "Order")
        owner = make_user("sales_manager")
        created = account_model.objects.bulk_create(
            [account_model(name=f"Customer {seed}-{i:03d}", owner=owner) for i in range(accounts)]
        )
        ids = np.array([a.pk for a in created], dtype=np.int64)
        rng = np.random.default_rng(seed)
        customer = ids[rng.integers(0, accounts, orders)]
        days = rng.integers(0, 540, orders)
        amount = np.round(rng.lognormal(5, 1.0, orders), 2)
        # net = total (no tax here); the lines cost 30–120 % of it, so some orders lose money
        cost = np.round(amount * rng.uniform(0.3, 1.2, orders), 2)
        rows = [
            order_model(
                number=f"SO-{seed}-{i:05d}",
                account_id=int(customer[i]),
                owner=owner,
                currency=company_currency,
                total=Decimal(str(amount[i])),
                net_total=Decimal(str(amount[i])),
                cost_total=Decimal(str(cost[i])),
                ordered_on=start + dt.timedelta(days=int(days[i])),
            )
            for i in range(orders)
        ]
        ignored_day = start + dt.timedelta(days=10)
        rows.append(
            order_model(
                number=f"SO-{seed}-X1",
                account_id=int(ids[0]),
                owner=owner,
                currency=company_currency,
                total=Decimal("99999.00"),
                ordered_on=ignored_day,
                status="cancelled",
            )
        )
        deleted = order_model(
            number=f"SO-{seed}-X2",
            account_id=int(ids[0]),
            owner=owner,
            currency=company_currency,
            total=Decimal("88888.00"),
            ordered_on=ignored_day,
        )
        deleted.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        rows.append(deleted)
        order_model.objects.bulk_create(rows)
        epoch = dt.date(1970, 1, 1)
        day = np.array([(start - epoch).days + int(d) for d in days], dtype=np.int32)
        margin = np.round(amount - cost, 2)
        return {
            "customer": customer,
            "day": day,
            "amount": amount,
            "margin": margin,
            "accounts": created,
            "owner": owner,
        }

    return make
