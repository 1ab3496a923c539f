"""Dashboard pages: the list, one dashboard (its filters, each widget loaded as its own htmx fragment), the
home page panel, and the editor (copy, add/remove/reorder widgets, their settings, rename, make home)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.analytics.dashboards import selectors, services
from crm.analytics.dashboards.editing import widgets_edit
from crm.analytics.dashboards.filters import PRESETS, dashboard_filters_parse
from crm.contacts.views.common import domain_view
from crm.core.errors import InvalidInput
from crm.core.identity.selectors import team_list, user_choices
from crm.sales.selectors.opportunities import pipeline_list


def _errors(exc: InvalidInput) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items()) or exc.message


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "presets": list(PRESETS.items()),
        "teams": list(team_list().values_list("pk", "name")),
        "owners": user_choices(),
        "pipelines": [(p.pk, p.label) for p in pipeline_list(user=request.user)],
        "query": request.GET.urlencode(),
        "params": request.GET,
    }


@login_required
@require_GET
def dashboard_list(request: HttpRequest) -> HttpResponse:
    dashboards = selectors.dashboard_list(user=request.user)
    home = selectors.dashboard_home(user=request.user)
    return render(request, "analytics/dashboards/list.html", {"dashboards": dashboards, "home": home})


@login_required
@require_GET
@domain_view
def dashboard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(user=request.user, pk=pk)
    error, status = "", 200
    try:
        filters = dashboard_filters_parse(user=request.user, params=request.GET)
    except InvalidInput as exc:
        error, status, filters = _errors(exc), 400, None
    context = {
        "dashboard": dashboard,
        "placed": selectors.dashboard_widgets(dashboard=dashboard),
        "filters": filters,
        "error": error,
        "can_change": selectors.dashboard_can_change(user=request.user, dashboard=dashboard),
        **_filter_context(request),
    }
    return render(request, "analytics/dashboards/detail.html", context, status=status)


@login_required
@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    """The home page's card: the user's home dashboard, its widgets loading one by one."""
    dashboard = selectors.dashboard_home(user=request.user)
    placed = selectors.dashboard_widgets(dashboard=dashboard) if dashboard else []
    return render(
        request, "analytics/dashboards/_home_panel.html", {"dashboard": dashboard, "placed": placed}
    )


@login_required
@require_GET
@domain_view
def widget_fragment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One widget of a dashboard, computed for the viewer under the query string's filters."""
    dashboard = selectors.dashboard_get(user=request.user, pk=pk)
    placed = next((p for p in selectors.dashboard_widgets(dashboard=dashboard) if p.index == index), None)
    if placed is None:
        return render(
            request,
            "analytics/dashboards/_widget_error.html",
            {"error": _("This widget was removed.")},
            status=404,
        )
    try:
        filters = dashboard_filters_parse(user=request.user, params=request.GET)
        result = selectors.widget_compute(
            user=request.user, widget=placed.widget, filters=filters, settings=placed.settings
        )
    except InvalidInput as exc:
        return render(request, "analytics/dashboards/_widget_error.html", {"error": _errors(exc)}, status=400)
    return render(request, "analytics/dashboards/_widget.html", {"result": result, "placed": placed})


@login_required
@require_POST
@domain_view
def dashboard_copy(request: HttpRequest, pk: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(user=request.user, pk=pk)
    copy = services.dashboard_copy(actor=request.user, dashboard=dashboard, make_home=True)
    messages.success(request, _("This copy is now your home dashboard: change it as you like."))
    return redirect("analytics_dashboards:dashboard_edit", pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def dashboard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(user=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            widgets_edit(actor=request.user, dashboard=dashboard, data=request.POST)
            return redirect("analytics_dashboards:dashboard_edit", pk=dashboard.pk)
        except InvalidInput as exc:
            error = _errors(exc)
    context = {
        "dashboard": dashboard,
        "placed": selectors.dashboard_widgets(dashboard=dashboard),
        "catalog": selectors.widget_catalog(),
        "can_change": selectors.dashboard_can_change(user=request.user, dashboard=dashboard),
        "error": error,
    }
    return render(request, "analytics/dashboards/edit.html", context, status=400 if error else 200)


@login_required
@require_POST
@domain_view
def dashboard_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dashboard = selectors.dashboard_get(user=request.user, pk=pk)
    services.dashboard_delete(actor=request.user, dashboard=dashboard)
    messages.success(request, _("Dashboard deleted."))
    return redirect(reverse("analytics_dashboards:dashboard_list"))
