"""RFM: recency, frequency and monetary quintile scores (1–5) and the named segments of the R×F grid.

Definition (the page and the pandas reference test use the same one):
- recency = days from the last purchase to the "as of" day; frequency = number of purchases; monetary = revenue;
- each score is `qcut(rank(method="first"), 5, labels=[1..5])` over the customers in ascending id order,
  ranking the last purchase day ascending (so the most recent fifth scores R=5), the purchases ascending (F)
  and the revenue ascending (M);
- the segment comes from R and F (SEGMENT_GRID).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from crm.analytics.core.customer_totals import CustomerTotals
from crm.analytics.core.enums import RfmSegment
from crm.analytics.core.transactions import Transactions, day_number
from crm.analytics.customers.summary import (
    CustomerSummary,
    customer_summary,
    customer_summary_at,
    quantile_scores,
    rank_first,
    transactions_clean,
)

S = RfmSegment
# SEGMENT_GRID[r - 1][f - 1]
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    (S.LOST, S.LOST, S.AT_RISK, S.AT_RISK, S.CANNOT_LOSE),
    (S.HIBERNATING, S.HIBERNATING, S.AT_RISK, S.AT_RISK, S.CANNOT_LOSE),
    (S.ABOUT_TO_SLEEP, S.ABOUT_TO_SLEEP, S.NEEDS_ATTENTION, S.LOYAL, S.LOYAL),
    (S.PROMISING, S.POTENTIAL, S.POTENTIAL, S.LOYAL, S.LOYAL),
    (S.NEW, S.POTENTIAL, S.POTENTIAL, S.CHAMPIONS, S.CHAMPIONS),
)
SEGMENTS: tuple[str, ...] = tuple(s.value for s in RfmSegment)
_CODE = {value: code for code, value in enumerate(SEGMENTS)}
_GRID_CODES = np.array([[_CODE[str(s)] for s in row] for row in SEGMENT_GRID], dtype=np.int16)


@dataclass(frozen=True)
class RfmScores:
    summary: CustomerSummary
    as_of_day: int
    recency: np.ndarray  # int64 days
    r: np.ndarray  # int16 1..5
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray  # int16 index into SEGMENTS
    warnings: tuple[str, ...]


def rfm_scores(tx: Transactions, *, as_of: dt.date) -> RfmScores:
    """Score every customer with a purchase on or before `as_of`. Raises AnalyticsError (no purchases, one
    customer)."""
    as_of_day = day_number(as_of)
    clean, warnings = transactions_clean(tx, until_day=as_of_day)
    return _scores(customer_summary(clean), as_of_day, warnings)


def rfm_scores_at(totals: CustomerTotals, *, as_of: dt.date) -> RfmScores:
    """The same scores from per-customer totals that include the cutoff `as_of` (`customer_totals_load`)."""
    as_of_day = day_number(as_of)
    summary, warnings = customer_summary_at(totals, day=as_of_day)
    return _scores(summary, as_of_day, warnings)


def _scores(summary: CustomerSummary, as_of_day: int, warnings: list[str]) -> RfmScores:
    r = quantile_scores(rank_first(summary.last_day))
    f = quantile_scores(rank_first(summary.purchases))
    m = quantile_scores(rank_first(summary.revenue))
    return RfmScores(
        summary=summary,
        as_of_day=as_of_day,
        recency=(as_of_day - summary.last_day.astype(np.int64)),
        r=r,
        f=f,
        m=m,
        segment=_GRID_CODES[r - 1, f - 1],
        warnings=tuple(warnings),
    )


def rfm_segment_totals(scores: RfmScores) -> list[dict[str, object]]:
    """Customers and revenue per segment, in the order of SEGMENTS."""
    counts = np.bincount(scores.segment, minlength=len(SEGMENTS))
    revenue = np.bincount(scores.segment, weights=scores.summary.revenue, minlength=len(SEGMENTS))
    total_customers = max(int(counts.sum()), 1)
    total_revenue = float(revenue.sum()) or 1.0
    return [
        {
            "segment": key,
            "customers": int(counts[i]),
            "customer_share": float(counts[i]) / total_customers,
            "revenue": round(float(revenue[i]), 2),
            "revenue_share": float(revenue[i]) / total_revenue,
        }
        for i, key in enumerate(SEGMENTS)
    ]


def rfm_grid(scores: RfmScores) -> list[list[int]]:
    """Customers per (R, F) cell: grid[r - 1][f - 1]."""
    cells = np.bincount((scores.r.astype(np.int64) - 1) * 5 + (scores.f - 1), minlength=25)
    return cells.reshape(5, 5).astype(int).tolist()


def rfm_transitions(before: RfmScores, now: RfmScores) -> list[list[int]]:
    """Customers moving from each segment then (row; the last row: no purchase yet) to each segment now
    (column; the last column: not scored now). Customers are matched by id."""
    size = len(SEGMENTS) + 1
    then_code = np.full(len(now.summary), len(SEGMENTS), dtype=np.int64)
    pos = np.searchsorted(before.summary.ids, now.summary.ids)
    pos_clipped = np.minimum(pos, len(before.summary) - 1)
    found = before.summary.ids[pos_clipped] == now.summary.ids
    then_code[found] = before.segment[pos_clipped[found]]
    cells = np.bincount(then_code * size + now.segment, minlength=size * size).reshape(size, size)
    return cells.astype(int).tolist()
