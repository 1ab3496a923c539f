"""Pareto (80/20) and ABC classes over the customers' revenue.

Definition (the page and the pandas reference test use the same one): customers sorted by revenue descending
(ties: ascending id); `cumulative_share` is the running revenue share including the customer; a customer is A
while the share of the customers before it is below the A threshold (80 %), B below the B threshold (95 %), C
after — so the largest customer is always A. "Top X %" is the first ceil(X/100 × customers) customers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from crm.analytics.customers.summary import CustomerSummary

CURVE_POINTS = 101


@dataclass(frozen=True)
class ParetoResult:
    summary: CustomerSummary
    order: np.ndarray  # positions into summary, by revenue descending
    cumulative_share: np.ndarray  # per customer, in summary order
    abc: np.ndarray  # "A"/"B"/"C" per customer, in summary order
    total: float


def pareto_compute(summary: CustomerSummary, *, a_share: float = 0.8, b_share: float = 0.95) -> ParetoResult:
    revenue = summary.revenue
    order = np.lexsort((summary.ids, -revenue))
    sorted_revenue = revenue[order]
    total = float(sorted_revenue.sum())
    cumulative = np.cumsum(sorted_revenue) / total if total > 0 else np.zeros(len(summary))
    before = np.concatenate(([0.0], cumulative[:-1]))
    classes_sorted = np.where(before < a_share, "A", np.where(before < b_share, "B", "C"))
    cumulative_share = np.empty(len(summary))
    cumulative_share[order] = cumulative
    abc = np.empty(len(summary), dtype="<U1")
    abc[order] = classes_sorted
    return ParetoResult(summary=summary, order=order, cumulative_share=cumulative_share, abc=abc, total=total)


def top_share(result: ParetoResult, percent: float) -> dict[str, float | int]:
    """The revenue share of the top `percent` % of customers."""
    n = len(result.summary)
    k = min(n, max(1, math.ceil(percent / 100 * n - 1e-9)))
    revenue = result.summary.revenue[result.order[:k]].sum()
    share = float(revenue) / result.total if result.total > 0 else 0.0
    return {"percent": percent, "customers": k, "revenue": round(float(revenue), 2), "revenue_share": share}


def pareto_curve(result: ParetoResult) -> list[tuple[float, float]]:
    """(share of customers, share of revenue) at 101 evenly spaced customer shares, from (0, 0) to (1, 1)."""
    n = len(result.summary)
    cumulative = np.sort(result.cumulative_share)
    points = [(0.0, 0.0)]
    for i in range(1, CURVE_POINTS):
        x = i / (CURVE_POINTS - 1)
        k = max(1, math.ceil(x * n - 1e-9))
        points.append((x, float(cumulative[k - 1])))
    return points


def abc_totals(result: ParetoResult) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n = len(result.summary)
    for cls in ("A", "B", "C"):
        mask = result.abc == cls
        revenue = float(result.summary.revenue[mask].sum())
        count = int(mask.sum())
        out.append(
            {
                "abc_class": cls,
                "customers": count,
                "customer_share": count / n if n else 0.0,
                "revenue": round(revenue, 2),
                "revenue_share": revenue / result.total if result.total > 0 else 0.0,
            }
        )
    return out
