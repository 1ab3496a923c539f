"""The JSON summaries of the three analyses (what the pages, the API and the CLI show), from transactions in
memory. The runners (services.py) add the storing; the CLI prints them as they are."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.customer_totals import CustomerTotals
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, day_number
from crm.analytics.customers.cohorts import CohortTable, cohort_table
from crm.analytics.customers.pareto import ParetoResult, abc_totals, pareto_compute, pareto_curve, top_share
from crm.analytics.customers.rfm import (
    RfmScores,
    rfm_grid,
    rfm_scores,
    rfm_scores_at,
    rfm_segment_totals,
    rfm_transitions,
)
from crm.analytics.customers.summary import customer_summary, transactions_clean

TOP_PERCENTS = (1, 5, 10, 20, 50)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def rfm_cutoffs(*, as_of: dt.date, compare_months: int) -> list[dt.date]:
    """The days an RFM report scores: `as_of` and the day the movement table starts from."""
    return [as_of, months_before(as_of, compare_months)]


def rfm_report(
    source: Transactions | CustomerTotals, *, as_of: dt.date, compare_months: int = 6
) -> tuple[dict[str, Any], RfmScores]:
    """The page's summary from transactions in memory, or from per-customer totals that include the cutoffs
    `rfm_cutoffs(as_of=, compare_months=)` (the database run: `customer_totals_load`). Both give the same."""

    def score(day: dt.date) -> RfmScores:
        if isinstance(source, Transactions):
            return rfm_scores(source, as_of=day)
        return rfm_scores_at(source, as_of=day)

    scores = score(as_of)
    segments = rfm_segment_totals(scores)
    seg = scores.segment
    n = np.bincount(seg, minlength=len(segments)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_recency = np.bincount(seg, weights=scores.recency, minlength=len(segments)) / n
        mean_purchases = np.bincount(seg, weights=scores.summary.purchases, minlength=len(segments)) / n
    for i, row in enumerate(segments):
        row["mean_recency_days"] = None if not n[i] else round(float(mean_recency[i]), 1)
        row["mean_purchases"] = None if not n[i] else round(float(mean_purchases[i]), 2)
    since = months_before(as_of, compare_months)
    transitions: dict[str, Any] | None = None
    try:
        before = score(since)
    except AnalyticsError:
        before = None  # too little history then: no movement table
    if before is not None:
        transitions = {
            "since": since.isoformat(),
            "months": compare_months,
            "matrix": rfm_transitions(before, scores),
        }
    report = {
        "as_of": as_of.isoformat(),
        "orders": int(scores.summary.purchases.sum()),
        "customers": len(scores.summary),
        "revenue": round(float(scores.summary.revenue.sum()), 2),
        "segments": segments,
        "grid": rfm_grid(scores),
        "transitions": transitions,
        "warnings": list(scores.warnings),
    }
    return report, scores


def pareto_report(
    tx: Transactions,
    *,
    as_of: dt.date,
    a_share: float = 0.8,
    b_share: float = 0.95,
    measure: str = "revenue",
) -> tuple[dict[str, Any], ParetoResult]:
    """The Pareto summary by `measure`: "revenue" (orders' totals; negative amounts left out) or "margin"
    (orders' net − cost; negative margins kept, so those customers sit at the tail and the curve may pass
    100 %). Amounts and shares are named after the measure (`revenue`/`revenue_share`, `margin`/`margin_share`)."""
    if not (0 < a_share < b_share < 1):
        raise AnalyticsError(_("The class limits must rise from the A limit to the B limit, both below 100."))
    margin = measure == "margin"
    clean, warnings = transactions_clean(tx, until_day=day_number(as_of), keep_negative=margin)
    result = pareto_compute(customer_summary(clean), a_share=a_share, b_share=b_share)
    curve = pareto_curve(result)
    report = {
        "measure": measure,
        "as_of": as_of.isoformat(),
        "orders": len(clean),
        "customers": len(result.summary),
        measure: round(result.total, 2),
        "thresholds": {"a": a_share, "b": b_share},
        "top": [top_share(result, p, key=measure) for p in TOP_PERCENTS],
        "classes": abc_totals(result, key=measure),
        "curve": [[round(x, 4), round(y, 6)] for x, y in curve],
        "warnings": warnings,
    }
    if margin:
        negative = result.summary.revenue < 0
        report["negative_customers"] = int(negative.sum())
        report["negative_margin"] = round(float(result.summary.revenue[negative].sum()), 2)
        report["peak_share"] = round(float(result.cumulative_share.max()), 6)
    return report, result


def cohorts_report(tx: Transactions, *, as_of: dt.date) -> tuple[dict[str, Any], CohortTable, np.ndarray]:
    clean, warnings = transactions_clean(tx, until_day=day_number(as_of))
    summary = customer_summary(clean, minimum_customers=1)
    table = cohort_table(summary, day=clean.day, amount=clean.amount)
    report = {
        "as_of": as_of.isoformat(),
        "orders": len(clean),
        "customers": len(summary),
        "revenue": round(float(summary.revenue.sum()), 2),
        "cohorts": [
            {"month": m.isoformat(), "customers": size, "active": active, "revenue": revenue}
            for m, size, active, revenue in zip(
                table.months, table.sizes, table.active, table.revenue, strict=True
            )
        ],
        "warnings": warnings,
    }
    return report, table, summary.ids


def dates(days: np.ndarray) -> list[dt.date]:
    """Days since 1970-01-01 as dates (vectorised)."""
    return days.astype("datetime64[D]").tolist()
