"""Permission-scoped reads of pipelines and opportunities (the board, lists, record pages, the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import scope_q, user_can
from crm.core.listing import Page, capped_count, decode_cursor, encode_cursor, parse_limit
from crm.sales.enums import OpportunityStatus
from crm.sales.listing import OPPORTUNITY_LIST
from crm.sales.models import ForecastMonth, Opportunity, Pipeline, Stage, StageChange
from crm.sales.selectors.common import attach_owners

OBJECT_TYPE = "sales.opportunity"
BOARD_PAGE = 20
CLOSED_DAYS = 90
# what a board card and a list row show: nothing else is read
CARD_FIELDS = (
    "id",
    "name",
    "amount",
    "currency",
    "close_date",
    "probability",
    "status",
    "version",
    "stage_id",
    "pipeline_id",
    "owner_id",
    "account_id",
    "account__id",
    "account__name",
    "updated_at",
    "created_at",
)


_OWN_FIELDS = tuple(f.name for f in Opportunity._meta.concrete_fields)
_RELATED_NAMES = (
    "account__id",
    "account__name",
    "stage__id",
    "stage__name",
    "stage__name_es",
    "stage__is_won",
    "stage__is_lost",
    "pipeline__id",
    "pipeline__name",
    "pipeline__name_es",
)


# --- pipelines ------------------------------------------------------------------------------------------------
def pipeline_list(*, user: Any) -> list[Pipeline]:
    """Active pipelines with their stages in order (everyone who may see opportunities sees the pipelines)."""
    if not user_can(user, OBJECT_TYPE, "view"):
        return []
    stages = Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    return list(Pipeline.objects.filter(is_active=True).prefetch_related(stages).order_by("position", "id"))


def pipeline_get(*, user: Any, pk: int | str) -> Pipeline:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    stages = Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    pipeline = Pipeline.objects.filter(pk=key).prefetch_related(stages).first()
    if pipeline is None:
        raise RecordNotFound()
    return pipeline


def stage_get(*, pipeline: Pipeline, pk: int | str) -> Stage | None:
    """A stage of `pipeline` (from its prefetched stages), or None."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return next((s for s in pipeline.stages.all() if s.pk == key), None)


def stage_for_opportunity(*, opportunity: Opportunity, pk: int | str) -> Stage | None:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return Stage.objects.filter(pk=key, pipeline_id=opportunity.pipeline_id).first()


# --- opportunities ------------------------------------------------------------------------------------------
def opportunity_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Opportunity]:
    qs: QuerySet[Opportunity] = Opportunity.objects.visible_to(user, action)
    if params:
        qs = OPPORTUNITY_LIST.apply(qs, params, user=user)
    return qs


def opportunity_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the opportunities `user` may see, filtered by `params` (see sales.listing)."""
    qs = (
        opportunity_query(user=user, params=params)
        .select_related("account", "stage", "pipeline")
        .only(*_OWN_FIELDS, *_RELATED_NAMES)
    )
    page = OPPORTUNITY_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def opportunity_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(opportunity_query(user=user, params=params))


def opportunity_get(*, user: Any, pk: int | str, action: str = "view") -> Opportunity:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    opportunity = (
        Opportunity.objects.visible_to(user, action)
        .select_related("account", "owner", "stage", "pipeline")
        .prefetch_related("contacts")
        .filter(pk=key)
        .first()
    )
    if opportunity is None:
        raise RecordNotFound()
    return opportunity


def opportunity_exists_visible(*, user: Any, pk: int) -> bool:
    return Opportunity.objects.visible_to(user).filter(pk=pk).exists()


def account_opportunities(*, user: Any, account_id: int, limit: int = 10) -> list[Opportunity]:
    """The account's opportunities `user` may see: open ones first, by expected close date."""
    qs = (
        Opportunity.objects.visible_to(user)
        .filter(account_id=account_id)
        .select_related("stage")
        .order_by("closed_on", "close_date", "id")
    )
    rows = list(qs[:limit])
    attach_owners(rows)
    return rows


def open_opportunity_count_for_accounts(*, user: Any, account_ids: list[int]) -> int:
    """The account page's roll-up: open opportunities of these accounts that `user` may see (one query)."""
    return (
        Opportunity.objects.visible_to(user)
        .filter(account_id__in=account_ids, status=OpportunityStatus.OPEN)
        .count()
    )


# --- stage history --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StageStay:
    """A stay in one stage: when it began, how long it lasted (None: still there)."""

    stage: Stage
    entered_at: Any
    seconds: int | None
    actor: Any = None

    @property
    def is_current(self) -> bool:
        return self.seconds is None


