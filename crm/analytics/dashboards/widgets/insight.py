"""Widgets over the sales reports: forecast vs quota (crm.sales.selectors.forecast) and the lifecycle stage
durations (crm.sales.selectors.lifecycle, read from its monthly summary). Both work in whole months: a custom
range is widened to the months it touches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.analytics.core.charts import Bar, Series, bar_chart, line_chart
from crm.analytics.dashboards.filters import DashboardFilters
from crm.analytics.dashboards.widgets.base import (
    MINE,
    Kpi,
    Setting,
    WidgetResult,
    WidgetType,
    widget_register,
)
from crm.analytics.dashboards.widgets.scope import date_range, list_params, list_url, money_short
from crm.core.ui.formats import format_money, format_number, format_percent
from crm.sales.selectors.forecast import ForecastFilters, forecast_get
from crm.sales.selectors.lifecycle import LifecycleFilters, deal_lifecycle

LIST = "sales:opportunity_list"


def _owner(user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> int | None:
    if settings.get("mine"):
        return int(user.pk)
    return filters.owner_id


def _report_url(url_name: str, filters: DashboardFilters, owner: int | None, **extra: str) -> str:
    period = filters.month_period
    params = {"period": period.code} if period.code[:4].isdigit() else {}
    for name, value in (("owner", owner), ("team", filters.team_id), ("pipeline", filters.pipeline_id)):
        if value is not None:
            params[name] = str(value)
    params.update(extra)
    return reverse(url_name) + ("?" + urlencode(params) if params else "")


def forecast_vs_quota(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    period = filters.month_period
    owner = _owner(user, filters, settings)
    forecast = forecast_get(
        user=user,
        filters=ForecastFilters(
            period=period,
            interval="month",
            group_by="owner",
            owner_id=owner,
            team_id=filters.team_id,
            pipeline_id=filters.pipeline_id,
        ),
    )
    currency, total = forecast.currency, forecast.total
    base = list_params(user=user, filters=filters, settings=settings)
    won_params = {**base, "status": "won", **date_range("closed_on", period.start, period.end)}
    open_params = {**base, "status": "open", **date_range("close_date", period.start, period.end)}
    won_url, open_url = list_url(LIST, won_params), list_url(LIST, open_params)
    kpis = [
        Kpi(_("Closed won"), float(total.closed_won), format_money(total.closed_won, currency), won_url),
        Kpi(
            _("Quota"),
            None if total.quota is None else float(total.quota),
            format_money(total.quota, currency) if total.quota is not None else "—",
            _report_url("sales:quotas", filters, owner),
        ),
        Kpi(
            _("Attainment"),
            None if total.attainment is None else float(total.attainment),
            format_percent(total.attainment) if total.attainment is not None else "—",
            won_url,
        ),
        Kpi(_("Weighted pipeline"), float(total.weighted), format_money(total.weighted, currency), open_url),
    ]
    figures: dict[str, Any] = {
        "currency": currency,
        "closed_won": str(total.closed_won),
        "quota": None if total.quota is None else str(total.quota),
        "attainment": None if total.attainment is None else float(total.attainment),
        "weighted": str(total.weighted),
        "months": [
            {
                "month": b.key,
                "closed_won": str(b.total.closed_won),
                "quota": None if b.total.quota is None else str(b.total.quota),
            }
            for b in forecast.buckets
        ],
        "owners": [
            {
                "owner": int(r.key) if r.key.isdigit() else None,
                "name": r.label,
                "closed_won": str(r.closed_won),
                "quota": None if r.quota is None else str(r.quota),
                "attainment": None if r.attainment is None else float(r.attainment),
            }
            for r in forecast.rows
        ],
    }
    if settings["group_by"] == "owner" and len(forecast.rows) > 1:
        bars = []
        for row in forecast.rows[:12]:
            url = list_url(LIST, {**won_params, "owner": row.key})
            shown = money_short(row.closed_won, currency)
            if row.attainment is not None:
                shown += f" · {format_percent(row.attainment)}"
            bars.append(Bar(label=row.label or "—", value=float(row.closed_won), url=url, display=shown))
        chart = bar_chart(bars, title=str(_("Closed won by owner")), horizontal=True)
    else:
        labels = [b.key for b in forecast.buckets]
        urls = [
            list_url(LIST, {**base, "status": "won", **date_range("closed_on", b.start, _month_end(b.start))})
            for b in forecast.buckets
        ]
        chart = line_chart(
            labels=labels,
            series=[
                Series(
                    name=str(_("Closed won")),
                    values=[float(b.total.closed_won) for b in forecast.buckets],
                    urls=urls,
                ),
                Series(
                    name=str(_("Quota")),
                    values=[
                        None if b.total.quota is None else float(b.total.quota) for b in forecast.buckets
                    ],
                    dashed=True,
                ),
            ],
            title=str(_("Closed won and quota by month")),
        )
    empty = not (total.closed_won or total.quota or total.open_count)
    return WidgetResult(
        key="forecast_vs_quota",
        label=str(_("Forecast vs quota")),
        figures=figures,
        kpis=kpis,
        chart=chart if (total.closed_won or total.quota) else None,
        note=_("Whole months; in %(currency)s at the rates of %(day)s.")
        % {"currency": currency, "day": forecast.rates_on.isoformat()},
        empty=empty,
        links=[(str(_("Open the forecast")), _report_url("sales:forecast", filters, owner))],
    )


def _month_end(start: Any) -> Any:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def lifecycle_durations(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    owner = _owner(user, filters, settings)
    lifecycle = deal_lifecycle(
        user=user,
        filters=LifecycleFilters(
            period=filters.month_period,
            group_by="month",  # only the total is shown: the fewest groups (a median each) to compute
            owner_id=owner,
            team_id=filters.team_id,
            pipeline_id=filters.pipeline_id,
        ),
    )
    group = lifecycle.total
    url = _report_url("sales:lifecycle", filters, owner)
    stages, bars = [], []
    for i, stage in enumerate(group.stages[:-1]):
        nxt = group.stages[i + 1]
        stages.append(
            {
                "stage": stage.key,
                "count": stage.count,
                "converted": stage.converted,
                "median_days": stage.median_days,
                "average_days": stage.average_days,
            }
        )
        if stage.median_days is not None:
            bars.append(
                Bar(
                    label=f"{stage.label} → {nxt.label}",
                    value=stage.median_days,
                    url=url,
                    display=_("%(days)s days (median)") % {"days": format_number(stage.median_days, 1)},
                )
            )
    return WidgetResult(
        key="lifecycle_durations",
        label=str(_("Lifecycle stage durations")),
        figures={"deals": group.deals, "won": group.won, "lost": group.lost, "stages": stages},
        kpis=[Kpi(_("Deals started"), group.deals, format_number(group.deals), url)],
        chart=bar_chart(bars, title=str(_("Median days between milestones")), horizontal=True)
        if bars
        else None,
        note=_("Deals started in the period (whole months); median days from one milestone to the next."),
        empty=not group.deals,
        links=[(str(_("Open the lifecycle view")), url)],
    )


GROUP_BY = Setting(
    name="group_by", kind="choice", default="month", choices=("month", "owner"), label=gettext_lazy("Show")
)

widget_register(
    WidgetType(
        "forecast_vs_quota",
        gettext_lazy("Forecast vs quota"),
        gettext_lazy("Closed won against quota, with the weighted pipeline."),
        forecast_vs_quota,
        (MINE, GROUP_BY),
        wide=True,
    )
)
widget_register(
    WidgetType(
        "lifecycle_durations",
        gettext_lazy("Lifecycle stage durations"),
        gettext_lazy("Median days between the milestones of the deals started in the period."),
        lifecycle_durations,
        (MINE,),
    )
)
