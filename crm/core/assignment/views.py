"""Administration screens: territories and assignment rules (administrators only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.assignment import selectors, services
from crm.core.assignment.forms import RuleForm, TerritoryForm
from crm.core.assignment.registry import assignment_targets
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.core.identity.forms import apply_domain_error
from crm.core.identity.selectors import team_get, team_list, user_choices, user_get
from crm.core.identity.views.guards import admin_required, raise_http


def _rule_references(changes: dict[str, Any]) -> dict[str, Any]:
    """Form ids → the records the service expects; an unknown id is a field error."""
    errors: dict[str, list[str]] = {}
    if changes.get("territory"):
        try:
            changes["territory"] = selectors.territory_get(pk=changes["territory"])
        except RecordNotFound:
            errors["territory"] = [_("Choose a territory.")]
    if changes.get("user"):
        changes["user"] = user_get(pk=changes["user"])
    if changes.get("team"):
        changes["team"] = team_get(pk=changes["team"])
    if errors:
        raise InvalidInput(field_errors=errors)
    return changes


def _rule_form(request: HttpRequest, instance: Any = None) -> RuleForm:
    return RuleForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        territories=selectors.territory_choices(),
        users=user_choices(),
        teams=[(t.pk, t.name) for t in team_list()],
        initial=None
        if instance is not None
        else {"is_active": True, "object_type": request.GET.get("type", "")},
    )


@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(selectors.rule_list())
    targets = assignment_targets()
    labels = {str(k): v for t in targets for k, v in (*t.industries, *t.sizes)}
    groups = [
        (
            t,
            [
                (
                    r,
                    [labels.get(v, v) for v in (*r.industries, *r.sizes)]
                    + ([_("score ≥ %(n)s") % {"n": r.min_score}] if r.min_score is not None else []),
                )
                for r in rules
                if r.object_type == t.key
            ],
        )
        for t in targets
    ]
    return render(request, "assignment/rule_list.html", {"groups": groups})


def _rule_save(request: HttpRequest, form: RuleForm, save: Any) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        rule = save(_rule_references(dict(form.cleaned_data)))
    except DomainError as exc:
        if not isinstance(exc, InvalidInput):
            raise_http(exc)
        apply_domain_error(form, exc)
        return None
    messages.success(request, _("Rule “%(name)s” is saved.") % {"name": rule.name})
    return redirect("assignment:rule_list")


@admin_required
def rule_create(request: HttpRequest) -> HttpResponse:
    form = _rule_form(request)
    done = _rule_save(request, form, lambda data: services.rule_create(actor=request.user, **data))
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render(request, "assignment/rule_form.html", {"form": form, "rule": None}, status=status)


@admin_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(pk=pk)
    form = _rule_form(request, rule)
    done = _rule_save(request, form, lambda data: services.rule_update(actor=request.user, rule=rule, **data))
    if done is not None:
        return done
    status = 422 if request.method == "POST" else 200
    return render(request, "assignment/rule_form.html", {"form": form, "rule": rule}, status=status)


@admin_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(pk=pk)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule “%(name)s” is deleted.") % {"name": rule.name})
    return redirect("assignment:rule_list")


@admin_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(pk=pk)
    services.rule_move(
        actor=request.user, rule=rule, offset=-1 if request.POST.get("direction") == "up" else 1
    )
    return redirect("assignment:rule_list")


@admin_required
def territory_list(request: HttpRequest) -> HttpResponse:
    return render(request, "assignment/territory_list.html", {"territories": selectors.territory_list()})


def _territory_page(request: HttpRequest, territory: Any) -> HttpResponse:
    form = TerritoryForm(request.POST if request.method == "POST" else None, instance=territory)
    if request.method == "POST" and form.is_valid():
        try:
            if territory is None:
                saved = services.territory_create(actor=request.user, **form.changes())
            else:
                saved = services.territory_update(actor=request.user, territory=territory, **form.changes())
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Territory “%(name)s” is saved.") % {"name": saved.name})
            return redirect("assignment:territory_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "assignment/territory_form.html", {"form": form, "territory": territory}, status=status
    )


@admin_required
def territory_create(request: HttpRequest) -> HttpResponse:
    return _territory_page(request, None)


@admin_required
def territory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _territory_page(request, selectors.territory_get(pk=pk))


@admin_required
@require_POST
def territory_delete(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.territory_get(pk=pk)
    try:
        services.territory_delete(actor=request.user, territory=territory)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("assignment:territory_edit", pk=territory.pk)
    messages.success(request, _("Territory “%(name)s” is deleted.") % {"name": territory.name})
    return redirect("assignment:territory_list")
