"""The deals' lifecycle table (`DealLifecycle`): one row per opportunity with the time it reached each milestone.

The handlers of the sales events (`crm.sales.handlers`) call `lifecycle_refresh` for the deal an event is about;
it reads the documents' own timestamps (the quotes' `sent_at`/`accepted_at`, the orders' creation, the
deliveries' `shipped_at`/`delivered_at`, the moves into a won or lost stage), so a handler run twice, or late,
writes the same row: idempotent, and a milestone once set only moves to an earlier time (the earliest wins).
`lifecycle_rebuild` recomputes every row set-based, a chunk of opportunities at a time (existing data, the demo).
Each write also recomputes the `DealLifecycleMonth` cells (month started, owner, team, pipeline) its rows left or
joined, from their rows and under a row lock, so the summary the lifecycle view reads always equals the rows;
the rebuild recomputes every cell once at its end (`lifecycle_summary_rebuild`).
Leads live in a higher layer: the lead conversion hands its timestamps over with `deal_lifecycle_record_lead`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Min, Q

from crm.sales.models import (
    DealLifecycle,
    DealLifecycleMonth,
    Delivery,
    Opportunity,
    Order,
    Quote,
    StageChange,
)
from crm.sales.models.lifecycle import GAP_BUCKETS_PER_DAY, MILESTONES, OUTCOMES

REBUILD_CHUNK = 5_000
# the milestones the documents of the sales app answer (the lead's come from the conversion, service's later)
_DOCUMENT_MILESTONES = (
    "opportunity_opened_at",
    "quote_sent_at",
    "quote_accepted_at",
    "ordered_at",
    "shipped_at",
    "delivered_at",
    "won_at",
    "lost_at",
)
_BASE_FIELDS = ("account_id", "owner_id", "team_id", "pipeline_id")
_ALL_STAMPS = (*MILESTONES, *OUTCOMES)
TENTH_OF_DAY = 86_400 / GAP_BUCKETS_PER_DAY  # seconds: the histograms' bucket
SUMMARY_CHUNK = 20_000
_CELLS_PER_QUERY = 100  # OR-ed cell filters per read (SQLite's expression depth)

Cell = tuple[dt.date, int, int, int | None]  # month (first day, UTC), owner, pipeline, team


def _earliest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _computed(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each live opportunity's base fields and document milestones, read set-based (six queries per batch)."""
    rows: dict[int, dict[str, Any]] = {}
    opportunities = Opportunity.objects.filter(pk__in=ids).values_list(
        "pk", "account_id", "owner_id", "owner__team_id", "pipeline_id", "created_at"
    )
    for pk, account_id, owner_id, team_id, pipeline_id, created_at in opportunities:
        rows[pk] = dict.fromkeys(_DOCUMENT_MILESTONES)
        rows[pk].update(
            account_id=account_id,
            owner_id=owner_id,
            team_id=team_id,
            pipeline_id=pipeline_id,
            opportunity_opened_at=created_at,
        )
    if not rows:
        return rows
    keys = list(rows)
    quotes = (
        Quote.objects.filter(opportunity_id__in=keys)
        .values("opportunity_id")
        .annotate(sent=Min("sent_at"), accepted=Min("accepted_at"))
        .values_list("opportunity_id", "sent", "accepted")
    )
    for pk, sent, accepted in quotes:
        rows[pk]["quote_sent_at"] = sent
        rows[pk]["quote_accepted_at"] = accepted
    orders = (
        Order.objects.filter(opportunity_id__in=keys)
        .values("opportunity_id")
        .annotate(first=Min("created_at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in orders:
        rows[pk]["ordered_at"] = first
    deliveries = (
        Delivery.objects.filter(order__opportunity_id__in=keys, order__deleted_at__isnull=True)
        .values("order__opportunity_id")
        .annotate(shipped=Min("shipped_at"), delivered=Min("delivered_at"))
        .values_list("order__opportunity_id", "shipped", "delivered")
    )
    for pk, shipped, delivered in deliveries:
        rows[pk]["shipped_at"] = shipped
        rows[pk]["delivered_at"] = delivered
    closes = (
        StageChange.objects.filter(opportunity_id__in=keys, to_stage__is_won=True)
        .values("opportunity_id")
        .annotate(first=Min("at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in closes:
        rows[pk]["won_at"] = first
    losses = (
        StageChange.objects.filter(opportunity_id__in=keys, to_stage__is_lost=True)
        .values("opportunity_id")
        .annotate(first=Min("at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in losses:
        rows[pk]["lost_at"] = first
    return rows


def _write(
    rows: dict[int, dict[str, Any]], *, merge: Callable[[str, Any, Any], Any], summary: bool = True
) -> int:
    """Upsert `rows` (opportunity id → fields): each stamp is `merge(name, stored, computed)`; with `summary`,
    the summary cells the rows left or joined are recomputed (inside the caller's transaction)."""
    if not rows:
        return 0
    stored = {
        row["opportunity_id"]: row
        for row in DealLifecycle.objects.filter(opportunity_id__in=list(rows)).values(
            "opportunity_id", "started_at", "owner_id", "pipeline_id", "team_id", *_ALL_STAMPS
        )
    }
    touched: set[Cell] = {
        _cell_of(row["started_at"], row["owner_id"], row["pipeline_id"], row["team_id"])
        for row in stored.values()
    }
    objects = []
    for pk, fields in rows.items():
        before = stored.get(pk, {})
        stamps = {name: merge(name, before.get(name), fields.get(name)) for name in _ALL_STAMPS}
        started = _earliest(stamps["lead_created_at"], stamps["opportunity_opened_at"])
        if started is None:  # an opportunity always has its creation time; this keeps the types honest
            continue
        objects.append(
            DealLifecycle(
                opportunity_id=pk,
                started_at=started,
                **{name: fields[name] for name in _BASE_FIELDS},
                **stamps,
            )
        )
    DealLifecycle.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["opportunity"],
        update_fields=["account", "owner", "team", "pipeline", "started_at", *_ALL_STAMPS],
    )
    if summary:
        touched.update(_cell_of(o.started_at, o.owner_id, o.pipeline_id, o.team_id) for o in objects)
        _summary_refresh(touched)
    return len(objects)


def _keep_earliest(name: str, stored: Any, computed: Any) -> Any:
    return _earliest(stored, computed)


def _recompute(name: str, stored: Any, computed: Any) -> Any:
    # the documents are the truth for their milestones; what only the lead (or service) knew is kept
    return computed if name in _DOCUMENT_MILESTONES else stored


@transaction.atomic
def lifecycle_refresh(*, opportunity_ids: Iterable[int]) -> int:
    """Bring the lifecycle rows of these opportunities up to date from their documents (earliest wins).
    Deleted or unknown opportunities are skipped. Answers how many rows were written."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    return _write(_computed(ids), merge=_keep_earliest)


@transaction.atomic
def deal_lifecycle_record_lead(
    *,
    opportunity_id: int,
    lead_created_at: dt.datetime,
    lead_qualified_at: dt.datetime | None = None,
) -> None:
    """The lead a deal came from (called by the lead conversion, inside its transaction): its creation and
    qualification times join the deal's row (earlier values already stored are kept)."""
    rows = _computed([opportunity_id])
    if not rows:
        return
    rows[opportunity_id]["lead_created_at"] = lead_created_at
    rows[opportunity_id]["lead_qualified_at"] = lead_qualified_at
    _write(rows, merge=_keep_earliest)


def lifecycle_refresh_for_order(*, order_id: int) -> int:
    """Refresh the deal of an order (its shipped/delivered milestones); an order without a deal has none."""
    opportunity_id = Order.all_objects.filter(pk=order_id).values_list("opportunity_id", flat=True).first()
    return lifecycle_refresh(opportunity_ids=[opportunity_id]) if opportunity_id else 0


def lifecycle_rebuild(*, chunk: int = REBUILD_CHUNK, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every deal's row from the documents, `chunk` opportunities per transaction (keyset over the
    ids, constant memory): rows of deleted opportunities go, the lead's timestamps stay. Answers the number of
    rows written; `progress(done)` is called after each chunk."""
    done = 0
    last = 0
    while True:
        ids = list(
            Opportunity.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            break
        with transaction.atomic():
            done += _write(_computed(ids), merge=_recompute, summary=False)
        last = ids[-1]
        if progress is not None:
            progress(done)
    with transaction.atomic():
        DealLifecycle.objects.filter(opportunity__deleted_at__isnull=False).delete()
    lifecycle_summary_rebuild()
    return done


# --- the summary per month, owner, team and pipeline ------------------------------------------------------------
def _cell_of(started_at: dt.datetime, owner_id: int, pipeline_id: int, team_id: int | None) -> Cell:
    at = started_at.astimezone(dt.UTC)
    return (dt.date(at.year, at.month, 1), owner_id, pipeline_id, team_id)


def _cell_key(cell: Cell) -> str:
    month, owner_id, pipeline_id, team_id = cell
    return f"{month:%Y-%m}:{owner_id}:{pipeline_id}:{team_id if team_id is not None else ''}"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def gap_tenths(seconds: float) -> int:
    """A gap between two milestones → its histogram bucket: tenths of a day, rounded half up."""
    return math.floor(seconds / TENTH_OF_DAY + 0.5)


@dataclass
class _CellFigures:
    deals: int = 0
    won: int = 0
    lost: int = 0
    counts: list[int] = field(default_factory=lambda: [0] * len(MILESTONES))
    seconds: list[float] = field(default_factory=lambda: [0.0] * (len(MILESTONES) - 1))
    gaps: list[dict[int, int]] = field(default_factory=lambda: [{} for _ in MILESTONES[1:]])

    def add(self, stamps: tuple[dt.datetime | None, ...]) -> None:
        """stamps: the milestones in order, then won and lost."""
        n = len(MILESTONES)
        self.deals += 1
        for i in range(n):
            at = stamps[i]
            if at is None:
                continue
            self.counts[i] += 1
            nxt = stamps[i + 1] if i + 1 < n else None
            if nxt is not None:
                seconds = (nxt - at).total_seconds()
                self.seconds[i] += seconds
                bucket = gap_tenths(seconds)
                self.gaps[i][bucket] = self.gaps[i].get(bucket, 0) + 1
        self.won += stamps[n] is not None
        self.lost += stamps[n + 1] is not None

    def row(self, cell: Cell) -> DealLifecycleMonth:
        month, owner_id, pipeline_id, team_id = cell
        return DealLifecycleMonth(
            cell=_cell_key(cell),
            month=month,
            owner_id=owner_id,
            pipeline_id=pipeline_id,
            team_id=team_id,
            deals=self.deals,
            won=self.won,
            lost=self.lost,
            figures={
                "counts": self.counts,
                "seconds": self.seconds,
                "gaps": [{str(k): v for k, v in sorted(h.items())} for h in self.gaps],
            },
        )


_SUMMARY_COLUMNS = ("started_at", "owner_id", "pipeline_id", "team_id", *_ALL_STAMPS)


def _tally(rows: Iterable[tuple[Any, ...]], into: dict[Cell, _CellFigures]) -> None:
    for row in rows:
        cell = _cell_of(row[0], row[1], row[2], row[3])
        found = into.get(cell)
        if found is None:
            found = into[cell] = _CellFigures()
        found.add(row[4:])


def _cell_q(cell: Cell) -> Q:
    month, owner_id, pipeline_id, team_id = cell
    start = dt.datetime.combine(month, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(_next_month(month), dt.time.min, tzinfo=dt.UTC)
    team = Q(team_id=team_id) if team_id is not None else Q(team_id__isnull=True)
    return Q(started_at__gte=start, started_at__lt=end, owner_id=owner_id, pipeline_id=pipeline_id) & team


def _summary_refresh(cells: set[Cell]) -> None:
    """Recompute these summary cells from their lifecycle rows. The cells' rows are created when missing and
    locked (in a fixed order) before their deals are read, so two refreshes of one cell run one after the other
    and the second reads what the first wrote; a cell left without deals is deleted."""
    if not cells:
        return
    ordered = sorted(cells, key=_cell_key)
    keys = [_cell_key(c) for c in ordered]
    DealLifecycleMonth.objects.bulk_create([_CellFigures().row(c) for c in ordered], ignore_conflicts=True)
    locked = dict(
        DealLifecycleMonth.objects.select_for_update()
        .filter(cell__in=keys)
        .order_by("cell")
        .values_list("cell", "pk")
    )
    figures: dict[Cell, _CellFigures] = {}
    for start in range(0, len(ordered), _CELLS_PER_QUERY):
        q = Q()
        for c in ordered[start : start + _CELLS_PER_QUERY]:
            q |= _cell_q(c)
        _tally(DealLifecycle.objects.filter(q).order_by().values_list(*_SUMMARY_COLUMNS), figures)
    kept = [figures[c].row(c) for c in ordered if c in figures]
    for row in kept:
        row.pk = locked[row.cell]
    DealLifecycleMonth.objects.bulk_update(kept, ["deals", "won", "lost", "figures"], batch_size=500)
    gone = [_cell_key(c) for c in ordered if c not in figures]
    if gone:
        DealLifecycleMonth.objects.filter(cell__in=gone).delete()


@transaction.atomic
def lifecycle_summary_team_deleted(*, team_id: int) -> None:
    """A deleted team leaves its deals' rows and summary cells without a team (SET NULL): the cells still
    keyed by the team are folded into the owners' cells without one, recomputed from the rows."""
    stale = DealLifecycleMonth.objects.filter(team_id__isnull=True, cell__endswith=f":{team_id}")
    cells: set[Cell] = {
        (month, owner_id, pipeline_id, None)
        for month, owner_id, pipeline_id in stale.values_list("month", "owner_id", "pipeline_id")
    }
    stale.delete()
    _summary_refresh(cells)


def lifecycle_summary_rebuild(*, chunk: int = SUMMARY_CHUNK) -> int:
    """Recompute the whole summary from the lifecycle rows (read `chunk` rows at a time, keyset over the
    opportunity ids; the cells are few and kept in memory), then replace it in one transaction. Answers the
    number of cells."""
    figures: dict[Cell, _CellFigures] = {}
    last = 0
    while True:
        rows = list(
            DealLifecycle.objects.filter(opportunity_id__gt=last)
            .order_by("opportunity_id")
            .values_list("opportunity_id", *_SUMMARY_COLUMNS)[:chunk]
        )
        if not rows:
            break
        _tally((row[1:] for row in rows), figures)
        last = rows[-1][0]
    with transaction.atomic():
        DealLifecycleMonth.objects.all().delete()
        DealLifecycleMonth.objects.bulk_create(
            [f.row(c) for c, f in sorted(figures.items(), key=lambda item: _cell_key(item[0]))],
            batch_size=1_000,
        )
    return len(figures)
