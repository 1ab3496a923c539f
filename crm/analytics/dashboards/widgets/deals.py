"""Widgets over opportunities: pipeline by stage, won/lost, win rate, average deal size, sales-cycle length.

Dates: open deals count in the period of their expected close date; won and lost deals in the period they
closed (`closed_on`). Money is summed per currency by the database and converted to the company currency."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Sum
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
    NOBODY,
    date_range,
    list_params,
    list_url,
    money_factors,
    money_short,
    owner_ids,
    owner_params,
)
from crm.core.identity.selectors import user_names
from crm.core.ui.formats import format_money, format_number, format_percent
from crm.sales.selectors.forecast_cells import CLOSED, OPEN, forecast_cell_sums, forecast_cells_fit
from crm.sales.selectors.opportunities import opportunity_query, pipeline_list
from crm.sales.selectors.periods import DaysBetween

LIST = "sales:opportunity_list"


def _money(rows: list[tuple[str, Any]], *, on_date: Any) -> tuple[str, Decimal]:
    """[(currency, amount)] → (company currency, the total in it)."""
    company, factors = money_factors({c for c, _a in rows}, on_date=on_date)
    return company, sum((Decimal(a or 0) / factors[c] for c, a in rows), Decimal(0))


def _owners_and_params(
    user: Any, filters: DashboardFilters, settings: dict[str, Any]
) -> tuple[list[int] | None, dict[str, str]]:
    """The widget's owners (None: everyone the user may see) and their list filters — `list_params`, with the
    owners at hand for the forecast's cells."""
    owners = owner_ids(user=user, filters=filters, settings=settings)
    params = owner_params(owners)
    if filters.pipeline_id is not None:
        params["pipeline"] = str(filters.pipeline_id)
    return owners, params


def _closed_stages(user: Any, filters: DashboardFilters) -> dict[int, str]:
    """{stage id: "won" | "lost"} of the closing stages (of the filtered pipeline). Closed deals are selected by
    their stage, not their status (the same deals: a deal is won in a won stage): the database answers from the
    covering index on (stage, closed_on, currency, owner, amount)."""
    out: dict[int, str] = {}
    for pipeline in pipeline_list(user=user):
        if filters.pipeline_id not in (None, pipeline.pk):
            continue
        for stage in pipeline.stages.all():
            if stage.is_won or stage.is_lost:
                out[stage.pk] = "won" if stage.is_won else "lost"
    return out


def _closed(
    filters: DashboardFilters, base: dict[str, str], status: str, stages: dict[int, str]
) -> dict[str, str]:
    """The list filters of the deals closed (`status`: won, lost or won,lost) in the period."""
    wanted = status.split(",")
    ids = ",".join(str(pk) for pk, kind in sorted(stages.items()) if kind in wanted) or NOBODY
    return {**base, "stage": ids, **date_range("closed_on", filters.period.start, filters.period.end)}


