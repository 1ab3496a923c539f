"""The order lines' net amounts of whole months, read from the order-line summary (`OrderLineMonth`: per month ×
owner × currency × product × account territory, kept exact by the order services) instead of the lines: the
dashboards' revenue-by-product and revenue-by-territory widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Sum

from crm.core.identity.permissions import scope_q
from crm.sales.models import OrderLineMonth
from crm.sales.selectors.forecast_cells import forecast_cells_fit

OBJECT_TYPE = "sales.order"
_GROUPS = frozenset({"owner_id", "currency", "month", "product_id", "product__name", "territory_id"})

line_months_fit = forecast_cells_fit  # whole months: [start, end) from a first of the month to another


def order_line_month_sums(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    group_by: Sequence[str],
    owners: list[int] | None = None,
) -> list[tuple[Any, ...]]:
    """[(*group values, number of lines, Σ net amount)] of the lines of the standing orders (not cancelled,
    not binned) `user` may see (the orders' `view` scope), dated within [start, end) (whole months: see
    `line_months_fit`), of `owners` (None: every owner). The same rows as grouping the lines themselves (the
    tests prove it)."""
    if not set(group_by) <= _GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}")
    if not line_months_fit(start, end):
        raise ValueError("the order-line summary holds whole months only")
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    if scope is None or owners == []:
        return []
    cells = OrderLineMonth.objects.filter(month__gte=start, month__lt=end, lines__gt=0)
    if scope:
        cells = cells.filter(scope)
    if owners is not None:
        cells = cells.filter(owner_id__in=owners)
    return [
        (*row[:-2], int(row[-2] or 0), row[-1])
        for row in cells.order_by().values_list(*group_by).annotate(n=Sum("lines"), total=Sum("net_amount"))
    ]
