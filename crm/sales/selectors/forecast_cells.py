"""The opportunities' counts and amounts of whole months, read from the forecast summary (`ForecastMonth`: per
kind × month × owner × pipeline × stage × currency, kept exact by the opportunities' services) instead of the
deals: the dashboards' pipeline-by-stage, won/lost and win-rate widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Sum

from crm.core.identity.permissions import scope_q
from crm.sales.models import ForecastMonth

OBJECT_TYPE = "sales.opportunity"
OPEN, CLOSED = ForecastMonth.OPEN, ForecastMonth.CLOSED
_GROUPS = frozenset({"owner_id", "pipeline_id", "stage_id", "currency", "month"})


def forecast_cells_fit(start: dt.date, end: dt.date) -> bool:
    """Whether [start, end) is made of whole months, which the summary's cells hold exactly."""
    return start.day == 1 and end.day == 1 and start < end


def forecast_cell_sums(
    *,
    user: Any,
    kind: str,
    start: dt.date,
    end: dt.date,
    group_by: Sequence[str],
    owners: list[int] | None = None,
    pipeline_id: int | None = None,
    stage_ids: list[int] | None = None,
) -> list[tuple[Any, ...]]:
    """[(*group values, number of deals, Σ amount)] of the live deals `user` may see (the opportunities' `view`
    scope): `kind` OPEN — open deals by their expected close date — or CLOSED — deals by their close day —
    within [start, end) (whole months: see `forecast_cells_fit`), of `owners` (None: every owner), the pipeline
    and the stages given. The same rows as grouping the opportunities themselves (the tests prove it)."""
    if kind not in (OPEN, CLOSED) or not set(group_by) <= _GROUPS:
        raise ValueError(f"unknown kind {kind!r} or grouping {group_by!r}")
    if not forecast_cells_fit(start, end):
        raise ValueError("the forecast summary holds whole months only")
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    if scope is None or owners == [] or stage_ids == []:
        return []
    cells = ForecastMonth.objects.filter(kind=kind, month__gte=start, month__lt=end)
    if scope:
        cells = cells.filter(scope)
    if owners is not None:
        cells = cells.filter(owner_id__in=owners)
    if pipeline_id is not None:
        cells = cells.filter(pipeline_id=pipeline_id)
    if stage_ids is not None:
        cells = cells.filter(stage_id__in=stage_ids)
    return [
        (*row[:-2], int(row[-2] or 0), row[-1])
        for row in cells.order_by().values_list(*group_by).annotate(n=Sum("deals"), total=Sum("amount"))
    ]