# --- pipeline by stage ------------------------------------------------------------------------------------
def pipeline_by_stage(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    owners, base = _owners_and_params(user, filters, settings)
    params = {**base, "status": "open", **date_range("close_date", filters.period.start, filters.period.end)}
    if forecast_cells_fit(filters.period.start, filters.period.end):  # whole months: the forecast's cells
        rows = forecast_cell_sums(
            user=user,
            kind=OPEN,
            start=filters.period.start,
            end=filters.period.end,
            group_by=("stage_id", "currency"),
            owners=owners,
            pipeline_id=filters.pipeline_id,
        )
    else:
        rows = list(
            opportunity_query(user=user, params=params)
            .order_by()
            .values_list("stage_id", "currency")
            .annotate(n=Count("id"), total=Sum("amount"))
        )
    company, factors = money_factors({r[1] for r in rows}, on_date=filters.period.last_day)
    count: dict[int, int] = defaultdict(int)
    amount: dict[int, Decimal] = defaultdict(Decimal)
    for stage_id, currency, n, total in rows:
        count[stage_id] += n
        amount[stage_id] += Decimal(total or 0) / factors[currency]
    pipelines = [p for p in pipeline_list(user=user) if filters.pipeline_id in (None, p.pk)]
    by_amount = settings["measure"] == "amount"
    bars, stages = [], []
    for pipeline in pipelines:
        for stage in pipeline.stages.all():
            if stage.is_won or stage.is_lost:
                continue
            if len(pipelines) > 1 and not count.get(stage.pk):
                continue
            label = stage.label if len(pipelines) == 1 else f"{pipeline.label} · {stage.label}"
            url = list_url(LIST, {**params, "stage": str(stage.pk)})
            money = amount.get(stage.pk, Decimal(0))
            stages.append(
                {
                    "stage": stage.pk,
                    "label": label,
                    "count": count.get(stage.pk, 0),
                    "amount": str(round(money, 2)),
                    "url": url,
                }
            )
            shown = money_short(money, company) if by_amount else format_number(count.get(stage.pk, 0))
            bars.append(
                Bar(
                    label=label,
                    value=float(money) if by_amount else count.get(stage.pk, 0),
                    url=url,
                    display=shown,
                )
            )
    total_n, total_amount = sum(count.values()), sum(amount.values(), Decimal(0))
    all_url = list_url(LIST, params)
    return WidgetResult(
        key="pipeline_by_stage",
        label=str(_("Pipeline by stage")),
        figures={
            "currency": company,
            "count": total_n,
            "amount": str(round(total_amount, 2)),
            "stages": stages,
        },
        kpis=[
            Kpi(_("Open deals"), total_n, format_number(total_n), all_url),
            Kpi(_("Open amount"), float(total_amount), format_money(total_amount, company), all_url),
        ],
        chart=bar_chart(bars, title=str(_("Open deals by stage")), horizontal=True) if total_n else None,
        note=_("Open deals expected to close in the period, in %(currency)s.") % {"currency": company},
        empty=not total_n,
    )


# --- won / lost, win rate ---------------------------------------------------------------------------------
def _closed_rows(
    *,
    user: Any,
    filters: DashboardFilters,
    base: dict[str, str],
    owners: list[int] | None,
    stages: dict[int, str],
) -> list[tuple[Any, ...]]:
    """(won | lost, owner id, currency, count, sum of amounts) of the deals closed in the period (whole months:
    read from the forecast's cells)."""
    rows: Any
    if forecast_cells_fit(filters.period.start, filters.period.end):
        rows = forecast_cell_sums(
            user=user,
            kind=CLOSED,
            start=filters.period.start,
            end=filters.period.end,
            group_by=("stage_id", "owner_id", "currency"),
            owners=owners,
            pipeline_id=filters.pipeline_id,
            stage_ids=sorted(stages),
        )
    else:
        rows = (
            opportunity_query(user=user, params=_closed(filters, base, "won,lost", stages))
            .order_by()
            .values_list("stage_id", "owner_id", "currency")
            .annotate(n=Count("id"), total=Sum("amount"))
        )
    return [
        (stages[stage_id], owner_id, currency, n, total) for stage_id, owner_id, currency, n, total in rows
    ]


def won_lost(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    owners, base = _owners_and_params(user, filters, settings)
    stages = _closed_stages(user, filters)
    rows = _closed_rows(user=user, filters=filters, base=base, owners=owners, stages=stages)
    company, factors = money_factors({r[2] for r in rows}, on_date=filters.period.last_day)
    figures: dict[str, Any] = {"currency": company}
    kpis, bars = [], []
    for status, label in (("won", _("Won")), ("lost", _("Lost"))):
        n = sum(r[3] for r in rows if r[0] == status)
        money = sum((Decimal(r[4] or 0) / factors[r[2]] for r in rows if r[0] == status), Decimal(0))
        url = list_url(LIST, _closed(filters, base, status, stages))
        figures[status] = {"count": n, "amount": str(round(money, 2)), "url": url}
        kpis.append(Kpi(str(label), n, format_number(n), url, hint=format_money(money, company)))
        bars.append(Bar(label=str(label), value=n, url=url, display=format_number(n)))
    empty = not (figures["won"]["count"] or figures["lost"]["count"])
    return WidgetResult(
        key="won_lost",
        label=str(_("Won and lost")),
        figures=figures,
        kpis=kpis,
        chart=None if empty else bar_chart(bars, title=str(_("Deals closed in the period"))),
        note=_("Deals closed in the period."),
        empty=empty,
    )


def win_rate(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    people, base = _owners_and_params(user, filters, settings)
    stages = _closed_stages(user, filters)
    rows = _closed_rows(user=user, filters=filters, base=base, owners=people, stages=stages)
    won: dict[int, int] = defaultdict(int)
    closed: dict[int, int] = defaultdict(int)
    for status, owner_id, _currency, n, _total in rows:
        closed[owner_id] += n
        if status == "won":
            won[owner_id] += n
    total_won, total_closed = sum(won.values()), sum(closed.values())
    rate = total_won / total_closed if total_closed else None
    names = user_names(ids=list(closed))
    owners, bars = [], []
    for owner_id in sorted(closed, key=lambda o: (-closed[o], names.get(o, ""))):
        share = won[owner_id] / closed[owner_id]
        url = list_url(LIST, {**_closed(filters, base, "won,lost", stages), "owner": str(owner_id)})
        owners.append(
            {
                "owner": owner_id,
                "name": names.get(owner_id, ""),
                "won": won[owner_id],
                "closed": closed[owner_id],
                "rate": share,
            }
        )
        label = names.get(owner_id, "—")
        bars.append(
            Bar(
                label=label,
                value=share * 100,
                url=url,
                display=f"{format_percent(share)} ({won[owner_id]}/{closed[owner_id]})",
            )
        )
    return WidgetResult(
        key="win_rate",
        label=str(_("Win rate")),
        figures={"won": total_won, "closed": total_closed, "rate": rate, "owners": owners},
        kpis=[
            Kpi(
                _("Win rate"),
                rate,
                format_percent(rate) if rate is not None else "—",
                list_url(LIST, _closed(filters, base, "won,lost", stages)),
                hint=_("%(won)s won of %(closed)s closed")
                % {"won": format_number(total_won), "closed": format_number(total_closed)},
            )
        ],
        chart=bar_chart(bars[:12], title=str(_("Win rate by owner")), horizontal=True)
        if len(bars) > 1
        else None,
        note=_("Won deals ÷ deals closed (won or lost) in the period, by count."),
        empty=not total_closed,
    )


# --- average deal size, sales cycle -----------------------------------------------------------------------
def average_deal_size(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    base = list_params(user=user, filters=filters, settings=settings)
    params = _closed(filters, base, "won", _closed_stages(user, filters))
    rows = list(
        opportunity_query(user=user, params=params)
        .filter(amount__isnull=False)
        .order_by()
        .values_list("currency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    company, total = _money([(c, t) for c, _n, t in rows], on_date=filters.period.last_day)
    n = sum(r[1] for r in rows)
    average = total / n if n else None
    url = list_url(LIST, params)
    return WidgetResult(
        key="average_deal_size",
        label=str(_("Average deal size")),
        figures={
            "currency": company,
            "won": n,
            "amount": str(round(total, 2)),
            "average": None if average is None else str(round(average, 2)),
        },
        kpis=[
            Kpi(
                _("Average won deal"),
                None if average is None else float(average),
                format_money(average, company) if average is not None else "—",
                url,
                hint=_("%(n)s deals won") % {"n": format_number(n)},
            ),
        ],
        note=_("Deals won in the period with an amount, in %(currency)s.") % {"currency": company},
        empty=not n,
    )


def sales_cycle(*, user: Any, filters: DashboardFilters, settings: dict[str, Any]) -> WidgetResult:
    base = list_params(user=user, filters=filters, settings=settings)
    params = _closed(filters, base, "won", _closed_stages(user, filters))
    found = (
        opportunity_query(user=user, params=params)
        .order_by()
        .aggregate(n=Count("id"), days=Avg(DaysBetween("closed_on", "created_at")))
    )
    n, days = found["n"] or 0, found["days"]
    url = list_url(LIST, params)
    return WidgetResult(
        key="sales_cycle",
        label=str(_("Sales cycle")),
        figures={"won": n, "average_days": None if days is None else round(max(days, 0.0), 1)},
        kpis=[
            Kpi(
                _("Average days to win"),
                None if days is None else round(max(days, 0.0), 1),
                format_number(round(max(days, 0.0), 1), 1) if days is not None else "—",
                url,
                hint=_("%(n)s deals won") % {"n": format_number(n)},
            ),
        ],
        note=_("From the opportunity's creation to its close, for the deals won in the period."),
        empty=not n,
    )


MEASURE = Setting(
    name="measure",
    kind="choice",
    default="amount",
    choices=("amount", "count"),
    label=gettext_lazy("Measure"),
)

widget_register(
    WidgetType(
        "pipeline_by_stage",
        gettext_lazy("Pipeline by stage"),
        gettext_lazy("Open deals per stage, closing in the period."),
        pipeline_by_stage,
        (MINE, MEASURE),
        wide=True,
    )
)
widget_register(
    WidgetType(
        "won_lost",
        gettext_lazy("Won and lost"),
        gettext_lazy("Deals won and lost in the period."),
        won_lost,
        (MINE,),
    )
)
widget_register(
    WidgetType(
        "win_rate",
        gettext_lazy("Win rate"),
        gettext_lazy("Won ÷ closed, overall and by owner."),
        win_rate,
        (MINE,),
    )
)
widget_register(
    WidgetType(
        "average_deal_size",
        gettext_lazy("Average deal size"),
        gettext_lazy("The average amount of the deals won."),
        average_deal_size,
        (MINE,),
    )
)
widget_register(
    WidgetType(
        "sales_cycle",
        gettext_lazy("Sales cycle"),
        gettext_lazy("Average days from opening to winning."),
        sales_cycle,
        (MINE,),
    )
)
