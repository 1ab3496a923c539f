"""API: the lifecycle view, the forecast and quotas (thin: parse, one selector or service, serialize)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from crm.core.errors import PermissionDenied
from crm.sales.schemas.insight import ForecastOut, LifecycleOut, QuotaIn, QuotaOut
from crm.sales.selectors import forecast as forecast_selectors
from crm.sales.selectors import lifecycle as lifecycle_selectors
from crm.sales.selectors.periods import id_parse, period_default, period_parse
from crm.sales.services.quotas import quota_set

router = Router()
reports = Router(tags=["forecast"])
router.add_router("", reports)


def _lifecycle_out(result: lifecycle_selectors.Lifecycle) -> dict[str, Any]:
    def group(g: lifecycle_selectors.LifecycleGroup) -> dict[str, Any]:
        return {
            "key": g.key,
            "label": g.label,
            "deals": g.deals,
            "won": g.won,
            "lost": g.lost,
            "win_rate": g.win_rate,
            "stages": [{**s.__dict__, "label": s.label} for s in g.stages],
        }

    f = result.filters
    return {
        "period": f.period.code,
        "start": f.period.start,
        "end": f.period.end,
        "group_by": f.group_by,
        "total": group(result.total),
        "groups": [group(g) for g in result.groups],
    }


@reports.get("/lifecycle", response=LifecycleOut)
def lifecycle(
    request: HttpRequest,
    period: str | None = None,
    group_by: str | None = None,
    owner: str | None = None,
    team: str | None = None,
    pipeline: str | None = None,
) -> Any:
    """The deals started in `period` (2026, 2026-Q2 or 2026-05; default the current quarter): how many reached
    each milestone, the conversion to the next and the days it took, grouped by owner, team, pipeline or month.
    Filters: `owner` (an id or `me`), `team`, `pipeline`."""
    user = request.auth  # type: ignore[attr-defined]
    params = {"period": period, "group_by": group_by, "owner": owner, "team": team, "pipeline": pipeline}
    filters = lifecycle_selectors.lifecycle_filters_parse(user=user, params=params)
    return _lifecycle_out(lifecycle_selectors.deal_lifecycle(user=user, filters=filters))


def _row(r: forecast_selectors.ForecastRow) -> dict[str, Any]:
    return {**r.__dict__, "attainment": r.attainment}


@reports.get("/forecast", response=ForecastOut)
def forecast(
    request: HttpRequest,
    period: str | None = None,
    interval: str | None = None,
    group_by: str | None = None,
    owner: str | None = None,
    team: str | None = None,
    pipeline: str | None = None,
) -> Any:
    """The forecast of `period` (default the current quarter) by `interval` (month or quarter), grouped by owner,
    team or pipeline: open amounts per forecast category, weighted, closed won, quota and attainment, in the
    company currency."""
    user = request.auth  # type: ignore[attr-defined]
    params = {
        "period": period,
        "interval": interval,
        "group_by": group_by,
        "owner": owner,
        "team": team,
        "pipeline": pipeline,
    }
    filters = forecast_selectors.forecast_filters_parse(user=user, params=params)
    result = forecast_selectors.forecast_get(user=user, filters=filters)
    return {
        "period": filters.period.code,
        "start": filters.period.start,
        "end": filters.period.end,
        "interval": filters.interval,
        "group_by": filters.group_by,
        "currency": result.currency,
        "rates_on": result.rates_on,
        "total": _row(result.total),
        "rows": [_row(r) for r in result.rows],
        "buckets": [
            {"key": b.key, "start": b.start, "rows": [_row(r) for r in b.rows], "total": _row(b.total)}
            for b in result.buckets
        ],
    }


@reports.get("/quotas", response=list[QuotaOut])
def quota_list(request: HttpRequest, period: str | None = None, user: str | None = None) -> Any:
    """The quotas of the people in the caller's scope for `period` (default the current quarter)."""
    caller = request.auth  # type: ignore[attr-defined]
    chosen = period_parse(value=period) if period else period_default()
    return forecast_selectors.quota_list(
        user=caller, period=chosen, user_id=id_parse(value=user, field="user")
    )


@reports.put("/quotas", response={200: QuotaOut, 204: None})
def quota_put(request: HttpRequest, payload: QuotaIn) -> Any:
    """Set one person's quota for one month (managers only); `amount: null` removes it (204)."""
    caller = request.auth  # type: ignore[attr-defined]
    if not forecast_selectors.quota_manager(user=caller):
        raise PermissionDenied()
    saved = quota_set(actor=caller, user_id=payload.user_id, month=payload.month, amount=payload.amount)
    if saved is None:
        return 204, None
    return 200, saved
