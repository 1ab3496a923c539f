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
        order_rows.append(
            (a, start + dt.timedelta(days=int(rng.integers(0, 60))), float(rng.uniform(50, 500)))
        )
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


def lead_world(*, n: int = 200, seed: int = 5, owner: Any = None) -> dict[str, Any]:
    """Leads decided over a year: from a referral with a decision maker they are won 9 times in 10, the others
    once in 10 (the planted signal); lost ones are half disqualified, half converted into a lost deal. Plus
    ten open leads of each kind, to be scored."""
    from crm.sales.tests.factories import make_pipeline, stage

    rng = np.random.default_rng(seed)
    owner = owner or UserFactory()
    lead = apps.get_model("leads", "Lead")
    opportunity = apps.get_model("sales", "Opportunity")
    pipeline = make_pipeline()
    won_stage, lost_stage = stage(pipeline, "Won"), stage(pipeline, "Lost")
    (account_id,) = accounts(1, owner=owner)
    start = timezone.make_aware(dt.datetime(2025, 6, 1, 12))
    rows: list[Any] = []
    good_ids: list[int] = []
    outcomes: list[int] = []
    for i in range(n):
        good = rng.random() < 0.5
        won = rng.random() < (0.9 if good else 0.1)
        at = start + dt.timedelta(days=int(i * 365 / n))
        fields: dict[str, Any] = {
            "first_name": f"Lead{i}",
            "full_name": f"Lead{i}",
            "owner": owner,
            "source": "referral" if good else str(rng.choice(["web_form", "event", "campaign"])),
            "authority": "decision_maker" if good else str(rng.choice(["influencer", "user", ""])),
            "email": f"l{i}@example.com",
            "country": str(rng.choice(["ES", "MX", "US"])),
        }
        if won or rng.random() < 0.5:
            deal = opportunity.objects.create(
                name=f"Deal {i}",
                account_id=account_id,
                owner=owner,
                pipeline=pipeline,
                stage=won_stage if won else lost_stage,
                status="won" if won else "lost",
                close_date=at.date(),
                closed_on=at.date(),
                stage_entered_at=at,
                amount=Decimal("1000"),
                currency="EUR",
            )
            fields.update(status="converted", converted_at=at, converted_opportunity_id=deal.pk)
        else:
            fields.update(status="disqualified", disqualified_at=at, disqualified_reason="no_need")
        rows.append(lead(**fields))
        outcomes.append(int(won))
    made = lead.objects.bulk_create(rows)
    good_ids = [m.pk for m in made if m.source == "referral"]
    open_good = lead.objects.bulk_create(
        [
            lead(
                first_name=f"Good{i}",
                full_name=f"Good{i}",
                owner=owner,
                source="referral",
                authority="decision_maker",
            )
            for i in range(10)
        ]
    )
    open_bad = lead.objects.bulk_create(
        [
            lead(first_name=f"Bad{i}", full_name=f"Bad{i}", owner=owner, source="web_form", authority="user")
            for i in range(10)
        ]
    )
    return {
        "owner": owner,
        "good_ids": good_ids,
        "open_good": [m.pk for m in open_good],
        "open_bad": [m.pk for m in open_bad],
        "won": sum(outcomes),
    }