def stage_history(*, opportunity: Opportunity) -> list[StageStay]:
    """Every stage the opportunity was in, oldest first, with the time spent there (the current one until now)."""
    changes = list(
        StageChange.objects.filter(opportunity=opportunity)
        .select_related("to_stage", "actor")
        .order_by("at", "id")
    )
    stays: list[StageStay] = []
    for i, change in enumerate(changes):
        if i + 1 < len(changes):
            seconds: int | None = changes[i + 1].seconds_in_previous
            if seconds is None:
                seconds = int((changes[i + 1].at - change.at).total_seconds())
        else:
            seconds = None
        stays.append(
            StageStay(stage=change.to_stage, entered_at=change.at, seconds=seconds, actor=change.actor)
        )
    return stays


def stage_changes_page(
    *, opportunity_id: int, before: tuple[Any, int] | None, limit: int
) -> list[StageChange]:
    qs = StageChange.objects.filter(opportunity_id=opportunity_id)
    if before is not None:
        at, last_id = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=last_id), at__lte=at)
    return list(qs.select_related("from_stage", "to_stage", "actor").order_by("-at", "-id")[:limit])


def seconds_since(moment: Any) -> int:
    return max(0, int((timezone.now() - moment).total_seconds()))


# --- the board --------------------------------------------------------------------------------------------------
@dataclass
class BoardColumn:
    stage: Stage
    cards: list[Opportunity]
    next_cursor: str | None
    count: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # (currency, sum), biggest first


def closed_since() -> Any:
    """Closed columns (won, lost) show what closed in the last `CLOSED_DAYS` days: the board is for the work
    in progress, and the closed columns would otherwise grow forever."""
    return timezone.localdate() - dt.timedelta(days=CLOSED_DAYS)


def _column_query(*, user: Any, stage: Stage, params: Mapping[str, Any]) -> QuerySet[Opportunity]:
    qs = opportunity_query(user=user, params=params).filter(stage_id=stage.pk)
    if stage.is_closed:
        qs = qs.filter(closed_on__gte=closed_since())
    return qs.select_related("account").only(*CARD_FIELDS, "closed_on")


def _column_page(
    qs: QuerySet[Opportunity], *, stage: Stage, cursor: str | None, limit: int
) -> tuple[list[Opportunity], str | None]:
    """One keyset page of a column: open stages by expected close date (soonest first, index
    `sales_opp_stage_close_idx`), closed stages most recently closed first (`sales_opp_stage_closed_idx`)."""
    if stage.is_closed:
        qs = qs.order_by("-closed_on", "-id")
        if cursor:
            value, last_id = decode_cursor(cursor)
            qs = qs.filter(Q(closed_on__lt=value) | Q(closed_on=value, id__lt=last_id), closed_on__lte=value)
    else:
        qs = qs.order_by("close_date", "id")
        if cursor:
            value, last_id = decode_cursor(cursor)
            qs = qs.filter(
                Q(close_date__gt=value) | Q(close_date=value, id__gt=last_id), close_date__gte=value
            )
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(last.closed_on if stage.is_closed else last.close_date, last.pk)
    return rows, next_cursor


def _board_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the board's own filters (owner, account, q…); its pipeline and stage come from the URL."""
    allowed = {"owner", "account", "currency", "close_date__gte", "close_date__lte", "q"}
    out: dict[str, Any] = {}
    for key in params:
        if key in {"cursor", "limit", "stage"}:
            continue
        if key not in allowed:
            raise InvalidInput(field_errors={key: [str(_unknown_filter(key))]})
        out[key] = params.get(key)
    return out


def _unknown_filter(key: str) -> str:
    from django.utils.translation import gettext as _

    return _("Unknown filter “%(name)s”.") % {"name": key}


def board(*, user: Any, pipeline: Pipeline, params: Mapping[str, Any] | None = None) -> list[BoardColumn]:
    """The kanban of `pipeline`: per stage, the first page of cards (by expected close date) and the count and
    amount totals per currency of everything in it that `user` may see.

    Query budget, whatever the number of cards: one per column, one for every column's totals (an aggregate the
    partial index `sales_opp_stage_totals_idx` answers alone) and one for the owners on the page."""
    clean = _board_params(params or {})
    stages = list(pipeline.stages.all())
    columns: list[BoardColumn] = []
    cards: list[Opportunity] = []
    for stage in stages:
        rows, next_cursor = _column_page(
            _column_query(user=user, stage=stage, params=clean), stage=stage, cursor=None, limit=BOARD_PAGE
        )
        cards += rows
        columns.append(BoardColumn(stage=stage, cards=rows, next_cursor=next_cursor))
    attach_owners(cards)
    totals = board_totals(user=user, pipeline=pipeline, params=clean)
    for column in columns:
        column.count, column.totals = totals[column.stage.pk]
    return columns


