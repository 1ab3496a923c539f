"""The forecast: for a period split into months or quarters, grouped by owner, team or pipeline — the open
amounts in each forecast category of their stage (pipeline, best case, commit), the weighted amount, what was
closed won, the quota and the attainment — in the company currency.

The database sums per (group, stage, currency, month) the cells of the summary `ForecastMonth` (open deals by
the month of their expected close date, closed deals by the month they closed; a covering index); each currency is converted once, with one rate per currency for the period
(the latest on or before its last day, or today for a period still running)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.catalog.selectors import company_currency_get, currency_list, exchange_rate_on, money_convert
from crm.core.identity.enums import Scope
from crm.core.identity.models import Team, User
from crm.core.identity.permissions import scope_q, shared_in_scope, user_hierarchy_ids, user_scope
from crm.sales.enums import ForecastCategory, OpportunityStatus
from crm.sales.models import ForecastMonth, Opportunity, Pipeline, Quota, Stage
from crm.sales.selectors.periods import (
    MonthStart,
    Period,
    choice_parse,
    id_parse,
    month_key,
    period_default,
    period_parse,
    quarter_key,
)

OBJECT_TYPE = "sales.opportunity"
GROUPS = ("owner", "team", "pipeline")
INTERVALS = ("month", "quarter")
OPEN_CATEGORIES = (ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT)


@dataclass(frozen=True)
class ForecastFilters:
    period: Period
    interval: str
    group_by: str
    owner_id: int | None = None
    team_id: int | None = None
    pipeline_id: int | None = None


@dataclass
class ForecastRow:
    key: str
    label: str
    pipeline: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    commit: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    closed_won: Decimal = Decimal(0)
    open_count: int = 0
    won_count: int = 0
    quota: Decimal | None = None

    @property
    def open_total(self) -> Decimal:
        return self.pipeline + self.best_case + self.commit

    @property
    def attainment(self) -> Decimal | None:
        """closed won / quota, as a fraction (None without a quota)."""
        if not self.quota:
            return None
        return self.closed_won / self.quota

    def add(self, other: ForecastRow) -> None:
        for name in ("pipeline", "best_case", "commit", "weighted", "closed_won"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.open_count += other.open_count
        self.won_count += other.won_count
        if other.quota is not None:
            self.quota = (self.quota or Decimal(0)) + other.quota


@dataclass
class ForecastBucket:
    key: str  # 2026-05 or 2026-Q2
    start: dt.date
    rows: list[ForecastRow] = field(default_factory=list)
    total: ForecastRow = field(default_factory=lambda: ForecastRow(key="total", label=""))


@dataclass
class Forecast:
    filters: ForecastFilters
    currency: str
    decimal_places: int
    buckets: list[ForecastBucket]
    total: ForecastRow
    rows: list[ForecastRow]  # the whole period per group
    rates_on: dt.date


def forecast_filters_parse(*, user: Any, params: Mapping[str, Any]) -> ForecastFilters:
    """The query string (`period`, `interval`, `group_by`, `owner` — an id or `me` —, `team`, `pipeline`) →
    filters; a bad value raises InvalidInput naming the parameter."""
    raw = params.get("period")
    return ForecastFilters(
        period=period_parse(value=raw) if raw else period_default(),
        interval=choice_parse(
            value=params.get("interval"), choices=INTERVALS, default="month", field="interval"
        ),
        group_by=choice_parse(
            value=params.get("group_by"), choices=GROUPS, default="owner", field="group_by"
        ),
        owner_id=id_parse(value=params.get("owner"), field="owner", me=getattr(user, "pk", None)),
        team_id=id_parse(value=params.get("team"), field="team"),
        pipeline_id=id_parse(value=params.get("pipeline"), field="pipeline"),
    )


def _bucket_key(interval: str, day: dt.date) -> str:
    return month_key(day) if interval == "month" else quarter_key(day)


def _factors(currencies: set[str], on_date: dt.date) -> tuple[str, int, dict[str, Decimal]]:
    """The company currency, its decimals, and per currency the divisor that turns an amount into it."""
    company = company_currency_get()
    known = {c.code: c for c in currency_list()}
    factors: dict[str, Decimal] = {}
    for code in currencies:
        if code == company.code:
            factors[code] = Decimal(1)
            continue
        if code not in known:
            money_convert(amount=Decimal(0), from_currency=code, to_currency=company.code, on_date=on_date)
        factors[code] = exchange_rate_on(currency=known[code], on_date=on_date)
    return company.code, company.decimal_places, factors


def forecast_get(*, user: Any, filters: ForecastFilters) -> Forecast:
    """The forecast of the deals `user` may see (the opportunities' `view` scope) and the quotas of the people
    in that scope, read from the summary `ForecastMonth` (whole months; kept exact by the opportunities'
    services). A fixed number of queries, whatever the number of deals: two aggregates of the summary, the
    quotas, the stages, the currencies and one rate per foreign currency, the group names."""
    return _forecast(user=user, filters=filters, source=ForecastMonth)


def forecast_get_exact(*, user: Any, filters: ForecastFilters) -> Forecast:
    """The same forecast added up from the opportunities themselves (what the summary must always answer)."""
    return _forecast(user=user, filters=filters, source=Opportunity)


# what a group is summed by in the database: the owner, the owner's team, the pipeline (the report still takes a
# deal's pipeline from its stage)
_GROUP_FIELD = {"owner": "owner_id", "team": "owner__team_id", "pipeline": "pipeline_id"}


def _deal_sums(
    *,
    source: type[ForecastMonth] | type[Opportunity],
    deals: Any,
    period: Period,
    group_by: str,
    won: list[int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(open rows, won rows) summed in the database by (group, stage, currency, month): open rows with the
    amount, the amount × probability and the number of deals; won rows with the amount and the number."""
    group = _GROUP_FIELD[group_by]
    if source is ForecastMonth:
        cells = deals.filter(month__gte=period.start, month__lt=period.end).order_by()
        open_rows = list(
            cells.filter(kind=ForecastMonth.OPEN)
            .values_list(group, "stage_id", "currency", "month")
            .annotate(total=Sum("amount"), weighted=Sum("weighted"), n=Sum("deals"))
        )
        won_rows = list(
            cells.filter(kind=ForecastMonth.CLOSED, stage_id__in=won)
            .values_list(group, "stage_id", "currency", "month")
            .annotate(total=Sum("amount"), n=Sum("deals"))
        )
        return open_rows, won_rows
    open_rows = list(
        deals.filter(status=OpportunityStatus.OPEN, close_date__gte=period.start, close_date__lt=period.end)
        .order_by()
        .values_list(group, "stage_id", "currency", MonthStart("close_date"))
        .annotate(total=Sum("amount"), weighted=Sum(F("amount") * F("probability")), n=Count("id"))
    )
    won_rows = list(
        deals.filter(stage_id__in=won, closed_on__gte=period.start, closed_on__lt=period.end)
        .order_by()
        .values_list(group, "stage_id", "currency", MonthStart("closed_on"))
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    return open_rows, won_rows


def _forecast(
    *, user: Any, filters: ForecastFilters, source: type[ForecastMonth] | type[Opportunity]
) -> Forecast:
    scope = scope_q(user, OBJECT_TYPE, "view", "owner")
    manager: Any = source.objects
    deals = manager.none() if scope is None else manager.filter(scope) if scope else manager.all()
    period = filters.period
    stages = {s.pk: s for s in Stage.objects.all()}
    owners: list[int] | None = None
    if filters.owner_id is not None:
        owners = [filters.owner_id]
    if filters.team_id is not None:
        team_members = list(User.objects.filter(team_id=filters.team_id).values_list("pk", flat=True))
        owners = [o for o in owners if o in team_members] if owners is not None else team_members
    if owners is not None:
        deals = deals.filter(owner_id__in=owners)
    if filters.pipeline_id is not None:
        deals = deals.filter(pipeline_id=filters.pipeline_id)
    won_stages = [pk for pk, s in stages.items() if s.is_won]
    open_rows, won_rows = _deal_sums(
        source=source, deals=deals, period=period, group_by=filters.group_by, won=won_stages
    )
    # quotas: the people in the user's scope (and the filters); they are per person, not per pipeline
    quota_rows: list[tuple[int, dt.date, Decimal]] = []
    if scope is not None and filters.pipeline_id is None and filters.group_by != "pipeline":
        quota_q = scope_q(user, OBJECT_TYPE, "view", "user")
        quotas = Quota.objects.filter(month__gte=period.start, month__lt=period.end)
        if quota_q:
            quotas = quotas.filter(quota_q)
        if owners is not None:
            quotas = quotas.filter(user_id__in=owners)
        quota_rows = list(quotas.values_list("user_id", "month", "amount"))

    today = timezone.localdate()
    rates_on = min(period.last_day, today)
    currencies = {r[2] for r in open_rows} | {r[2] for r in won_rows}
    company, places, factors = _factors(currencies, rates_on)

    teams: dict[int, int | None] = {}  # the quotas' people → their team (the deals come summed by team)
    if filters.group_by == "team" and quota_rows:
        teams = dict(User.objects.filter(pk__in={q[0] for q in quota_rows}).values_list("pk", "team_id"))

    def group_of(key: Any, stage_id: int | None) -> Any:
        """The group of a row summed by `_GROUP_FIELD` (the owner, the team, the pipeline)."""
        if filters.group_by == "pipeline":
            return stages[stage_id].pipeline_id if stage_id in stages else None
        return key

    cells: dict[tuple[str, Any], ForecastRow] = {}

    def cell(bucket: str, group: Any) -> ForecastRow:
        found = cells.get((bucket, group))
        if found is None:
            found = cells[(bucket, group)] = ForecastRow(key=str(group), label="")
        return found

    for key, stage_id, currency, month, amount, weighted, n in open_rows:
        stage = stages.get(stage_id)
        category = stage.forecast_category if stage else ForecastCategory.PIPELINE
        if category == ForecastCategory.OMITTED:
            continue
        if category not in OPEN_CATEGORIES:
            category = ForecastCategory.COMMIT
        row = cell(_bucket_key(filters.interval, month), group_of(key, stage_id))
        factor = factors[currency]
        setattr(row, category, getattr(row, category) + Decimal(amount or 0) / factor)
        row.weighted += Decimal(weighted or 0) / 100 / factor
        row.open_count += n
    for key, stage_id, currency, month, amount, n in won_rows:
        row = cell(_bucket_key(filters.interval, month), group_of(key, stage_id))
        row.closed_won += Decimal(amount or 0) / factors[currency]
        row.won_count += n
    for user_id, month_day, amount in quota_rows:
        person = teams.get(user_id) if filters.group_by == "team" else user_id
        row = cell(_bucket_key(filters.interval, month_day), group_of(person, None))
        row.quota = (row.quota or Decimal(0)) + amount

    names = _group_names(filters.group_by, {g for _b, g in cells})
    quantum = Decimal(1).scaleb(-places)
    buckets: dict[str, ForecastBucket] = {}
    for month in period.months:
        key = _bucket_key(filters.interval, month)
        buckets.setdefault(key, ForecastBucket(key=key, start=month))
    whole: dict[Any, ForecastRow] = {}
    total = ForecastRow(key="total", label=str(_("Total")))
    for (bucket_key, group), row in sorted(cells.items(), key=lambda item: item[0][0]):
        for name in ("pipeline", "best_case", "commit", "weighted", "closed_won"):
            setattr(row, name, getattr(row, name).quantize(quantum))
        row.label = names.get(group, "")
        bucket = buckets[bucket_key]
        bucket.rows.append(row)
        bucket.total.add(row)
        whole.setdefault(group, ForecastRow(key=str(group), label=row.label)).add(row)
        total.add(row)
    for bucket in buckets.values():
        bucket.rows.sort(key=lambda r: (-r.open_total - r.closed_won, r.label))
        bucket.total.label = str(_("Total"))
    rows = sorted(whole.values(), key=lambda r: (-r.open_total - r.closed_won, r.label))
    return Forecast(
        filters=filters,
        currency=company,
        decimal_places=places,
        buckets=list(buckets.values()),
        total=total,
        rows=rows,
        rates_on=rates_on,
    )


def _group_names(group_by: str, keys: set[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    if group_by == "owner":
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    if group_by == "team":
        names: dict[Any, str] = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
        names[None] = str(_("No team"))
        return names
    return {p.pk: p.label for p in Pipeline.objects.filter(pk__in=ids)}


# --- quotas ---------------------------------------------------------------------------------------------------
def quota_list(*, user: Any, period: Period, user_id: int | None = None) -> list[Quota]:
    """The quotas of the people in `user`'s scope for the months of `period`, by person then month."""
    q = scope_q(user, OBJECT_TYPE, "view", "user")
    if q is None:
        return []
    qs = Quota.objects.filter(month__gte=period.start, month__lt=period.end)
    if q:
        qs = qs.filter(q)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return list(qs.select_related("user").order_by("user__full_name", "user_id", "month"))


def quota_manager(*, user: Any) -> bool:
    """Whether `user` sets quotas: a manager, whose opportunities' `change` scope reaches beyond their team
    (hierarchy or all)."""
    return shared_in_scope(user, OBJECT_TYPE, "change")


def quota_people(*, user: Any) -> list[User]:
    """The active people whose quotas `user` may set (their opportunities' `change` scope reaches them); none
    for who is not a manager."""
    if not quota_manager(user=user):
        return []
    people = User.objects.filter(is_active=True)
    if user_scope(user, OBJECT_TYPE, "change") != Scope.ALL:
        people = people.filter(pk__in=user_hierarchy_ids(user))
    return list(people.select_related("team").order_by("full_name", "pk"))
