"""Pareto (80/20) and ABC classes over the customers' revenue — or their margin.

Definition (the page and the pandas reference test use the same one): customers sorted by the measure
descending (ties: ascending id); `cumulative_share` is the running share of the total including the customer; a
customer is A while the share of the customers before it is below the A threshold (80 %), B below the B
threshold (95 %), C after — so the largest customer is always A. "Top X %" is the first ceil(X/100 × customers)
customers.

Margins may be negative: those customers sort to the tail, so the curve rises above 100 % and comes back down
to exactly 100 % at the last customer. A total that is not positive has no shares (AnalyticsError).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
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
    if total <= 0 and (revenue < 0).any():
        raise AnalyticsError(
            _("The customers' total margin is %(total)s, not positive: there is no share of it to rank by.")
            % {"total": f"{total:.2f}"}
        )
    cumulative = np.cumsum(sorted_revenue) / total if total > 0 else np.zeros(len(summary))
    before = np.concatenate(([0.0], cumulative[:-1]))
    classes_sorted = np.where(before < a_share, "A", np.where(before < b_share, "B", "C"))
    cumulative_share = np.empty(len(summary))
    cumulative_share[order] = cumulative
    abc = np.empty(len(summary), dtype="<U1")
    abc[order] = classes_sorted
    return ParetoResult(summary=summary, order=order, cumulative_share=cumulative_share, abc=abc, total=total)


def top_share(result: ParetoResult, percent: float, *, key: str = "revenue") -> dict[str, float | int]:
    """The share of the total (revenue or margin, named `key` in the row) of the top `percent` % of customers."""
    n = len(result.summary)
    k = min(n, max(1, math.ceil(percent / 100 * n - 1e-9)))
    revenue = result.summary.revenue[result.order[:k]].sum()
    share = float(revenue) / result.total if result.total > 0 else 0.0
    return {"percent": percent, "customers": k, key: round(float(revenue), 2), f"{key}_share": share}


def pareto_curve(result: ParetoResult) -> list[tuple[float, float]]:
    """(share of customers, share of the total) at 101 evenly spaced customer shares, from (0, 0) to (1, 1)
    (above 1 in between when some customers' margins are negative)."""
    n = len(result.summary)
    cumulative = result.cumulative_share[result.order]
    points = [(0.0, 0.0)]
    for i in range(1, CURVE_POINTS):
        x = i / (CURVE_POINTS - 1)
        k = max(1, math.ceil(x * n - 1e-9))
        points.append((x, float(cumulative[k - 1])))
    return points


def abc_totals(result: ParetoResult, *, key: str = "revenue") -> list[dict[str, Any]]:
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
                key: round(revenue, 2),
                f"{key}_share": revenue / result.total if result.total > 0 else 0.0,
            }
        )
    return out