def board_column(
    *,
    user: Any,
    stage: Stage,
    params: Mapping[str, Any] | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> tuple[list[Opportunity], str | None]:
    """The next cards of one board column after `cursor` (the "load more" link)."""
    clean = _board_params(params or {})
    size = min(parse_limit(limit), 100) if limit else BOARD_PAGE
    rows, next_cursor = _column_page(
        _column_query(user=user, stage=stage, params=clean), stage=stage, cursor=cursor, limit=size
    )
    attach_owners(rows)
    return rows, next_cursor


def board_totals(
    *, user: Any, pipeline: Pipeline, params: Mapping[str, Any] | None = None
) -> dict[int, tuple[int, list[tuple[str, Decimal]]]]:
    """{stage id: (count, [(currency, sum)])} — what the board's column headers show (closed columns: what
    closed in the last `CLOSED_DAYS` days). Two aggregates that the covering partial index
    `sales_opp_stage_totals_idx` answers without reading the table."""
    clean = _board_params(params or {}) if params else {}
    stages = list(pipeline.stages.all())
    out: dict[int, tuple[int, list[tuple[str, Decimal]]]] = {s.pk: (0, []) for s in stages}
    open_ids = [s.pk for s in stages if not s.is_closed]
    closed_ids = [s.pk for s in stages if s.is_closed]
    # two index range scans (open stages; closed stages since the cut-off) rather than one OR, which SQLite
    # answers by scanning the whole index
    base = opportunity_query(user=user, params=clean).order_by()
    queries: list[QuerySet[Any]] = []
    if open_ids:
        summary = _open_totals_from_summary(user=user, stage_ids=open_ids, params=clean)
        queries.append(summary if summary is not None else base.filter(stage_id__in=open_ids))
    if closed_ids:
        queries.append(base.filter(stage_id__in=closed_ids, closed_on__gte=closed_since()))
    rows = [
        row
        for qs in queries
        for row in (
            qs.values("stage_id", "currency").annotate(n=Count("id"), total=Sum("amount"))
            if qs.model is Opportunity
            else qs
        )
    ]
    for row in rows:
        n, totals = out[row["stage_id"]]
        row["n"] = int(row["n"] or 0)
        totals.append((row["currency"], row["total"] or Decimal(0)))
        out[row["stage_id"]] = (n + row["n"], totals)
    for _count, totals in out.values():
        totals.sort(key=lambda t: (-t[1], t[0]))
    return out


# the board's filters the forecast summary can answer: its cells have the owner and the currency
_SUMMARY_FILTERS = frozenset({"owner", "currency"})


def _open_totals_from_summary(
    *, user: Any, stage_ids: list[int], params: Mapping[str, Any]
) -> QuerySet[Any] | None:
    """The open columns' count and amount per currency from the forecast summary (`ForecastMonth`: every live open
    deal counts in one of its open cells, so the cells of a stage add up to the column), scoped by owner like the
    opportunities; None when a filter needs the deals themselves (account, dates, search)."""
    if any(value not in (None, "") and key not in _SUMMARY_FILTERS for key, value in params.items()):
        return None
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    if scope is None:
        return ForecastMonth.objects.none()
    cells = ForecastMonth.objects.filter(scope) if scope else ForecastMonth.objects.all()
    cells = OPPORTUNITY_LIST.apply(cells, params, user=user)
    return (
        cells.filter(stage_id__in=stage_ids, kind=ForecastMonth.OPEN)
        .order_by()
        .values("stage_id", "currency")
        .annotate(n=Sum("deals"), total=Sum("amount"))
    )


def opportunity_statuses(*, ids: Sequence[int]) -> dict[int, str]:
    """Company-wide status (open, won, lost) of the opportunities `ids`, by id: the outcome of a converted lead
    for lead scoring. Not scoped by a user: analytics computes over the whole history."""
    wanted = [int(i) for i in ids]
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 5_000):
        chunk = wanted[start : start + 5_000]
        found.update(Opportunity.objects.filter(pk__in=chunk).values_list("pk", "status"))
    return found


def opportunity_open_weighted_by_month(*, since: dt.date) -> list[tuple[dt.date, str, Decimal, Decimal]]:
    """Company-wide open deals with an expected close date from `since` on, summed per (close month,
    currency) as `(month start, currency, amount, amount × probability / 100)`: the pipeline-weighted
    forecast of the sales-forecast analysis."""
    from django.db.models import DecimalField, ExpressionWrapper, F, Sum
    from django.db.models.functions import TruncMonth

    weighted = ExpressionWrapper(
        F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    rows = (
        Opportunity.objects.filter(status=OpportunityStatus.OPEN, close_date__gte=since, amount__isnull=False)
        .annotate(month=TruncMonth("close_date"))
        .values("month", "currency")
        .annotate(open_total=Sum("amount"), weighted_total=Sum(weighted))
        .order_by("month", "currency")
    )
    return [
        (r["month"], r["currency"], Decimal(r["open_total"] or 0), Decimal(r["weighted_total"] or 0))
        for r in rows
    ]
