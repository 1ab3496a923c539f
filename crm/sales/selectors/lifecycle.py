"""The lifecycle view: for the deals started in a period (the lead's creation, else the opportunity's opening),
how many reached each milestone, the conversion between consecutive milestones and the days between them, in
total and grouped by owner, team, pipeline or month. Reads only the `DealLifecycle` table (one query for the
rows, the database computing the days; one for the group names)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Min, Q
from django.utils.translation import gettext_lazy as _

from crm.core.identity.models import Team, User
from crm.core.identity.permissions import scope_q
from crm.sales.models import DealLifecycle, Pipeline
from crm.sales.models.lifecycle import MILESTONES
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


def _figures(key: str, label: str, rows: list[tuple[Any, ...]]) -> LifecycleGroup:
    group = LifecycleGroup(key=key, label=label, deals=len(rows))
    n = len(STAGES)
    counts = [0] * n
    gaps: list[list[float]] = [[] for _ in range(n)]
    for row in rows:
        days = row[1 : n + 1]
        for i in range(n):
            d = days[i]
            if d is None:
                continue
            counts[i] += 1
            if i + 1 < n:
                nxt = days[i + 1]
                if nxt is not None:
                    gaps[i].append(nxt - d)
        group.won += row[n + 1]
        group.lost += row[n + 2]
    top = max(counts) if counts else 0
    for i, stage in enumerate(STAGES):
        figures = StageFigures(key=stage, count=counts[i], share=100.0 * counts[i] / top if top else 0.0)
        if i + 1 < n:
            figures.converted = len(gaps[i])
            figures.conversion = len(gaps[i]) / counts[i] if counts[i] else None
            if gaps[i]:
                figures.median_days = round(statistics.median(gaps[i]), 1)
                figures.average_days = round(statistics.fmean(gaps[i]), 1)
        group.stages.append(figures)
    return group


def deal_lifecycle(*, user: Any, filters: LifecycleFilters) -> Lifecycle:
    """The lifecycle figures of the deals `user` may see that started in the period (two queries)."""
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
    days = {f"d{i}": DaysBetween(F(name), F("started_at")) for i, name in enumerate(MILESTONES)}
    rows = list(
        qs.order_by()
        .annotate(
            g=group_expr,
            **days,
            w=Q(won_at__isnull=False),
            lo=Q(lost_at__isnull=False),
        )
        .values_list("g", *days, "w", "lo")
    )
    rows = [(r[0], *r[1:-2], int(bool(r[-2])), int(bool(r[-1]))) for r in rows]
    by_key: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row)
    names = _group_names(filters.group_by, list(by_key))
    groups = [_figures(str(k), names.get(k, str(k) if k is not None else ""), v) for k, v in by_key.items()]
    if filters.group_by == "month":
        groups.sort(key=lambda g: g.key)
    else:
        groups.sort(key=lambda g: (-g.deals, g.label))
    return Lifecycle(filters=filters, total=_figures("total", str(_("All deals")), rows), groups=groups)


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
