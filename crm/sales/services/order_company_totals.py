"""Each order's total in the company currency at the rate of its order date (`Order.company_total`), kept
set-based: one UPDATE per currency and period of one rate.

    order_company_totals_refresh(order_ids=[order.pk])                 # after an order's total/currency/date
    order_company_totals_refresh(code="USD", since=day, until=next_day)  # after a rate changed (catalog event)

The value is exactly what `crm.analytics.core.transactions.transactions_load` computes for the order: the
total as a float (company currency), or the total as a float divided by the rate (as a float) in force on the
order date — the latest rate dated on or before it. NULL when there is no such rate, the rate is not above
zero, the currency is unknown, or there is no company currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import Cast

from crm.catalog.errors import CompanyCurrencyMissing
from crm.catalog.selectors import company_currency_get, currency_list, exchange_rate_history
from crm.sales.models import Order


def order_company_totals_refresh(
    *,
    order_ids: Sequence[int] | None = None,
    code: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> int:
    """Recompute `company_total` of the orders (deleted ones too) among `order_ids` (all when None), in
    currency `code` (all when None), dated in [since, until) (no bound when None). Returns the UPDATEs run."""
    scope: QuerySet[Order] = Order.all_objects.all()
    if order_ids is not None:
        scope = scope.filter(pk__in=list(order_ids))
    if code is not None:
        scope = scope.filter(currency=code)
    if since is not None:
        scope = scope.filter(ordered_on__gte=since)
    if until is not None:
        scope = scope.filter(ordered_on__lt=until)
    try:
        company = company_currency_get().code
    except CompanyCurrencyMissing:
        scope.update(company_total=None)
        return 1
    codes = [c.code for c in currency_list(include_inactive=True)]
    total = Cast(F("total"), output_field=FloatField())
    updates = 1
    scope.exclude(currency__in=codes).update(company_total=None)
    for currency in codes if code is None else [c for c in codes if c == code]:
        mine = scope.filter(currency=currency)
        if currency == company:
            mine.update(company_total=total)
            updates += 1
            continue
        history = exchange_rate_history(code=currency)
        days = [on for on, _rate in history]
        before = mine if not days else mine.filter(ordered_on__lt=days[0])
        before.update(company_total=None)
        updates += 1
        for i, (on, rate) in enumerate(history):
            end = days[i + 1] if i + 1 < len(days) else None
            if (until is not None and on >= until) or (
                since is not None and end is not None and end <= since
            ):
                continue  # this rate is not in force in the range asked for
            period = mine.filter(ordered_on__gte=on)
            if end is not None:
                period = period.filter(ordered_on__lt=end)
            value = total / Value(float(rate), output_field=FloatField()) if rate > 0 else None
            period.update(company_total=value)
            updates += 1
    return updates
