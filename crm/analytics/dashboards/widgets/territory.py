"""Revenue by territory: the net amounts of the period's order lines, by the territory of the order's account
(its primary address matched against the territories of crm.core.assignment, in their order; the first that
matches wins, the rest is "No territory")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
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
from crm.contacts.selectors import account_location_facts
from crm.core.assignment.matching import territory_matches
from crm.core.assignment.selectors import territory_list
from crm.core.ui.formats import format_money
from crm.sales.selectors.orders import order_line_query

MAX_LINKED_ACCOUNTS = 100  # a territory's bar lists its accounts' orders up to this many accounts


def revenue_by_territory(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    base = {
        **list_params(user=user, filters=filters, settings=settings, pipeline=False),
        "status": STANDING,
        **date_range("ordered_on", filters.period.start, filters.period.end),
    }
    rows = list(
        order_line_query(user=user, params=base)
        .order_by()
        .values_list("order__account_id", "order__currency")
        .annotate(net=Sum("net_amount"))
    )
    company, factors = money_factors({r[1] for r in rows}, on_date=filters.period.last_day)
    per_account: dict[int, Decimal] = {}
    for account_id, currency, net in rows:
        per_account[account_id] = (
            per_account.get(account_id, Decimal(0)) + Decimal(net or 0) / factors[currency]
        )
    facts = account_location_facts(account_ids=per_account)
    territories = list(territory_list())
    totals: dict[Any, Decimal] = {}
    accounts: dict[Any, list[int]] = {}
    for account_id, money in per_account.items():
        fact = facts.get(account_id, {})
        found = next((t for t in territories if fact and territory_matches(t, fact)), None)
        key = found.pk if found else None
        totals[key] = totals.get(key, Decimal(0)) + money
        accounts.setdefault(key, []).append(account_id)
    names = {t.pk: t.name for t in territories}
    out, bars = [], []
    for key in sorted(totals, key=lambda k: (-totals[k], names.get(k, ""))):
        label = names.get(key, str(_("No territory")))
        ids = sorted(accounts[key])
        url = (
            list_url(LIST, {**base, "account": ",".join(map(str, ids))})
            if len(ids) <= MAX_LINKED_ACCOUNTS
            else ""
        )
        out.append(
            {
                "territory": key,
                "name": label,
                "amount": str(round(totals[key], 2)),
                "accounts": len(ids),
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
            "%(currency)s. A bar lists the orders of its accounts (up to %(n)s accounts)."
        )
        % {"currency": company, "n": MAX_LINKED_ACCOUNTS},
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
