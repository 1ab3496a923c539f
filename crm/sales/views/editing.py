"""Create and edit forms of opportunities (inline errors from the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.contacts.selectors import account_choices, account_get, contact_get
from crm.contacts.views.common import domain_view
from crm.core.errors import ConcurrentEdit, DomainError, InvalidInput, RecordNotFound
from crm.core.identity.selectors import user_choices
from crm.sales import selectors, services
from crm.sales.forms import OpportunityForm
from crm.sales.models import Opportunity, Pipeline
from crm.sales.selectors.opportunity_lines import account_contact_choices, opportunity_has_lines
from crm.sales.views.common import (
    field_label,
)


# --- forms ----------------------------------------------------------------------------------------------------
def _form(
    request: HttpRequest, *, opportunity: Opportunity | None, pipeline: Pipeline | None
) -> OpportunityForm:
    user = request.user
    accounts = account_choices(user=user, include=opportunity.account_id if opportunity else None)
    owners = user_choices()
    stages = None
    if opportunity is None and pipeline is not None:
        stages = [(s.pk, s.label) for s in pipeline.stages.all() if not s.is_closed]
    if opportunity is not None:
        initial = {
            "name": opportunity.name,
            "account": opportunity.account_id,
            "owner": opportunity.owner_id,
            "amount": opportunity.amount,
            "currency": opportunity.currency,
            "close_date": opportunity.close_date,
            "probability": opportunity.probability,
            "next_step": opportunity.next_step,
            "competitors": opportunity.competitors,
            "version": opportunity.version,
        }
    else:
        initial = {"owner": user.pk, "currency": "EUR", "account": request.GET.get("account")}
        if stages:
            wanted = request.GET.get("stage")
            initial["stage"] = int(wanted) if wanted and wanted.isdigit() else stages[0][0]
    data = request.POST if request.method == "POST" else None
    if opportunity is not None:
        initial["contacts"] = [c.pk for c in opportunity.contacts.all()]
    form = OpportunityForm(
        data,
        initial=initial,
        accounts=accounts,
        owners=owners,
        stages=stages,
        picker_url=reverse("sales:opportunity_contacts_picker"),
    )
    _picker_fill(request, form, data if data is not None else initial)
    if opportunity is not None and opportunity_has_lines(opportunity):
        form.fields["amount"].disabled = True
        form.fields["amount"].help_text = _(
            "The sum of the products’ net amounts: change the products instead."
        )
        form.fields["currency"].disabled = True
    return form


def _ids(values: Any) -> list[int]:
    return [int(v) for v in values or [] if str(v).strip().isdigit()]


def _picker_fill(request: HttpRequest, form: OpportunityForm, data: Any) -> None:
    """The contacts picker shows the chosen contacts of the form's account, then a few more of them."""
    raw_account = data.get("account") if data is not None else None
    account = None
    if raw_account not in (None, "") and str(raw_account).isdigit():
        try:
            account = account_get(user=request.user, pk=int(str(raw_account)))
        except RecordNotFound:
            account = None
    chosen_ids = _ids(data.getlist("contacts") if hasattr(data, "getlist") else data.get("contacts"))
    chosen, matches = account_contact_choices(user=request.user, account=account, chosen=chosen_ids)
    widget = form.fields["contacts"].widget
    widget.chosen, widget.matches, widget.has_account = chosen, matches, account is not None  # type: ignore[attr-defined]


@login_required
@require_GET
def opportunity_contacts_picker(request: HttpRequest) -> HttpResponse:
    """The contacts picker's list (htmx): the ticked contacts of the chosen account, then those matching
    `contact_q`."""
    raw_account = request.GET.get("account", "")
    account = None
    if raw_account.isdigit():
        try:
            account = account_get(user=request.user, pk=int(raw_account))
        except RecordNotFound:
            account = None
    q = request.GET.get("contact_q", "").strip()[:100]
    chosen, matches = account_contact_choices(
        user=request.user, account=account, q=q, chosen=_ids(request.GET.getlist("contacts"))
    )
    context = {"chosen": chosen, "matches": matches, "has_account": account is not None, "q": q}
    return render(request, "sales/contacts_picker_list.html", context)


def _apply_errors(form: OpportunityForm, exc: DomainError) -> None:
    if isinstance(exc, ConcurrentEdit) or not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, msgs in exc.field_errors.items():
        form.add_error(
            field if field in form.fields else None,
            [f"{field_label(field)}: {m}" if field not in form.fields else m for m in msgs],
        )


def _changes(request: HttpRequest, form: OpportunityForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data.pop("stage", None)
    data["account"] = account_get(user=request.user, pk=data["account"])
    from crm.core.identity.selectors import user_get

    data["owner"] = user_get(pk=data["owner"])
    try:
        data["contacts"] = [contact_get(user=request.user, pk=pk) for pk in data.get("contacts") or []]
    except RecordNotFound:
        raise InvalidInput(field_errors={"contacts": [_("Choose contacts you can see.")]}) from None
    if data.get("probability") is None:
        data.pop("probability")
    return data


@login_required
@domain_view
def opportunity_create(request: HttpRequest, pipeline_id: int | None = None) -> HttpResponse:
    user = request.user
    pipelines = selectors.pipeline_list(user=user)
    if not pipelines:
        raise RecordNotFound()
    pipeline = selectors.pipeline_get(user=user, pk=pipeline_id) if pipeline_id else pipelines[0]
    form = _form(request, opportunity=None, pipeline=pipeline)
    if request.method == "POST" and form.is_valid():
        try:
            stage = selectors.stage_get(pipeline=pipeline, pk=form.cleaned_data.get("stage") or "")
            changes = _changes(request, form)
            owner = changes.pop("owner")
            opportunity = services.opportunity_create(
                actor=user, pipeline=pipeline, stage=stage, owner=owner, **changes
            )
        except RecordNotFound:
            form.add_error("account", _("Choose an account you can see."))
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Opportunity “%(name)s” created.") % {"name": opportunity.name})
            return redirect(opportunity.get_absolute_url())
    context = {
        "form": form,
        "title": _("New opportunity"),
        "subtitle": pipeline.label,
        "submit_label": _("Create opportunity"),
        "cancel_url": reverse("sales:pipeline_board", args=[pipeline.pk]),
        "pipelines": pipelines,
        "pipeline": pipeline,
    }
    return render(request, "sales/opportunity_form.html", context, status=422 if form.errors else 200)


@login_required
@domain_view
def opportunity_update(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = _form(request, opportunity=opportunity, pipeline=None)
    if request.method == "POST" and form.is_valid():
        try:
            changes = _changes(request, form)
            services.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                expected_version=form.cleaned_data.get("version"),
                **changes,
            )
        except RecordNotFound:
            form.add_error("account", _("Choose an account you can see."))
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Opportunity “%(name)s” saved.") % {"name": opportunity.name})
            return redirect(opportunity.get_absolute_url())
    context = {
        "form": form,
        "title": _("Edit opportunity"),
        "subtitle": opportunity.name,
        "submit_label": _("Save"),
        "cancel_url": opportunity.get_absolute_url(),
        "stage_required": [field_label(f) for f in opportunity.stage.required_fields or []],
    }
    return render(request, "sales/opportunity_form.html", context, status=422 if form.errors else 200)
