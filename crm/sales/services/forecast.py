"""The forecast's summary (`ForecastMonth`): the opportunities' amounts per month, owner, pipeline, stage and
currency — the open deals by the month of their expected close date, the closed ones by the month they closed.

Every service that writes an opportunity (create, update, stage moves, won/lost, lines, delete; the restore from
the recycle bin through its domain event) calls `forecast_summary_refresh` with the cells the deal was in before
the write (`forecast_cells`, from the locked row) and its id: the cells it left or joined are recomputed from
their deals, under a row lock taken in a fixed order, so two writes of one cell run one after the other and the
second reads what the first wrote (idempotent; a cell left without deals is deleted). `forecast_summary_rebuild`
(`crm forecast rebuild`) recomputes the whole summary set-based (existing data, bulk loads).

The same hook keeps the opportunity cube (`services/opportunity_cube.py`): `forecast_cells` gives the deal's cube
cell too, and `forecast_summary_refresh` recomputes the cube cells touched after the forecast's (locks in that
order, everywhere)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from crm.sales.enums import OpportunityStatus
from crm.sales.models import ForecastMonth, Opportunity
from crm.sales.selectors.periods import MonthStart
from crm.sales.services.opportunity_cube import (
    CUBE,
    CubeCell,
    cube_cell_of,
    cube_cells,
    opportunity_cube_refresh,
)

# kind, month (first day), owner, pipeline, stage, currency
ForecastCell = tuple[str, dt.date, int, int, int, str]
Cell = ForecastCell | CubeCell  # a forecast cell, or the opportunity cube's (kind "cube")
_CELLS_PER_QUERY = 100  # OR-ed cell filters per read (SQLite's expression depth)
_KEY_FIELDS = ("owner_id", "pipeline_id", "stage_id", "currency")
# the date each kind counts a deal by
_DAY = {ForecastMonth.OPEN: "close_date", ForecastMonth.CLOSED: "closed_on"}


def _first_of_month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _cell_key(cell: ForecastCell) -> str:
    kind, month, owner_id, pipeline_id, stage_id, currency = cell
    return f"{kind}:{month:%Y-%m}:{owner_id}:{pipeline_id}:{stage_id}:{currency}"


def _cells_of_values(
    *,
    deleted_at: Any,
    status: str,
    close_date: dt.date | None,
    closed_on: dt.date | None,
    key: tuple[int, int, int, str],
) -> set[ForecastCell]:
    cells: set[ForecastCell] = set()
    if deleted_at is not None:
        return cells
    if status == OpportunityStatus.OPEN and close_date is not None:
        cells.add((ForecastMonth.OPEN, _first_of_month(close_date), *key))
    if closed_on is not None:
        cells.add((ForecastMonth.CLOSED, _first_of_month(closed_on), *key))
    return cells


def forecast_cells(opportunities: Iterable[Opportunity]) -> set[Cell]:
    """The cells these opportunities count in, from their fields as read from the database (a locked row before
    a write): a deleted deal counts in none. The opportunity cube's cells are among them."""
    deals = list(opportunities)
    cells: set[Cell] = set(cube_cells(deals))
    for o in deals:
        cells |= _cells_of_values(
            deleted_at=o.deleted_at,
            status=o.status,
            close_date=o.close_date,
            closed_on=o.closed_on,
            key=(o.owner_id, o.pipeline_id, o.stage_id, o.currency),
        )
    return cells


