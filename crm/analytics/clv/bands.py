"""Lifetime-value bands for the page: edges at round multiples of the mean CLV (half, once, twice, five times),
each band linked to the accounts list filtered by the `clv` filter."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from crm.analytics.core.ranges import account_list_url

MULTIPLES = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5))


def _round(value: Decimal) -> Decimal:
    """Two significant digits (1,234.56 → 1,200): edges a person reads at a glance."""
    if value <= 0:
        return Decimal(0)
    digits = math.floor(math.log10(float(value))) - 1
    step = Decimal(10) ** digits
    return (value / step).quantize(Decimal(1)) * step


def band_edges(mean_clv: Any) -> list[Decimal]:
    """Ascending, distinct edges from the mean lifetime value (none when there is no positive mean)."""
    try:
        mean = Decimal(str(mean_clv))
    except (ArithmeticError, ValueError):
        return []
    if not mean.is_finite() or mean <= 0:
        return []
    return sorted({_round(mean * m) for m in MULTIPLES} - {Decimal(0)})


def band_rows(edges: list[Decimal], counts: list[int]) -> list[dict[str, Any]]:
    """One row per band, from the highest: its bounds, the customers in it and the accounts list behind it."""
    if not edges or len(counts) != len(edges) + 1:
        return []
    rows = []
    bounds: list[Decimal | None] = [None, *edges, None]
    for i, n in enumerate(counts):
        low, high = bounds[i], bounds[i + 1]
        rows.append(
            {
                "low": low,
                "high": high,
                "customers": n,
                "url": account_list_url(name="clv", low=low, below=high),
                "kind": "top" if high is None else ("bottom" if low is None else "middle"),
            }
        )
    rows.reverse()
    return rows
