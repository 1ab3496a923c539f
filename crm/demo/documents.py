"""Demo order history: three years of orders for most accounts — delivered, invoiced and (mostly) paid — so the
installed base, the lifecycle, and the customer analyses (Pareto, RFM, lifetime value, cohorts, churn) have real
transactions to show. Everything goes through the sales services, like a user's clicks would."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.catalog.selectors import products_by_sku
from crm.demo.catalog import PRODUCTS, RATES, demo_cost
from crm.sales.services.deliveries import delivery_create, delivery_mark_delivered, delivery_ship
from crm.sales.services.invoices import invoice_create_from_order, invoice_issue
from crm.sales.services.orders import order_create
from crm.sales.services.payments import payment_record

CARRIERS = ["SEUR", "MRW", "Correos Express", "DHL", "UPS"]
HISTORY_DAYS = 3 * 365


def _schedule(rng: random.Random, today: dt.date) -> list[dt.date]:
    """One customer's purchase days: an acquisition day in the last three years, then purchases at the
    customer's own rate until, for some, they stop buying (the churn the analyses should find)."""
    first = today - dt.timedelta(days=rng.randint(20, HISTORY_DAYS))
    rate_per_year = rng.choice([1, 2, 3, 4, 6, 10])
    stops = first + dt.timedelta(days=rng.randint(60, HISTORY_DAYS)) if rng.random() < 0.35 else today
    days, day = [first], first
    while True:
        day = day + dt.timedelta(days=max(3, int(rng.expovariate(rate_per_year / 365))))
        if day > min(stops, today) or len(days) >= 18:
            return days
        days.append(day)


def demo_documents_load(
    *, rng: random.Random, accounts: list[tuple[Any, bool]], say: Callable[[str], None], share: float = 0.5
) -> int:
    """Orders for `share` of the accounts; returns how many orders were made."""
    today = timezone.localdate()
    now = timezone.now()
    prices = {row[0]: Decimal(row[-1]) for row in PRODUCTS}
    products = products_by_sku(skus=list(prices))
    catalog = [sku for sku in prices if sku in products]
    gbp = Decimal(RATES["GBP"][-1])
    made = 0
    for account, spanish in accounts:
        if rng.random() > share:
            continue
        currency = "EUR" if spanish else "GBP"
        # a few key accounts buy at promotional prices below cost: the tail of the demo's margin curve (their
        # own generator, so the rest of the demo data stays as it was)
        promotion = Decimal("0.6") if random.Random(account.pk).random() < 0.08 else Decimal(1)
        favourites = rng.sample(catalog, k=min(4, len(catalog)))
        for day in _schedule(rng, today):
            picks = rng.sample(favourites, k=rng.randint(1, min(3, len(favourites))))
            lines = []
            for sku in picks:
                rate = Decimal(1) if currency == "EUR" else gbp
                price = (prices[sku] * promotion * rate).quantize(Decimal("0.01"))
                cost = (demo_cost(sku, prices[sku]) * rate).quantize(Decimal("0.01"))
                lines.append(
                    {
                        "product": products[sku],
                        "quantity": rng.choice([1, 1, 2, 3, 5]),
                        "unit_price": price,
                        "unit_cost": cost,
                    }
                )
            age = (today - day).days
            with transaction.atomic():
                order = order_create(
                    actor=None,
                    account=account,
                    owner=account.owner,
                    lines=lines,
                    currency=currency,
                    ordered_on=day,
                )
                if age < 7:
                    made += 1
                    continue
                shipped = timezone.make_aware(dt.datetime.combine(day, dt.time(10))) + dt.timedelta(
                    days=rng.randint(1, 3)
                )
                delivery = delivery_create(
                    actor=None,
                    order=order,
                    lines=[(line, line.quantity, "") for line in order.lines.all()],
                    carrier=rng.choice(CARRIERS),
                    tracking_number=f"{rng.randint(10**9, 10**10 - 1)}",
                )
                delivery = delivery_ship(actor=None, delivery=delivery, at=min(shipped, now))
                delivery_mark_delivered(
                    actor=None, delivery=delivery, at=min(shipped + dt.timedelta(days=rng.randint(1, 4)), now)
                )
                invoice = invoice_create_from_order(actor=None, order=order)
                invoice = invoice_issue(actor=None, invoice=invoice, issue_date=day)
                if age > 45 or rng.random() < 0.5:
                    paid_on = min(day + dt.timedelta(days=rng.randint(5, 40)), today)
                    payment_record(actor=None, invoice=invoice, amount=invoice.total, paid_on=paid_on)
            made += 1
        if made and made % 200 < 10:
            say(f"orders: {made}")
    return made
