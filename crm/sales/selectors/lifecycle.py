"""The lifecycle view: for the deals started in a period (the lead's creation, else the opportunity's opening),
how many reached each milestone, the conversion between consecutive milestones and the days between them, in
total and grouped by owner, team, pipeline or month.

`deal_lifecycle` reads the summary `DealLifecycleMonth` (one row per month, owner, team and pipeline, kept by
the lifecycle refresh): periods are whole UTC months, so the period's cells hold exactly its deals — one query
for a few hundred cells, whatever the number of deals. Averages are exact (sums of seconds); medians come from
the cells' histograms of the gaps in tenths of a day, the precision the view shows. `deal_lifecycle_exact`
computes the same figures from every deal's row (the reference the summary is tested against)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Min, Q
from django.utils.translation import gettext_lazy as _

from crm.core.identity.models import Team, User
from crm.core.identity.permissions import scope_q
from crm.sales.models import DealLifecycle, DealLifecycleMonth, Pipeline
from crm.sales.models.lifecycle import GAP_BUCKETS_PER_DAY, MILESTONES
from crm.sales.selectors.periods import (
    DaysBetween,
    MonthKey,
    Period,
    choice_parse,
    id_parse,
    period_default,
    period_parse,
)

OBJECT_TYPE = "sales.opportunity"
GROUPS = ("owner", "team", "pipeline", "month")
STAGES = tuple(name.removesuffix("_at") for name in MILESTONES)
STAGE_LABELS = {
    "lead_created": _("Lead created"),
    "lead_qualified": _("Lead qualified"),
    "opportunity_opened": _("Opportunity opened"),
    "quote_sent": _("Quote sent"),
    "quote_accepted": _("Quote accepted"),
    "ordered": _("Ordered"),
    "shipped": _("Shipped"),
    "delivered": _("Delivered"),
    "first_service": _("First service"),
}


@dataclass(frozen=True)
class LifecycleFilters:
    period: Period
    group_by: str
    owner_id: int | None = None
    team_id: int | None = None
    pipeline_id: int | None = None


@dataclass
class StageFigures:
    key: str
    count: int = 0
    # towards the next milestone: the deals that reached both, and the days between them
    converted: int = 0
    conversion: float | None = None  # converted / count, 0–1
    median_days: float | None = None
    average_days: float | None = None
    share: float = 0.0  # count / the largest count in the group, 0–100 (the bar)

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self.key])


@dataclass
class LifecycleGroup:
    key: str
    label: str
    deals: int = 0
    won: int = 0
    lost: int = 0
    stages: list[StageFigures] = field(default_factory=list)

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


@dataclass
class Lifecycle:
    filters: LifecycleFilters
    total: LifecycleGroup
    groups: list[LifecycleGroup]


def lifecycle_filters_parse(*, user: Any, params: Mapping[str, Any]) -> LifecycleFilters:
    """The query string (`period`, `group_by`, `owner` — an id or `me` —, `team`, `pipeline`) → filters; a bad
    value raises InvalidInput naming the parameter."""
    raw = params.get("period")
    period = period_parse(value=raw) if raw else period_default()
    return LifecycleFilters(
        period=period,
        group_by=choice_parse(
            value=params.get("group_by"), choices=GROUPS, default="owner", field="group_by"
        ),
        owner_id=id_parse(value=params.get("owner"), field="owner", me=getattr(user, "pk", None)),
        team_id=id_parse(value=params.get("team"), field="team"),
        pipeline_id=id_parse(value=params.get("pipeline"), field="pipeline"),
    )


def lifecycle_rows(*, user: Any) -> Any:
    """The lifecycle rows `user` may see (the opportunities' `view` scope, by the deal's owner)."""
    q = scope_q(user, OBJECT_TYPE, "view", "owner")
    if q is None:
        return DealLifecycle.objects.none()
    return DealLifecycle.objects.filter(q) if q else DealLifecycle.objects.all()


def _days(value: float) -> float:
    """Days shown to a tenth, halves rounded up: the float noise of the database's day arithmetic (below a
    microsecond) is dropped first, so 1.85 days shows 1.9 whichever way the sum was computed."""
    return float(Decimal(repr(round(value, 6))).quantize(_TENTH, rounding=ROUND_HALF_UP))


_TENTH = Decimal("0.1")


@dataclass
class _Tally:
    """What one group's figures are made of: deals, won, lost, per milestone the count and the gaps (days) to
    the next one. Tallies add up (the total is the sum of the groups)."""

    deals: int = 0
    won: int = 0
    lost: int = 0
    counts: list[int] = field(default_factory=lambda: [0] * len(STAGES))
    gaps: list[list[float]] = field(default_factory=lambda: [[] for _ in STAGES])

    def add_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """rows: (group, days to each milestone…, days to won, days to lost) — column by column, so the work is
        a few list comprehensions rather than a Python loop per cell."""
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        n = len(STAGES)
        self.deals += len(rows)
        for i in range(n):
            col = columns[1 + i]
            self.counts[i] += len(col) - col.count(None)
            if i + 1 < n:
                nxt = columns[2 + i]
                self.gaps[i].extend(
                    [b - a for a, b in zip(col, nxt, strict=True) if a is not None and b is not None]
                )
        self.won += len(rows) - columns[n + 1].count(None)
        self.lost += len(rows) - columns[n + 2].count(None)

    def add(self, other: _Tally) -> None:
        self.deals += other.deals
        self.won += other.won
        self.lost += other.lost
        for i in range(len(STAGES)):
            self.counts[i] += other.counts[i]
            self.gaps[i].extend(other.gaps[i])

    def group(self, key: str, label: str) -> LifecycleGroup:
        group = LifecycleGroup(key=key, label=label, deals=self.deals, won=self.won, lost=self.lost)
        top = max(self.counts)
        for i, stage in enumerate(STAGES):
            count, gaps = self.counts[i], self.gaps[i]
            figures = StageFigures(key=stage, count=count, share=100.0 * count / top if top else 0.0)
            if i + 1 < len(STAGES):
                figures.converted = len(gaps)
                figures.conversion = len(gaps) / count if count else None
                if gaps:
                    figures.median_days = _days(statistics.median(gaps))
                    figures.average_days = _days(statistics.fmean(gaps))
            group.stages.append(figures)
        return group


@dataclass
class _SummaryTally:
    """The same figures as `_Tally`, added up from summary cells: per milestone the count, and towards the next
    one the sum of the gaps in seconds and their histogram (tenths of a day → deals)."""

    deals: int = 0
    won: int = 0
    lost: int = 0
    counts: list[int] = field(default_factory=lambda: [0] * len(STAGES))
    seconds: list[float] = field(default_factory=lambda: [0.0] * (len(STAGES) - 1))
    gaps: list[dict[int, int]] = field(default_factory=lambda: [{} for _ in STAGES[1:]])

    def add_cell(self, deals: int, won: int, lost: int, figures: Mapping[str, Any]) -> None:
        self.deals += deals
        self.won += won
        self.lost += lost
        for i, count in enumerate(figures["counts"]):
            self.counts[i] += count
        for i, total in enumerate(figures["seconds"]):
            self.seconds[i] += total
        for i, histogram in enumerate(figures["gaps"]):
            mine = self.gaps[i]
            for bucket, n in histogram.items():
                key = int(bucket)
                mine[key] = mine.get(key, 0) + n

    def add(self, other: _SummaryTally) -> None:
        self.add_cell(
            other.deals,
            other.won,
            other.lost,
            {"counts": other.counts, "seconds": other.seconds, "gaps": other.gaps},
        )

    def group(self, key: str, label: str) -> LifecycleGroup:
        group = LifecycleGroup(key=key, label=label, deals=self.deals, won=self.won, lost=self.lost)
        top = max(self.counts)
        for i, stage in enumerate(STAGES):
            count = self.counts[i]
            figures = StageFigures(key=stage, count=count, share=100.0 * count / top if top else 0.0)
            if i + 1 < len(STAGES):
                converted = sum(self.gaps[i].values())
                figures.converted = converted
                figures.conversion = converted / count if count else None
                if converted:
                    figures.median_days = _days(
                        _histogram_median(self.gaps[i], converted) / GAP_BUCKETS_PER_DAY
                    )
                    figures.average_days = _days(self.seconds[i] / converted / 86_400)
            group.stages.append(figures)
        return group


def _histogram_median(histogram: Mapping[int, int], n: int) -> float:
    """The median of `n` values given as {value: how many} (the mean of the two middle ones when n is even)."""
    low_rank, high_rank = (n - 1) // 2, n // 2
    low: int | None = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            return (low + value) / 2 if low is not None else float(value)
    raise ValueError("the histogram holds fewer values than n")


def _summary_cells(*, user: Any, filters: LifecycleFilters) -> Any:
    q = scope_q(user, OBJECT_TYPE, "view", "owner")
    if q is None:
        return DealLifecycleMonth.objects.none()
    cells = DealLifecycleMonth.objects.filter(
        q or Q(), month__gte=filters.period.start, month__lt=filters.period.end
    )
    if filters.owner_id is not None:
        cells = cells.filter(owner_id=filters.owner_id)
    if filters.team_id is not None:
        cells = cells.filter(team_id=filters.team_id)
    if filters.pipeline_id is not None:
        cells = cells.filter(pipeline_id=filters.pipeline_id)
    return cells


def deal_lifecycle(*, user: Any, filters: LifecycleFilters) -> Lifecycle:
    """The lifecycle figures of the deals `user` may see that started in the period, from the summary cells
    (two queries: the cells, the group names)."""
    column = "month" if filters.group_by == "month" else f"{filters.group_by}_id"
    cells = (
        _summary_cells(user=user, filters=filters)
        .order_by()
        .values_list(column, "deals", "won", "lost", "figures")
    )
    by_key: dict[Any, _SummaryTally] = {}
    for key, deals, won, lost, figures in cells:
        if filters.group_by == "month":
            key = f"{key:%Y-%m}"
        tally = by_key.get(key)
        if tally is None:
            tally = by_key[key] = _SummaryTally()
        tally.add_cell(deals, won, lost, figures)
    labels = _group_names(filters.group_by, list(by_key))
    total = _SummaryTally()
    groups = []
    for key, tally in by_key.items():
        total.add(tally)
        groups.append(tally.group(str(key), labels.get(key, str(key) if key is not None else "")))
    _sort_groups(groups, filters.group_by)
    return Lifecycle(filters=filters, total=total.group("total", str(_("All deals"))), groups=groups)


def _sort_groups(groups: list[LifecycleGroup], group_by: str) -> None:
    if group_by == "month":
        groups.sort(key=lambda g: g.key)
    else:
        groups.sort(key=lambda g: (-g.deals, g.label))


def deal_lifecycle_exact(*, user: Any, filters: LifecycleFilters) -> Lifecycle:
    """The same figures as `deal_lifecycle`, computed from every deal's row of the period (the database
    computing the days; medians of the exact gaps). Two queries, but it reads every deal: the reference the
    summary is checked against, not the page's path."""
    qs = lifecycle_rows(user=user).filter(
        started_at__gte=filters.period.start_at(), started_at__lt=filters.period.end_at()
    )
    if filters.owner_id is not None:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.pipeline_id is not None:
        qs = qs.filter(pipeline_id=filters.pipeline_id)
    group_expr: Any = MonthKey("started_at") if filters.group_by == "month" else F(f"{filters.group_by}_id")
    names = [*MILESTONES, "won_at", "lost_at"]
    days = {f"d{i}": DaysBetween(F(name), F("started_at")) for i, name in enumerate(names)}
    rows = list(qs.order_by().annotate(g=group_expr, **days).values_list("g", *days))
    by_key: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    labels = _group_names(filters.group_by, list(by_key))
    total = _Tally()
    groups = []
    for key, group_rows in by_key.items():
        tally = _Tally()
        tally.add_rows(group_rows)
        total.add(tally)
        groups.append(tally.group(str(key), labels.get(key, str(key) if key is not None else "")))
    _sort_groups(groups, filters.group_by)
    return Lifecycle(filters=filters, total=total.group("total", str(_("All deals"))), groups=groups)


def _group_names(group_by: str, keys: list[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    if group_by == "owner":
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    if group_by == "team":
        names: dict[Any, str] = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
        names[None] = str(_("No team"))
        return names
    if group_by == "pipeline":
        return {p.pk: p.label for p in Pipeline.objects.filter(pk__in=ids)}
    return {k: k for k in ids}


# --- one customer ---------------------------------------------------------------------------------------------
def account_lifecycle(*, user: Any, account_id: int) -> dict[str, Any]:
    """The account's view of the milestones: the first time any of its deals (that `user` may see) reached
    each one (one query). Keys are the milestone names (`lead_created_at`, …, `won_at`)."""
    stamps = (*MILESTONES, "won_at", "lost_at")
    found = lifecycle_rows(user=user).filter(account_id=account_id).aggregate(**{s: Min(s) for s in stamps})
    return found
