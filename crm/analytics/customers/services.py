"""The refresh runners of the customer analyses (see crm.analytics.core.registry): read the transactions,
compute, store the per-account figures, return the page's summary. A refusal of the data raises AnalyticsError
before anything is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from crm.analytics.core.customer_totals import customer_totals_load
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext
from crm.analytics.core.services import customer_insights_write
from crm.analytics.core.transactions import (
    Transactions,
    money,
    transactions_load,
    transactions_load_measures,
)
from crm.analytics.customers.reports import cohorts_report, dates, pareto_report, rfm_cutoffs, rfm_report
from crm.analytics.customers.rfm import SEGMENTS

DEFAULT_COMPARE_MONTHS = 6


def param_as_of(params: dict[str, Any]) -> dt.date:
    raw = str(params.get("as_of") or "").strip()
    if not raw:
        return timezone.localdate()
    parsed = parse_date(raw) if len(raw) == 10 else None
    if parsed is None:
        raise AnalyticsError(_("Give the “as of” day as YYYY-MM-DD."))
    return parsed


def param_number(params: dict[str, Any], name: str, default: float, *, low: float, high: float) -> float:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(str(raw).replace(",", "."))
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise AnalyticsError(
            _("%(name)s must be a number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def _load(context: RunContext, as_of: dt.date) -> Transactions:
    context.progress(5, _("Reading the orders…"))
    tx = transactions_load(until=as_of)
    context.progress(30, _("Computing…"))
    return tx


def _rows_reporting(
    rows: Iterator[Sequence[Any]], total: int, context: RunContext, start: int
) -> Iterator[Sequence[Any]]:
    for i, row in enumerate(rows):
        if i % 20_000 == 0:
            context.progress(start + (99 - start) * i // max(total, 1), _("Storing the customers' figures…"))
        yield row


def rfm_refresh(*, context: RunContext) -> dict[str, Any]:
    as_of = param_as_of(context.params)
    months = int(param_number(context.params, "compare_months", DEFAULT_COMPARE_MONTHS, low=1, high=60))
    context.progress(5, _("Reading the orders…"))
    totals = customer_totals_load(cutoffs=rfm_cutoffs(as_of=as_of, compare_months=months))
    context.progress(30, _("Computing…"))
    report, scores = rfm_report(totals, as_of=as_of, compare_months=months)
    summary = scores.summary
    segment_keys = np.array(SEGMENTS, dtype=object)[scores.segment]
    rows = zip(
        summary.ids.tolist(),
        scores.recency.tolist(),
        scores.r.tolist(),
        scores.f.tolist(),
        scores.m.tolist(),
        segment_keys.tolist(),
        summary.purchases.tolist(),
        dates(summary.first_day),
        dates(summary.last_day),
        strict=True,
    )
    columns = ["recency_days", "r_score", "f_score", "m_score", "rfm_segment", "purchases"]
    customer_insights_write(
        columns=[*columns, "first_purchase_on", "last_purchase_on"],
        rows=_rows_reporting(rows, len(summary), context, 60),
        computed_field="rfm_computed_at",
    )
    return report


def pareto_refresh(*, context: RunContext) -> dict[str, Any]:
    as_of = param_as_of(context.params)
    a = param_number(context.params, "a_percent", 80, low=1, high=99) / 100
    b = param_number(context.params, "b_percent", 95, low=1, high=99.9) / 100
    context.progress(5, _("Reading the orders…"))
    loaded = transactions_load_measures(until=as_of, measures=("revenue", "margin"))
    context.progress(30, _("Computing…"))
    report, result = pareto_report(loaded["revenue"], as_of=as_of, a_share=a, b_share=b)
    rows = zip(
        result.summary.ids.tolist(),
        (money(v) for v in result.summary.revenue.tolist()),
        result.cumulative_share.tolist(),
        result.abc.tolist(),
        strict=True,
    )
    customer_insights_write(
        columns=["revenue", "revenue_rank_share", "abc_class"],
        rows=_rows_reporting(rows, len(result.summary), context, 60),
        computed_field="pareto_computed_at",
    )
    report["margin"] = _pareto_margin(context, loaded["margin"], as_of, a, b)
    return report


def _pareto_margin(
    context: RunContext, tx: Transactions, as_of: dt.date, a: float, b: float
) -> dict[str, Any]:
    """The same analysis by margin, kept in the run's summary only: the stored ABC class is always by revenue
    (the accounts list filters by it), the margin curve is a view. Data it cannot rank (a total margin that is
    not positive) gives `{"error": …}` rather than failing the revenue figures already stored."""
    context.progress(99, _("Computing the margin curve…"))
    try:
        report, _result = pareto_report(tx, as_of=as_of, a_share=a, b_share=b, measure="margin")
    except AnalyticsError as exc:
        return {"measure": "margin", "error": exc.message}
    return report


def cohorts_refresh(*, context: RunContext) -> dict[str, Any]:
    as_of = param_as_of(context.params)
    report, table, ids = cohorts_report(_load(context, as_of), as_of=as_of)
    months = table.customer_month
    first_days = [dt.date(1970 + int(m) // 12, int(m) % 12 + 1, 1) for m in months.tolist()]
    customer_insights_write(
        columns=["cohort_month"],
        rows=_rows_reporting(zip(ids.tolist(), first_days, strict=True), len(ids), context, 60),
        computed_field=None,
    )
    return report
