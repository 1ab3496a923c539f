"""Customer widgets over orders: new / active / lapsed customers and revenue by product.

Definitions (shown under the widget): an order counts unless cancelled; a customer is an account with an
order. **New**: their first order falls in the period. **Active**: they ordered in the N days up to the end of
the period (or today, for a period still running). **Lapsed**: they ordered before, but not in those N days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.analytics.core.charts import Bar, bar_chart
from crm.analytics.dashboards.filters import DashboardFilters
from crm.analytics.dashboards.widgets.base import (
    MINE,
    Kpi,
    Setting,
    WidgetResult,
    WidgetType,
    widget_register,
)
from crm.analytics.dashboards.widgets.scope import (
    date_range,
    list_params,
    list_url,
    money_factors,
    money_short,
    owner_ids,
    owner_params,
)
from crm.core.ui.formats import format_money, format_number
from crm.sales.selectors.orders import order_line_query
from crm.sales.selectors.purchases import purchase_customer_counts

LIST = "sales:order_list"
STANDING = "confirmed,partially_delivered,delivered"


def customer_counts(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    days = int(settings["days"])
    owners = owner_ids(user=user, filters=filters, settings=settings)
    base = {**owner_params(owners), "status": STANDING}
    reference = min(filters.period.last_day, timezone.localdate())
    cutoff = reference - dt.timedelta(days=days - 1)  # the N days up to and including the reference day
    until = {**base, "ordered_on__lte": reference.isoformat()}
    new_end = min(filters.period.end, reference + dt.timedelta(days=1))
    found = purchase_customer_counts(
        user=user,
        owners=owners,
        until=reference,
        new_start=filters.period.start,
        new_end=new_end,
        active_from=cutoff,
    )
    urls = {
        "new": list_url(
            LIST,
            {
                **base,
                **date_range("ordered_on", filters.period.start, new_end),
            },
        ),
        "active": list_url(LIST, {**until, "ordered_on__gte": cutoff.isoformat()}),
        "lapsed": list_url(LIST, {**base, "ordered_on__lte": (cutoff - dt.timedelta(days=1)).isoformat()}),
    }
    labels = {"new": _("New customers"), "active": _("Active customers"), "lapsed": _("Lapsed customers")}
    counts = {"new": found.new, "active": found.active, "lapsed": found.lapsed}
    bars = [
        Bar(label=str(labels[k]), value=counts[k], url=urls[k], display=format_number(counts[k]))
        for k in labels
    ]
    return WidgetResult(
        key="customers",
        label=str(_("New, active and lapsed customers")),
        figures={
            **counts,
            "days": days,
            "reference_day": reference.isoformat(),
            "cutoff": cutoff.isoformat(),
        },
        kpis=[Kpi(str(labels[k]), counts[k], format_number(counts[k]), urls[k]) for k in labels],
        chart=bar_chart(bars, title=str(_("Customers"))) if any(counts.values()) else None,
        note=_(
            "New: first order in the period. Active: ordered in the %(days)s days up to %(day)s. Lapsed: ordered "
            "before, but not in those days. Cancelled orders do not count; the lists show the orders behind each figure."
        )
        % {"days": days, "day": reference.isoformat()},
        empty=not any(counts.values()),
    )


def revenue_by_product(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    base = {
        **list_params(user=user, filters=filters, settings=settings, pipeline=False),
        "status": STANDING,
        **date_range("ordered_on", filters.period.start, filters.period.end),
    }
    rows = list(
        order_line_query(user=user, params=base)
        .order_by()
        .values_list("product_id", "product__name", "order__currency")
        .annotate(net=Sum("net_amount"), n=Count("id"))
    )
    company, factors = money_factors({r[2] for r in rows}, on_date=filters.period.last_day)
    by_product: dict[Any, list[Any]] = {}
    for product_id, name, currency, total, _n in rows:
        entry = by_product.setdefault(product_id, [name or str(_("No product")), Decimal(0)])
        entry[1] += Decimal(total or 0) / factors[currency]
    ranked = sorted(by_product.items(), key=lambda item: (-item[1][1], item[1][0]))
    limit = int(settings["limit"])
    products, bars = [], []
    for product_id, (name, money) in ranked[:limit]:
        url = list_url(LIST, {**base, "product": str(product_id)}) if product_id else list_url(LIST, base)
        products.append({"product": product_id, "name": name, "amount": str(round(money, 2)), "url": url})
        bars.append(Bar(label=name, value=float(money), url=url, display=money_short(money, company)))
    total = sum((m for _n, m in by_product.values()), Decimal(0))
    return WidgetResult(
        key="revenue_by_product",
        label=str(_("Revenue by product")),
        figures={"currency": company, "amount": str(round(total, 2)), "products": products},
        kpis=[Kpi(_("Revenue"), float(total), format_money(total, company), list_url(LIST, base))],
        chart=bar_chart(bars, title=str(_("Revenue by product")), horizontal=True) if bars else None,
        note=_("Net amounts of the order lines of the period (cancelled orders excluded), in %(currency)s.")
        % {"currency": company},
        empty=not bars,
    )


DAYS = Setting(
    name="days", kind="int", default=90, min=7, max=730, label=gettext_lazy("Active within (days)")
)
LIMIT = Setting(name="limit", kind="int", default=10, min=3, max=25, label=gettext_lazy("Products shown"))

widget_register(
    WidgetType(
        "customers",
        gettext_lazy("New, active and lapsed customers"),
        gettext_lazy("Customers by when they ordered."),
        customer_counts,
        (MINE, DAYS),
    )
)
widget_register(
    WidgetType(
        "revenue_by_product",
        gettext_lazy("Revenue by product"),
        gettext_lazy("Order revenue per product in the period."),
        revenue_by_product,
        (MINE, LIMIT),
    )
)
