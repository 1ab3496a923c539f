"""The opportunity cube (`OpportunityCube`): the live deals added up per close month, closed month, owner,
pipeline, stage, status and currency — what the pivot builder reads instead of the deals when a definition fits.

It rides on the forecast summary's hook (`services/forecast.py`): `forecast_cells` also gives the deal's cube
cell, and `forecast_summary_refresh` recomputes the cube cells after the forecast's, so every opportunity
service keeps both with the same two calls. The cells are created when missing, locked in a fixed order (the
forecast's first, then the cube's), recomputed from their deals and deleted when left without any (idempotent).
`opportunity_cube_rebuild` recomputes the whole cube set-based (`crm forecast rebuild`, bulk loads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from crm.sales.models import Opportunity, OpportunityCube
from crm.sales.selectors.periods import MonthStart

CUBE = "cube"
# "cube", close month, closed month (None: not closed), owner, pipeline, stage, status, currency
CubeCell = tuple[str, dt.date, dt.date | None, int, int, int, str, str]
_CELLS_PER_QUERY = 100  # OR-ed cell filters per read (SQLite's expression depth)
_KEY_FIELDS = ("owner_id", "pipeline_id", "stage_id", "status", "currency")
_FIGURES = (
    "deals",
    "amount_sum",
    "amount_count",
    "amount_min",
    "amount_max",
    "probability_sum",
    "probability_min",
    "probability_max",
)
_BATCH = 2_000


def _first_of_month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cube_cell_key(cell: CubeCell) -> str:
    _kind, close, closed, owner_id, pipeline_id, stage_id, status, currency = cell
    closed_key = f"{closed:%Y-%m}" if closed else "-"
    return f"{close:%Y-%m}:{closed_key}:{owner_id}:{pipeline_id}:{stage_id}:{status}:{currency}"


def cube_cell_of(
    *,
    deleted_at: Any,
    close_date: dt.date | None,
    closed_on: dt.date | None,
    key: tuple[int, int, int, str, str],
) -> CubeCell | None:
    """The cell a deal counts in (None: deleted, or no close date)."""
    if deleted_at is not None or close_date is None:
        return None
    closed = _first_of_month(closed_on) if closed_on is not None else None
    return (CUBE, _first_of_month(close_date), closed, *key)


def cube_cells(opportunities: Iterable[Opportunity]) -> set[CubeCell]:
    """The cells these opportunities count in, from their fields as read from the database."""
    cells: set[CubeCell] = set()
    for o in opportunities:
        cell = cube_cell_of(
            deleted_at=o.deleted_at,
            close_date=o.close_date,
            closed_on=o.closed_on,
            key=(o.owner_id, o.pipeline_id, o.stage_id, o.status, o.currency),
        )
        if cell is not None:
            cells.add(cell)
    return cells


def _cell_q(cell: CubeCell) -> Q:
    _kind, close, closed, owner_id, pipeline_id, stage_id, status, currency = cell
    q = Q(
        close_date__gte=close,
        close_date__lt=_next_month(close),
        owner_id=owner_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        status=status,
        currency=currency,
    )
    if closed is None:
        return q & Q(closed_on__isnull=True)
    return q & Q(closed_on__gte=closed, closed_on__lt=_next_month(closed))


def _sums(deals: QuerySet[Opportunity]) -> dict[CubeCell, dict[str, Any]]:
    """{cell: figures} of `deals`, grouped by cell."""
    rows = (
        deals.order_by()
        .values_list(*_KEY_FIELDS, MonthStart("close_date"), MonthStart("closed_on"))
        .annotate(
            deals=Count("id"),
            amount_sum=Sum("amount"),
            amount_count=Count("amount"),
            amount_min=Min("amount"),
            amount_max=Max("amount"),
            probability_sum=Sum("probability"),
            probability_min=Min("probability"),
            probability_max=Max("probability"),
        )
    )
    out: dict[CubeCell, dict[str, Any]] = {}
    for owner_id, pipeline_id, stage_id, status, currency, close, closed, *figures in rows:
        values = dict(zip(_FIGURES, figures, strict=True))
        values["amount_sum"] = values["amount_sum"] or 0
        values["probability_sum"] = values["probability_sum"] or 0
        out[(CUBE, close, closed, owner_id, pipeline_id, stage_id, status, currency)] = values
    return out


def _row(cell: CubeCell, figures: dict[str, Any] | None = None) -> OpportunityCube:
    _kind, close, closed, owner_id, pipeline_id, stage_id, status, currency = cell
    return OpportunityCube(
        cell=cube_cell_key(cell),
        close_month=close,
        closed_month=closed,
        owner_id=owner_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        status=status,
        currency=currency,
        **(figures or {}),
    )


def opportunity_cube_refresh(cells: set[CubeCell]) -> None:
    """Recompute these cells from their deals (inside the caller's transaction). The cells' rows are created
    when missing and locked in a fixed order before their deals are read."""
    if not cells:
        return
    ordered = sorted(cells, key=cube_cell_key)
    keys = [cube_cell_key(c) for c in ordered]
    OpportunityCube.objects.bulk_create([_row(c) for c in ordered], ignore_conflicts=True)
    locked = dict(
        OpportunityCube.objects.select_for_update()
        .filter(cell__in=keys)
        .order_by("cell")
        .values_list("cell", "pk")
    )
    figures: dict[CubeCell, dict[str, Any]] = {}
    for start in range(0, len(ordered), _CELLS_PER_QUERY):
        q = Q()
        for c in ordered[start : start + _CELLS_PER_QUERY]:
            q |= _cell_q(c)
        figures.update(_sums(Opportunity.objects.filter(q)))
    kept = [_row(c, figures[c]) for c in ordered if c in figures]
    for row in kept:
        row.pk = locked[row.cell]
    OpportunityCube.objects.bulk_update(kept, list(_FIGURES), batch_size=500)
    gone = [cube_cell_key(c) for c in ordered if c not in figures]
    if gone:
        OpportunityCube.objects.filter(cell__in=gone).delete()


def opportunity_cube_rebuild() -> int:
    """Recompute the whole cube from the live opportunities (one GROUP BY), then replace it in one
    transaction. Answers the number of cells."""
    figures = _sums(Opportunity.objects.all())
    with transaction.atomic():
        OpportunityCube.objects.all().delete()
        batch: list[OpportunityCube] = []
        for cell, values in figures.items():
            batch.append(_row(cell, values))
            if len(batch) >= _BATCH:
                OpportunityCube.objects.bulk_create(batch)
                batch = []
        OpportunityCube.objects.bulk_create(batch)
    return len(figures)
