"""What the customer analysis pages show, built from a stored result: charts (SVG), table rows with their
figures formatted in the user's locale, and the drill-down links to the accounts list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats as django_formats
from django.utils.translation import gettext as _

from crm.analytics.core.charts import Bar, bar_chart, curve_chart, heatmap
from crm.analytics.core.enums import AbcClass, RfmSegment
from crm.analytics.customers.rfm import SEGMENT_GRID, SEGMENTS
from crm.analytics.customers.selectors import (
    PARETO_MEASURES,
    CustomerAnalysis,
    pareto_top_share,
    pareto_view,
)
from crm.core.ui.formats import format_money, format_number, format_percent

HEATMAP_COHORTS = 18  # the newest cohorts shown in the heat map (the table below has them all)
HEATMAP_MONTHS = 13


def accounts_url(**filters: str) -> str:
    return reverse("contacts:account_list") + "?" + urlencode(filters)


def _base(analysis: CustomerAnalysis) -> dict[str, Any]:
    result = analysis.result or {}
    return {
        "status": analysis.status,
        "result": analysis.result,
        "currency": analysis.currency,
        "warnings": result.get("warnings", []),
        "as_of": dt.date.fromisoformat(result["as_of"]) if result.get("as_of") else None,
        "customers_shown": format_number(result.get("customers", 0)),
        "revenue_shown": format_money(result.get("revenue", 0), analysis.currency),
    }


# --- Pareto -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShareRow:
    label: str
    customers: str
    revenue: str
    revenue_share: str
    customer_share: str = ""
    url: str = ""


def _pareto_texts(measure: str) -> dict[str, str]:
    if measure == "margin":
        return {
            "curve": _("Cumulative share of margin by share of customers"),
            "y": _("Share of margin"),
            "bars": _("Margin by ABC class"),
        }
    return {
        "curve": _("Cumulative share of revenue by share of customers"),
        "y": _("Share of revenue"),
        "bars": _("Revenue by ABC class"),
    }


def pareto_context(analysis: CustomerAnalysis, *, top: str, measure: str = "revenue") -> dict[str, Any]:
    measure = measure if measure in PARETO_MEASURES else "revenue"
    context = _base(analysis)
    context.update(measure=measure, measure_missing=False, measure_error="")
    view = pareto_view(analysis.result, measure)
    if not analysis.result:
        return context
    if view is None or "error" in view:
        context.update(measure_missing=view is None, measure_error=(view or {}).get("error", ""), result=None)
        return context
    currency = analysis.currency
    texts = _pareto_texts(measure)
    share_key = f"{measure}_share"
    chosen = int(top) if top.isdigit() and 1 <= int(top) <= 100 else 20
    chosen_share = pareto_top_share(view, chosen)
    points = [(float(x), float(y)) for x, y in view["curve"]]
    marks = [
        (
            chosen / 100,
            chosen_share or 0.0,
            f"{format_percent(chosen / 100)} → {format_percent(chosen_share)}",
        )
    ]
    # the stored ABC class (the accounts list's filter) is by revenue: only those rows link to the accounts
    links = measure == "revenue"

    def class_label(letter: str) -> str:
        if links:
            return str(AbcClass(letter).label)
        return _("Class %(letter)s by margin") % {"letter": letter}

    context.update(
        warnings=view.get("warnings", []),
        measure_total_shown=format_money(view.get(measure, 0), currency),
        negative_customers=format_number(view.get("negative_customers", 0)),
        peak_share=format_percent(view.get("peak_share", 1.0), 1),
        top=chosen,
        top_label=format_percent(chosen / 100),
        top_share=format_percent(chosen_share),
        top_share_value=chosen_share,
        curve=curve_chart(
            points=points,
            title=texts["curve"],
            x_label=_("Share of customers, largest first"),
            y_label=texts["y"],
            reference=[(0.0, 0.0), (1.0, 1.0)],
            marks=marks,
            x_format=lambda v: format_percent(v),
            y_format=lambda v: format_percent(v),
        ),
        top_rows=[
            ShareRow(
                label=_("Top %(percent)s") % {"percent": format_percent(t["percent"] / 100)},
                customers=format_number(t["customers"]),
                revenue=format_money(t[measure], currency),
                revenue_share=format_percent(t[share_key], 1),
            )
            for t in view["top"]
        ],
        class_rows=[
            ShareRow(
                label=class_label(c["abc_class"]),
                customers=format_number(c["customers"]),
                customer_share=format_percent(c["customer_share"], 1),
                revenue=format_money(c[measure], currency),
                revenue_share=format_percent(c[share_key], 1),
                url=accounts_url(abc_class=c["abc_class"]) if links else "",
            )
            for c in view["classes"]
        ],
        class_chart=bar_chart(
            [
                Bar(
                    label=class_label(c["abc_class"]),
                    value=max(float(c[measure]), 0.0),
                    url=accounts_url(abc_class=c["abc_class"]) if links else "",
                    display=f"{format_money(c[measure], currency)} · {format_number(c['customers'])}",
                )
                for c in view["classes"]
            ],
            title=texts["bars"],
            horizontal=True,
            value_format=lambda v: format_money(round(v), currency),
        ),
        thresholds={k: format_percent(v) for k, v in view["thresholds"].items()},
    )
    return context


# --- RFM ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SegmentRow:
    key: str
    label: str
    customers: str
    customer_share: str
    revenue: str
    revenue_share: str
    recency: str
    purchases: str
    url: str


@dataclass(frozen=True)
class GridCell:
    segment: str
    label: str
    customers: str
    url: str


def _segment_label(key: str) -> str:
    return str(RfmSegment(key).label)


def rfm_context(analysis: CustomerAnalysis) -> dict[str, Any]:
    context = _base(analysis)
    result = analysis.result
    if not result:
        return context
    currency = analysis.currency
    segments = result["segments"]
    rows = [
        SegmentRow(
            key=s["segment"],
            label=_segment_label(s["segment"]),
            customers=format_number(s["customers"]),
            customer_share=format_percent(s["customer_share"], 1),
            revenue=format_money(s["revenue"], currency),
            revenue_share=format_percent(s["revenue_share"], 1),
            recency=format_number(s["mean_recency_days"], 0) if s["mean_recency_days"] is not None else "—",
            purchases=format_number(s["mean_purchases"], 1) if s["mean_purchases"] is not None else "—",
            url=accounts_url(rfm_segment=s["segment"]),
        )
        for s in segments
    ]
    # F rows from 5 (top) to 1, R columns from 1 to 5: champions top right, lost bottom left
    grid = result["grid"]
    grid_rows = [
        (
            f,
            [
                GridCell(
                    segment=str(SEGMENT_GRID[r - 1][f - 1]),
                    label=_segment_label(str(SEGMENT_GRID[r - 1][f - 1])),
                    customers=format_number(grid[r - 1][f - 1]),
                    url=accounts_url(rfm_segment=str(SEGMENT_GRID[r - 1][f - 1])),
                )
                for r in range(1, 6)
            ],
        )
        for f in range(5, 0, -1)
    ]
    context.update(
        segment_rows=rows,
        grid_rows=grid_rows,
        count_chart=bar_chart(
            [
                Bar(label=r.label, value=float(s["customers"]), url=r.url, display=r.customers)
                for r, s in zip(rows, segments, strict=True)
            ],
            title=_("Customers per segment"),
            horizontal=True,
            value_format=lambda v: format_number(round(v)),
        ),
        revenue_chart=bar_chart(
            [
                Bar(label=r.label, value=float(s["revenue"]), url=r.url, display=r.revenue)
                for r, s in zip(rows, segments, strict=True)
            ],
            title=_("Revenue per segment"),
            horizontal=True,
            value_format=lambda v: format_money(round(v), currency),
        ),
        movement=_movement(result.get("transitions")),
    )
    return context


def _movement(transitions: dict[str, Any] | None) -> dict[str, Any] | None:
    if not transitions:
        return None
    matrix = transitions["matrix"]
    labels = [_segment_label(k) for k in SEGMENTS]
    rows = []
    for i, row in enumerate(matrix):
        if not any(row):
            continue
        label = labels[i] if i < len(SEGMENTS) else _("No purchase yet")
        cells = [(format_number(v) if v else "", i == j) for j, v in enumerate(row[: len(SEGMENTS)])]
        rows.append((label, cells, format_number(sum(row))))
    return {
        "since": dt.date.fromisoformat(transitions["since"]),
        "months": transitions["months"],
        "columns": labels,
        "rows": rows,
    }


# --- cohorts ------------------------------------------------------------------------------------------------
def _month_label(month: dt.date) -> str:
    return django_formats.date_format(month, "YEAR_MONTH_FORMAT")


def cohorts_context(analysis: CustomerAnalysis, *, show: str) -> dict[str, Any]:
    context = _base(analysis)
    result = analysis.result
    if not result:
        return context
    currency = analysis.currency
    show_revenue = show == "revenue"
    cohorts = result["cohorts"]
    recent = cohorts[-HEATMAP_COHORTS:]
    months = [dt.date.fromisoformat(c["month"]) for c in recent]
    width = min(HEATMAP_MONTHS, max((len(c["active"]) for c in recent), default=1))
    if show_revenue:
        values = [[float(v) for v in c["revenue"][:width]] for c in recent]
        fmt = lambda v: format_money(round(v), currency)  # noqa: E731
    else:
        values = [[a / c["customers"] for a in c["active"][:width]] for c in recent]
        fmt = lambda v: format_percent(v)  # noqa: E731
    urls = [[accounts_url(cohort__gte=m.isoformat(), cohort__lte=m.isoformat())] * width for m in months]
    table = []
    for c in reversed(cohorts):
        month = dt.date.fromisoformat(c["month"])
        cells = [
            format_money(v, currency) if show_revenue else format_percent(a / c["customers"])
            for a, v in zip(c["active"][:HEATMAP_MONTHS], c["revenue"][:HEATMAP_MONTHS], strict=True)
        ]
        table.append(
            {
                "label": _month_label(month),
                "customers": format_number(c["customers"]),
                "revenue": format_money(sum(c["revenue"]), currency),
                "cells": cells,
                "url": accounts_url(cohort__gte=month.isoformat(), cohort__lte=month.isoformat()),
            }
        )
    context.update(
        show_revenue=show_revenue,
        heatmap=heatmap(
            rows=[_month_label(m) for m in months],
            columns=[str(k) for k in range(width)],
            values=values,
            title=_("Revenue by cohort and month since the first purchase")
            if show_revenue
            else _("Share of each cohort buying again, by month since the first purchase"),
            value_format=fmt,
            urls=urls,
        ),
        month_columns=list(range(min(HEATMAP_MONTHS, max((len(c["active"]) for c in cohorts), default=1)))),
        table=table,
    )
    return context
