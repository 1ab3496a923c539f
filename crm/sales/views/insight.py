"""The sales reports: the forecast, the lifecycle view, and the quota grid (managers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.contacts.selectors import account_get
from crm.contacts.views.common import active_users, domain_view
from crm.core.errors import DomainError, InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.identity.selectors import team_list
from crm.sales import selectors
from crm.sales.selectors import forecast as forecast_selectors
from crm.sales.selectors import lifecycle as lifecycle_selectors
from crm.sales.selectors.periods import month_key, period_default
from crm.sales.services.quotas import QuotaEntry, quotas_set
from crm.sales.views.figures import Figures

OBJECT_TYPE = "sales.opportunity"


def _forecast_columns() -> list[str]:
    return [_("Pipeline"), _("Best case"), _("Commit"), _("Weighted"), _("Closed won"), _("Quota")]


def _forecast_table(
    *, key: str, title: str, rows: list[Any], total: Any, fig: Figures, columns: list[str]
) -> dict[str, Any]:
    """One forecast table, every figure already text (see `Figures`)."""

    def line(r: Any) -> dict[str, Any]:
        values = [r.pipeline, r.best_case, r.commit, r.weighted, r.closed_won, r.quota]
        attainment = r.attainment
        return {
            "key": r.key,
            "label": r.label,
            "cells": list(zip(columns, [fig.money(v) for v in values], strict=True)),
            "attainment": None
            if attainment is None
            else {
                "text": fig.percent(attainment),
                "width": min(100, round(float(attainment) * 100)),
                "is_met": attainment >= 1,
            },
        }

    return {"key": key, "title": title, "rows": [line(r) for r in rows], "total": line(total)}


def _lifecycle_tables(result: Any, fig: Figures) -> dict[str, Any]:
    """The lifecycle's figures as text: the total's milestones and one row per group."""

    def days(d: float | None) -> str:
        return "" if d is None else fig.number(d, 1)

    stages = [
        {
            "key": s.key,
            "label": s.label,
            "share": f"{s.share:.1f}",
            "count": fig.number(s.count),
            "is_last": i == len(result.total.stages) - 1,
            "conversion": None if s.conversion is None else fig.percent(s.conversion),
            "median": days(s.median_days),
            "average": days(s.average_days),
        }
        for i, s in enumerate(result.total.stages)
    ]
    groups = []
    for g in result.groups:
        cells = []
        for i, s in enumerate(g.stages):
            sub = ""
            if s.conversion is not None and i < len(g.stages) - 1:
                sub = "→ " + fig.percent(s.conversion)
                if s.median_days is not None:
                    sub += f" · {days(s.median_days)} d"
            cells.append((s.label, fig.number(s.count), sub))
        groups.append(
            {
                "key": g.key,
                "label": g.label,
                "deals": fig.number(g.deals),
                "cells": cells,
                "won": fig.number(g.won),
                "win_rate": "" if g.win_rate is None else fig.percent(g.win_rate),
            }
        )
    return {"stages": stages, "groups": groups}


def _choices(request: HttpRequest) -> dict[str, Any]:
    return {
        "owners": active_users(),
        "teams": [(t.pk, t.name) for t in team_list()],
        "pipelines": [(p.pk, p.label) for p in selectors.pipeline_list(user=request.user)],
        "default_period": period_default().code,
    }


def _group_choices(*, with_month: bool) -> list[tuple[str, str]]:
    choices = [("owner", _("Owner")), ("team", _("Team")), ("pipeline", _("Pipeline"))]
    return [*choices, ("month", _("Month"))] if with_month else choices


def _errors(exc: DomainError) -> dict[str, str]:
    return {name: " ".join(str(m) for m in msgs) for name, msgs in exc.field_errors.items()}


@login_required
@require_http_methods(["GET"])
@domain_view
def forecast(request: HttpRequest) -> HttpResponse:
    """Open amounts by forecast category, weighted, closed won and quota attainment (filters in the query)."""
    if not user_can(request.user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    errors: dict[str, str] = {}
    try:
        filters = forecast_selectors.forecast_filters_parse(user=request.user, params=request.GET)
    except InvalidInput as exc:
        errors = _errors(exc)
        filters = forecast_selectors.forecast_filters_parse(user=request.user, params={})
    result = None
    try:
        result = forecast_selectors.forecast_get(user=request.user, filters=filters)
    except DomainError as exc:  # a currency without a rate, no company currency: said on the page
        errors.update(_errors(exc) if exc.field_errors else {"currency": exc.message})
    tables = []
    if result is not None:
        fig = Figures.for_currency(result.currency, result.decimal_places)
        columns = _forecast_columns()
        whole = _("The whole period (%(period)s)") % {"period": filters.period.code}
        tables.append(
            _forecast_table(
                key="whole", title=whole, rows=result.rows, total=result.total, fig=fig, columns=columns
            )
        )
        tables += [
            _forecast_table(key=b.key, title=b.key, rows=b.rows, total=b.total, fig=fig, columns=columns)
            for b in result.buckets
            if b.rows
        ]
    context = {
        "filters": filters,
        "params": request.GET,
        "result": result,
        "tables": tables,
        "columns": _forecast_columns(),
        "errors": errors,
        "is_manager": forecast_selectors.quota_manager(user=request.user),
        "interval_choices": [("month", _("Month")), ("quarter", _("Quarter"))],
        "group_choices": _group_choices(with_month=False),
        "group_label": dict(_group_choices(with_month=False))[filters.group_by],
        **_choices(request),
    }
    return render(request, "sales/insight/forecast.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET"])
@domain_view
def lifecycle(request: HttpRequest) -> HttpResponse:
    """How far the deals started in a period got, the conversion and the days between milestones."""
    if not user_can(request.user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    errors: dict[str, str] = {}
    try:
        filters = lifecycle_selectors.lifecycle_filters_parse(user=request.user, params=request.GET)
    except InvalidInput as exc:
        errors = _errors(exc)
        filters = lifecycle_selectors.lifecycle_filters_parse(user=request.user, params={})
    result = lifecycle_selectors.deal_lifecycle(user=request.user, filters=filters)
    fig = Figures.for_currency("EUR", 2)
    context = {
        "filters": filters,
        "params": request.GET,
        "result": result,
        "table": _lifecycle_tables(result, fig),
        "errors": errors,
        "group_choices": _group_choices(with_month=True),
        "group_label": dict(_group_choices(with_month=True))[filters.group_by],
        **_choices(request),
    }
    return render(request, "sales/insight/lifecycle.html", context, status=400 if errors else 200)


def _year(value: Any) -> int:
    text = str(value or "").strip()
    if text.isdigit() and 1900 <= int(text) <= 2999:
        return int(text)
    return timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def quotas(request: HttpRequest) -> HttpResponse:
    """The quota grid of a year: one row per person in the manager's scope, one field per month."""
    if not forecast_selectors.quota_manager(user=request.user):
        raise PermissionDenied(_("Only managers set quotas."))
    year = _year(request.GET.get("year") or request.POST.get("year"))
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    people = forecast_selectors.quota_people(user=request.user)
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        entries = []
        keys = []
        for person in people:
            for month in months:
                key = f"q-{person.pk}-{month_key(month)}"
                if key in request.POST:
                    posted[key] = request.POST[key].strip()
                    entries.append(QuotaEntry(user_id=person.pk, month=month, amount=posted[key]))
                    keys.append(key)
        try:
            quotas_set(actor=request.user, entries=entries)
        except InvalidInput as exc:
            for name, msgs in exc.field_errors.items():
                index, _dot, _field = name.partition(".")
                key = keys[int(index)] if index.isdigit() and _dot else (keys[0] if keys else name)
                errors[key] = " ".join(str(m) for m in msgs)
        else:
            messages.success(request, _("Quotas saved."))
            return redirect(f"{request.path}?year={year}")
    period = forecast_selectors.period_parse(value=str(year))
    stored = {
        f"q-{q.user_id}-{month_key(q.month)}": q.amount
        for q in forecast_selectors.quota_list(user=request.user, period=period)
    }
    rows = [
        {
            "person": person,
            "cells": [
                {
                    "key": key,
                    "month": m,
                    "value": posted.get(key, stored.get(key, "")),
                    "error": errors.get(key, ""),
                }
                for m in months
                for key in [f"q-{person.pk}-{month_key(m)}"]
            ],
        }
        for person in people
    ]
    context = {"year": year, "months": months, "rows": rows, "errors": errors}
    return render(request, "sales/insight/quotas.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET"])
@domain_view
def account_lifecycle(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account's panel: the first time any of its deals reached each milestone, and the days between."""
    account = account_get(user=request.user, pk=account_id)
    stamps = lifecycle_selectors.account_lifecycle(user=request.user, account_id=account.pk)
    steps = []
    previous = None
    for key in lifecycle_selectors.STAGES:
        at = stamps.get(f"{key}_at")
        if at is None:
            continue
        days: float | None = None if previous is None else round((at - previous).total_seconds() / 86400, 1)
        steps.append({"label": lifecycle_selectors.STAGE_LABELS[key], "at": at, "days": days})
        previous = at
    context = {
        "account": account,
        "steps": steps,
        "won_at": stamps.get("won_at"),
        "lost_at": stamps.get("lost_at"),
    }
    return render(request, "sales/insight/account_lifecycle.html", context)