@transaction.atomic
def forecast_summary_refresh(*, opportunity_ids: Iterable[int], before: Iterable[Cell] = ()) -> int:
    """Recompute the cells these opportunities count in now and the cells `before` (where they counted before
    the write), from their deals. Answers the number of cells recomputed."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    cells: set[ForecastCell] = set()
    cube: set[CubeCell] = set()
    for cell in before:
        if cell[0] == CUBE:
            cube.add(cast(CubeCell, cell))
        else:
            cells.add(cast(ForecastCell, cell))
    rows = Opportunity.all_objects.filter(pk__in=ids).values_list(
        "deleted_at", "status", "close_date", "closed_on", *_KEY_FIELDS
    )
    for deleted_at, status, close_date, closed_on, *key in rows:
        cells |= _cells_of_values(
            deleted_at=deleted_at,
            status=status,
            close_date=close_date,
            closed_on=closed_on,
            key=(key[0], key[1], key[2], key[3]),
        )
        deal_cube = cube_cell_of(
            deleted_at=deleted_at,
            close_date=close_date,
            closed_on=closed_on,
            key=(key[0], key[1], key[2], status, key[3]),
        )
        if deal_cube is not None:
            cube.add(deal_cube)
    _refresh(cells)
    opportunity_cube_refresh(cube)
    return len(cells) + len(cube)


def _cell_q(cell: ForecastCell) -> Q:
    kind, month, owner_id, pipeline_id, stage_id, currency = cell
    day = _DAY[kind]
    return Q(
        **{f"{day}__gte": month, f"{day}__lt": _next_month(month)},
        owner_id=owner_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        currency=currency,
    )


def _deals(kind: str) -> QuerySet[Opportunity]:
    """The live deals a kind of cell adds up."""
    if kind == ForecastMonth.OPEN:
        return Opportunity.objects.filter(status=OpportunityStatus.OPEN)
    return Opportunity.objects.filter(closed_on__isnull=False)


def _sums(kind: str, deals: QuerySet[Opportunity]) -> dict[ForecastCell, tuple[Decimal, Decimal, int]]:
    """{cell: (Σ amount, Σ amount × probability, deals)} of `deals`, grouped by the cells of `kind`."""
    rows = (
        deals.order_by()
        .values_list(*_KEY_FIELDS, MonthStart(_DAY[kind]))
        .annotate(total=Sum("amount"), weighted=Sum(F("amount") * F("probability")), n=Count("id"))
    )
    out: dict[ForecastCell, tuple[Decimal, Decimal, int]] = {}
    for owner_id, pipeline_id, stage_id, currency, month, total, weighted, n in rows:
        out[(kind, month, owner_id, pipeline_id, stage_id, currency)] = (
            Decimal(total or 0),
            Decimal(weighted or 0),
            n,
        )
    return out


def _row(
    cell: ForecastCell, figures: tuple[Decimal, Decimal, int] = (Decimal(0), Decimal(0), 0)
) -> ForecastMonth:
    kind, month, owner_id, pipeline_id, stage_id, currency = cell
    amount, weighted, deals = figures
    return ForecastMonth(
        cell=_cell_key(cell),
        kind=kind,
        month=month,
        owner_id=owner_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        currency=currency,
        amount=amount,
        weighted=weighted,
        deals=deals,
    )


def _refresh(cells: set[ForecastCell]) -> None:
    """Recompute these cells from their deals (inside the caller's transaction). The cells' rows are created when
    missing and locked in a fixed order before their deals are read."""
    if not cells:
        return
    ordered = sorted(cells, key=_cell_key)
    keys = [_cell_key(c) for c in ordered]
    ForecastMonth.objects.bulk_create([_row(c) for c in ordered], ignore_conflicts=True)
    locked = dict(
        ForecastMonth.objects.select_for_update()
        .filter(cell__in=keys)
        .order_by("cell")
        .values_list("cell", "pk")
    )
    figures: dict[ForecastCell, tuple[Decimal, Decimal, int]] = {}
    for kind in (ForecastMonth.OPEN, ForecastMonth.CLOSED):
        mine = [c for c in ordered if c[0] == kind]
        for start in range(0, len(mine), _CELLS_PER_QUERY):
            q = Q()
            for c in mine[start : start + _CELLS_PER_QUERY]:
                q |= _cell_q(c)
            figures.update(_sums(kind, _deals(kind).filter(q)))
    kept = [_row(c, figures[c]) for c in ordered if c in figures]
    for row in kept:
        row.pk = locked[row.cell]
    ForecastMonth.objects.bulk_update(kept, ["amount", "weighted", "deals"], batch_size=500)
    gone = [_cell_key(c) for c in ordered if c not in figures]
    if gone:
        ForecastMonth.objects.filter(cell__in=gone).delete()


def forecast_summary_rebuild() -> int:
    """Recompute the whole summary from the opportunities (two aggregates; the cells are few and kept in memory),
    then replace it in one transaction. Answers the number of cells."""
    figures: dict[ForecastCell, tuple[Decimal, Decimal, int]] = {}
    for kind in (ForecastMonth.OPEN, ForecastMonth.CLOSED):
        figures.update(_sums(kind, _deals(kind)))
    with transaction.atomic():
        ForecastMonth.objects.all().delete()
        ForecastMonth.objects.bulk_create(
            [_row(c, f) for c, f in sorted(figures.items(), key=lambda item: _cell_key(item[0]))],
            batch_size=1_000,
        )
    return len(figures)
