"""Administrators manage teams and who is in them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError, InvalidInput
from crm.core.identity import selectors, services
from crm.core.identity.forms import TeamForm, apply_domain_error
from crm.core.identity.models import Team
from crm.core.identity.views.guards import admin_required, raise_http


def _team_or_404(pk: int) -> Team:
    team = selectors.team_get(pk=pk)
    if team is None:
        raise Http404()
    return team


@admin_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/team_list.html", {"teams": selectors.team_list()})


@admin_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Team “%(name)s” is created.") % {"name": team.name})
            return redirect("identity:team_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "identity/team_form.html", {"form": form, "team": None}, status=status)


@admin_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(pk)
    members = list(selectors.user_list(team_id=team.pk))
    form = TeamForm(request.POST or None, instance=team, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Team “%(name)s” is saved.") % {"name": team.name})
            return redirect("identity:team_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "identity/team_form.html", {"form": form, "team": team, "members": members}, status=status
    )


@admin_required
@require_POST
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_or_404(pk)
    try:
        services.team_delete(actor=request.user, team=team)
    except DomainError as exc:
        raise_http(exc)
    messages.success(
        request, _("Team “%(name)s” is deleted; its members now have no team.") % {"name": team.name}
    )
    return redirect("identity:team_list")
