"""Synthetic data with a known signal, written in bulk (models looked up by app label: the tests of analytics
do not import other apps' models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.apps import apps
from django.utils import timezone

from crm.catalog.services import currency_create
from crm.contacts.tests.factories import UserFactory


def company_currency() -> None:
    currency_create(actor=None, code="EUR", is_company=True)


def accounts(n: int, *, owner: Any = None) -> list[int]:
    account = apps.get_model("contacts", "Account")
    owner = owner or UserFactory()
    made = account.objects.bulk_create([account(name=f"Customer {i:04d}", owner=owner) for i in range(n)])
    return [a.pk for a in made]


def orders(rows: list[tuple[int, dt.date, float]], *, owner: Any) -> None:
    """`(account_id, ordered_on, total)` → orders in EUR that stand."""
    order = apps.get_model("sales", "Order")
    start = order.all_objects.count()
    order.objects.bulk_create(
        [
            order(
                number=f"T-{start + i}",
                account_id=a,
                owner=owner,
                ordered_on=day,
                currency="EUR",
                total=Decimal(str(round(total, 2))),
            )
            for i, (a, day, total) in enumerate(rows)
        ],
        batch_size=1000,
    )


def activities(rows: list[tuple[int, dt.date, str]], *, owner: Any) -> None:
    """`(account_id, day, channel)` → logged calls."""
    activity = apps.get_model("activities", "Activity")
    activity.objects.bulk_create(
        [
            activity(
                kind="call",
                subject="Call",
                channel=channel,
                owner=owner,
                account_id=a,
                occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
            )
            for a, day, channel in rows
        ],
        batch_size=1000,
    )


AS_OF = dt.date(2026, 6, 30)


def churn_world(*, customers: int = 240, window: int = 90, seed: int = 7) -> dict[str, Any]:
    """Half the customers are "unhappy": they call support by phone every few weeks and, in any window, buy
    with probability 0.15; the others buy with probability 0.85 and only email now and then. The phone calls
    are the planted signal. Two years of history up to AS_OF."""
    rng = np.random.default_rng(seed)
    owner = UserFactory()
    company_currency()
    ids = accounts(customers, owner=owner)
    unhappy = set(ids[: customers // 2])
    start = AS_OF - dt.timedelta(days=730)
    order_rows: list[tuple[int, dt.date, float]] = []
    activity_rows: list[tuple[int, dt.date, str]] = []
    for a in ids:
        p = 0.15 if a in unhappy else 0.85
        # a first purchase in the first months, so everyone has a history
        order_rows.append((a, start + dt.timedelta(days=int(rng.integers(0, 60))), float(rng.uniform(50, 500))))
        for w0 in range(0, 730, window):
            if rng.random() < p:
                day = start + dt.timedelta(days=w0 + int(rng.integers(0, window)))
                if day <= AS_OF:
                    order_rows.append((a, day, float(rng.uniform(50, 500))))
        for d in range(0, 731, 20):
            day = start + dt.timedelta(days=d + int(rng.integers(0, 10)))
            if day > AS_OF:
                continue
            if a in unhappy and rng.random() < 0.8:
                activity_rows.append((a, day, "phone"))
            elif a not in unhappy and rng.random() < 0.15:
                activity_rows.append((a, day, "email"))
    orders(order_rows, owner=owner)
    activities(activity_rows, owner=owner)
    return {"ids": ids, "unhappy": unhappy, "owner": owner}


def seasonal_series(months: int = 48, *, seed: int = 3) -> np.ndarray:
    """Monthly revenue with a trend and a strong yearly season, a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return 10_000 + 80 * t + 3_000 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 200, months)
