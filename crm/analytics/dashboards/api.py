"""API: dashboards (the caller's and those shared with them; CRUD of their own) and computed widgets.

Filters are query parameters on the GET endpoints: `period` (this_month, last_month, this_quarter,
last_quarter, this_year, last_year, last_12_months, or 2026 / 2026-Q2 / 2026-05), or `from` and `to`
(YYYY-MM-DD); `team`, `owner` (an id or `me`), `pipeline`. A bad value answers 422 naming the parameter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.analytics.dashboards import selectors, services
from crm.analytics.dashboards.filters import PARAMS, dashboard_filters_parse
from crm.analytics.dashboards.models import Dashboard
from crm.analytics.dashboards.schemas import (
    DashboardFiguresOut,
    DashboardIn,
    DashboardOut,
    DashboardPatch,
    WidgetResultOut,
    WidgetTypeOut,
)
from crm.analytics.dashboards.widgets import widget_type_get
from crm.core.errors import InvalidInput

router = Router(tags=["analytics"])


@router.get("/analytics/dashboards", response=list[DashboardOut])
def dashboard_list(request: HttpRequest) -> list[Dashboard]:
    """The caller's dashboards and those shared with their team, role or everyone (home first)."""
    return selectors.dashboard_list(user=request.user)


@router.get("/analytics/dashboards/{int:dashboard_id}", response=DashboardFiguresOut)
def dashboard_detail(request: HttpRequest, dashboard_id: int) -> dict[str, Any]:
    """A dashboard with each widget's figures, computed for the caller under the filters."""
    dashboard = selectors.dashboard_get(user=request.user, pk=dashboard_id)
    filters = dashboard_filters_parse(user=request.user, params=request.GET)
    results = selectors.dashboard_compute(user=request.user, dashboard=dashboard, filters=filters)
    return {
        **DashboardOut.from_orm(dashboard).dict(),
        "period_start": filters.period.start.isoformat(),
        "period_end": filters.period.last_day.isoformat(),
        "results": [r.as_json() for r in results],
    }


@router.post("/analytics/dashboards", response={201: DashboardOut})
def dashboard_create(request: HttpRequest, payload: DashboardIn) -> Any:
    data = payload.model_dump()
    return Status(201, services.dashboard_create(actor=request.user, **data))


@router.patch("/analytics/dashboards/{int:dashboard_id}", response=DashboardOut)
def dashboard_update(request: HttpRequest, dashboard_id: int, payload: DashboardPatch) -> Dashboard:
    dashboard = selectors.dashboard_get(user=request.user, pk=dashboard_id)
    changes = payload.model_dump(exclude_unset=True)
    return services.dashboard_update(actor=request.user, dashboard=dashboard, changes=changes)


@router.delete("/analytics/dashboards/{int:dashboard_id}", response={204: None})
def dashboard_delete(request: HttpRequest, dashboard_id: int) -> Any:
    dashboard = selectors.dashboard_get(user=request.user, pk=dashboard_id)
    services.dashboard_delete(actor=request.user, dashboard=dashboard)
    return Status(204, None)


@router.get("/analytics/widgets", response=list[WidgetTypeOut])
def widget_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The widget types and their settings."""
    return [
        {
            "key": w.key,
            "label": str(w.label),
            "description": str(w.description),
            "settings": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "default": s.default,
                    "choices": list(s.choices),
                    "min": s.min,
                    "max": s.max,
                }
                for s in w.settings
            ],
        }
        for w in selectors.widget_catalog()
    ]


def _setting_value(kind: str, raw: str) -> Any:
    if kind == "bool":
        return {"true": True, "1": True, "false": False, "0": False}.get(raw.lower(), raw)
    if kind == "int":
        return int(raw) if raw.lstrip("-").isdigit() else raw
    return raw


@router.get("/analytics/widgets/{key}", response=WidgetResultOut)
def widget_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    """One widget computed for the caller: the filters, and the widget's settings as further parameters
    (`?period=this_year&mine=true&measure=count`)."""
    widget = widget_type_get(key)
    kinds = {s.name: s.kind for s in widget.settings}
    filter_params = {k: v for k, v in request.GET.items() if k in PARAMS}
    settings: dict[str, Any] = {}
    for name, raw in request.GET.items():
        if name in PARAMS:
            continue
        if name not in kinds:
            raise InvalidInput(field_errors={name: [_("Unknown filter or setting.")]})
        settings[name] = _setting_value(kinds[name], str(raw))
    filters = dashboard_filters_parse(user=request.user, params=filter_params)
    return selectors.widget_compute(
        user=request.user, widget=widget, filters=filters, settings=settings
    ).as_json()
