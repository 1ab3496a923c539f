"""The analytics hub and the refresh controls every analysis page includes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from crm.analytics.core import selectors, services
from crm.contacts.views.common import domain_view, safe_next


@login_required
@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    statuses = selectors.analysis_status_list(user=request.user)
    return render(request, "analytics/hub.html", {"statuses": statuses})


@login_required
@require_GET
@domain_view
def run_status(request: HttpRequest, kind: str) -> HttpResponse:
    """The refresh control of one analysis (polled while a run is under way). When the run the page was
    watching has finished, the page reloads to show the new result."""
    status = selectors.analysis_status_get(user=request.user, kind=kind)
    watching = request.GET.get("watching", "")
    response = render(request, "analytics/_run_status.html", {"status": status})
    if watching and status.active is None:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@domain_view
def run_request(request: HttpRequest, kind: str) -> HttpResponse:
    services.analysis_run_request(kind=kind, params=None, actor=request.user)
    if request.headers.get("HX-Request"):
        status = selectors.analysis_status_get(user=request.user, kind=kind)
        return render(request, "analytics/_run_status.html", {"status": status})
    return redirect(safe_next(request, reverse("analytics:hub")))
