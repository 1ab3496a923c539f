"""The progress of the territory re-match, shown on the territory screens (crm.core.assignment composes it by
URL), and its "match again" button. Administrators only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from crm.contacts.enums import RematchStatus
from crm.contacts.services.territories import territory_rematch_request
from crm.contacts.territories import territory_rematch_latest
from crm.contacts.views.common import domain_view
from crm.core.errors import RecordNotFound
from crm.core.identity.permissions import user_is_admin


def _status(request: HttpRequest) -> HttpResponse:
    run = territory_rematch_latest()
    active = run is not None and run.status in (RematchStatus.QUEUED, RematchStatus.RUNNING)
    return render(request, "contacts/_territory_rematch.html", {"run": run, "active": active})


@login_required
@require_GET
@domain_view
def territory_rematch_status(request: HttpRequest) -> HttpResponse:
    if not user_is_admin(request.user):
        raise RecordNotFound()
    return _status(request)


@login_required
@require_POST
@domain_view
def territory_rematch_start(request: HttpRequest) -> HttpResponse:
    if not user_is_admin(request.user):
        raise RecordNotFound()
    territory_rematch_request(reason="requested from the territory screen")
    return _status(request)
