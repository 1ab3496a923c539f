"""Revenue by territory: the net amounts of the period's order lines, by the territory stored on the order's
account (crm.contacts keeps it: the first territory of crm.core.assignment that matches the account's primary
address; the rest is "No territory"). One GROUP BY over the lines (territory, currency) gives the money and
another the accounts per territory; each bar links to the order list filtered by that territory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.analytics.core.charts import Bar, bar_chart
from crm.analytics.dashboards.filters import DashboardFilters
from crm.analytics.dashboards.widgets.base import MINE, Kpi, WidgetResult, WidgetType, widget_register
from crm.analytics.dashboards.widgets.customers import LIST, STANDING
from crm.analytics.dashboards.widgets.scope import (
    date_range,
    list_params,
    list_url,
    money_factors,
    money_short,
)
from crm.core.assignment.selectors import territory_names
from crm.core.ui.formats import format_money
from crm.sales.selectors.orders import order_line_query

TERRITORY = "order__account__territory"
NO_TERRITORY = "none"  # the order list's filter value for accounts without a territory


def revenue_by_territory(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    base = {
        **list_params(user=user, filters=filters, settings=settings, pipeline=False),
        "status": STANDING,
        **date_range("ordered_on", filters.period.start, filters.period.end),
    }
    lines = order_line_query(user=user, params=base).order_by()
    rows = list(lines.values_list(TERRITORY, "order__currency").annotate(net=Sum("net_amount")))
    company, factors = money_factors({r[1] for r in rows}, on_date=filters.period.last_day)
    totals: dict[int | None, Decimal] = {}
    for territory_id, currency, net in rows:
        totals[territory_id] = totals.get(territory_id, Decimal(0)) + Decimal(net or 0) / factors[currency]
    accounts = {
        r[TERRITORY]: r["n"]
        for r in lines.values(TERRITORY).annotate(n=Count("order__account", distinct=True))
    }
    names = territory_names(ids=[k for k in totals if k is not None])
    none_label = str(_("No territory"))
    out, bars = [], []
    for key in sorted(totals, key=lambda k: (-totals[k], k is None, names.get(k, "") if k else "")):
        label = names.get(key, none_label) if key is not None else none_label
        url = list_url(LIST, {**base, "territory": str(key) if key is not None else NO_TERRITORY})
        out.append(
            {
                "territory": key,
                "name": label,
                "amount": str(round(totals[key], 2)),
                "accounts": accounts.get(key, 0),
                "url": url,
            }
        )
        bars.append(
            Bar(label=label, value=float(totals[key]), url=url, display=money_short(totals[key], company))
        )
    total = sum(totals.values(), Decimal(0))
    return WidgetResult(
        key="revenue_by_territory",
        label=str(_("Revenue by territory")),
        figures={"currency": company, "amount": str(round(total, 2)), "territories": out},
        kpis=[Kpi(_("Revenue"), float(total), format_money(total, company), list_url(LIST, base))],
        chart=bar_chart(bars, title=str(_("Revenue by territory")), horizontal=True) if bars else None,
        note=_(
            "Net amounts of the period's order lines by the territory of the account's primary address, in "
            "%(currency)s. A bar lists the orders of its territory."
        )
        % {"currency": company},
        empty=not bars,
    )


widget_register(
    WidgetType(
        "revenue_by_territory",
        gettext_lazy("Revenue by territory"),
        gettext_lazy("Order revenue per sales territory in the period."),
        revenue_by_territory,
        (MINE,),
    )
)
