"""The pivot over the opportunity cube: when a definition fits the sales app's pre-aggregated cells
(`opportunity_cube_query`), the engine groups those cells instead of the deals — the same rows come out, so the
result is the same either way (proven by the tests), only faster.

A definition fits when it is about opportunities; its dimensions are among the cube's (close date and closed on
by month, quarter or year; owner; team, through the owner; stage; pipeline; status; currency); its measure is a
count, or a sum, average, minimum or maximum of the amount or the probability (not a distinct count); and the
sales selector can express its filters and the user's visibility on the cells. Otherwise: the deals' GROUP BY.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max, Min, Sum

from crm.analytics.pivot.buckets import bucket_expression
from crm.analytics.pivot.definition import Axis, Definition

SOURCE = "opportunities"
# dimension key → the cube's column (date ones hold the first day of a month)
_DIMENSIONS = {
    "close_date": "close_month",
    "closed_on": "closed_month",
    "owner": "owner",
    "team": "owner__team",
    "stage": "stage",
    "pipeline": "pipeline",
    "status": "status",
    "currency": "currency",
}
_BUCKETS = ("month", "quarter", "year")
# measure key → the cube's columns: (sum, number given, minimum, maximum)
_MEASURES = {
    "amount": ("amount_sum", "amount_count", "amount_min", "amount_max"),
    "probability": ("probability_sum", "deals", "probability_min", "probability_max"),
}


@dataclass(frozen=True)
class Cube:
    """The cells to group (already scoped and filtered) and how the definition reads them."""

    qs: Any
    currency_path: str = "currency"

    def expression(self, axis: Axis) -> Any:
        column = _DIMENSIONS[axis.dimension.key]
        if axis.dimension.is_date and axis.bucket != "month":
            return bucket_expression(column, axis.bucket, is_datetime=False)
        return F(column)

    def annotations(self, definition: Definition) -> dict[str, Any]:
        """The engine's measures (n, s, c, lo, hi) as sums, minima and maxima of the cells' figures."""
        out: dict[str, Any] = {"n": Sum("deals")}
        if definition.aggregate == "count" or definition.measure is None:
            return out
        total, given, lowest, highest = _MEASURES[definition.measure.key]
        if definition.aggregate in ("sum", "avg"):
            out |= {"s": Sum(total), "c": Sum(given)}
        elif definition.aggregate == "min":
            out["lo"] = Min(lowest)
        else:
            out["hi"] = Max(highest)
        return out


def fits(definition: Definition) -> bool:
    """Whether every dimension and the measure of `definition` can be read from the cube."""
    if definition.source.key != SOURCE or definition.aggregate == "distinct":
        return False
    if definition.measure is not None and definition.measure.key not in _MEASURES:
        return False
    for axis in (*definition.rows, *definition.columns):
        if axis.dimension.key not in _DIMENSIONS:
            return False
        if axis.dimension.is_date and axis.bucket not in _BUCKETS:
            return False
    return True


def cube_for(*, user: Any, definition: Definition) -> Cube | None:
    """The cube cells answering `definition` for `user`, or None when the deals must be read."""
    if not fits(definition):
        return None
    from crm.sales.selectors.opportunity_cube import opportunity_cube_query

    qs = opportunity_cube_query(user=user, params=definition.filters)
    return Cube(qs) if qs is not None else None
