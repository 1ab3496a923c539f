"""Activities by owner: the calls, meetings, tasks and notes logged in the period, per person."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.activities.selectors import activity_query
from crm.analytics.core.charts import Bar, bar_chart
from crm.analytics.dashboards.filters import DashboardFilters
from crm.analytics.dashboards.widgets.base import MINE, Kpi, WidgetResult, WidgetType, widget_register
from crm.analytics.dashboards.widgets.scope import date_range, list_params, list_url
from crm.core.identity.selectors import user_names
from crm.core.ui.formats import format_number

LIST = "activities:activity_list"


def activities_by_owner(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    params = {
        **list_params(user=user, filters=filters, settings=settings, pipeline=False),
        **date_range("occurred_at", filters.period.start, filters.period.end),
    }
    rows = list(
        activity_query(user=user, params=params)
        .order_by()
        .values_list("owner_id", "kind")
        .annotate(n=Count("id"))
    )
    per_owner: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for owner_id, kind, n in rows:
        per_owner[owner_id][kind] += n
    names = user_names(ids=[o for o in per_owner if o is not None])
    total = sum(n for _o, _k, n in rows)
    owners, bars = [], []
    for owner_id in sorted(per_owner, key=lambda o: (-sum(per_owner[o].values()), names.get(o, ""))):
        n = sum(per_owner[owner_id].values())
        url = list_url(LIST, {**params, "owner": str(owner_id) if owner_id else "none"})
        owners.append(
            {
                "owner": owner_id,
                "name": names.get(owner_id, ""),
                "count": n,
                "kinds": dict(per_owner[owner_id]),
                "url": url,
            }
        )
        bars.append(Bar(label=names.get(owner_id, "—"), value=n, url=url, display=format_number(n)))
    all_url = list_url(LIST, params)
    return WidgetResult(
        key="activities_by_owner",
        label=str(_("Activities by owner")),
        figures={"count": total, "owners": owners},
        kpis=[Kpi(_("Activities"), total, format_number(total), all_url)],
        chart=bar_chart(bars[:12], title=str(_("Activities by owner")), horizontal=True) if bars else None,
        note=_("Tasks, calls, meetings and notes dated in the period."),
        empty=not total,
    )


widget_register(
    WidgetType(
        "activities_by_owner",
        gettext_lazy("Activities by owner"),
        gettext_lazy("What each person logged in the period."),
        activities_by_owner,
        (MINE,),
    )
)
