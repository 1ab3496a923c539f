"""The opportunity record page: stage bar, won/lost, delete, and the summary's inline fields."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.contacts.views.common import domain_view
from crm.core.errors import ConcurrentEdit, DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.ui.formats import format_money
from crm.sales import selectors, services
from crm.sales.durations import duration_words
from crm.sales.forms import INLINE_FIELDS, InlineFieldForm, LostForm, MoveForm
from crm.sales.models import Opportunity
from crm.sales.selectors.opportunity_lines import opportunity_has_lines
from crm.sales.selectors.orders import opportunity_orders
from crm.sales.selectors.quotes import opportunity_quotes
from crm.sales.views.common import (
    OBJECT_TYPE,
    STATUS_VARIANTS,
    errors_text,
    field_label,
    user_may,
)

# fields the lines decide: not edited by hand while the opportunity has lines
LINE_FIELDS = ("amount",)


# --- the record page -----------------------------------------------------------------------------------------
def _record_context(request: HttpRequest, opportunity: Opportunity, **extra: Any) -> dict[str, Any]:
    user = request.user
    pipeline = selectors.pipeline_get(user=user, pk=opportunity.pipeline_id)
    stays = selectors.stage_history(opportunity=opportunity)
    totals: dict[int, int] = {}
    for stay in stays:
        seconds = stay.seconds if stay.seconds is not None else selectors.seconds_since(stay.entered_at)
        totals[stay.stage.pk] = totals.get(stay.stage.pk, 0) + seconds
    can_change = user_can(user, OBJECT_TYPE, "change") and user_may(user, opportunity, "change")
    stages = list(pipeline.stages.all())
    current_position = next((s.position for s in stages if s.pk == opportunity.stage_id), 0)
    return {
        "o": opportunity,
        "pipeline": pipeline,
        "stages": [
            {
                "stage": s,
                "is_current": s.pk == opportunity.stage_id,
                "is_done": s.position < current_position and not s.is_closed,
                "time": duration_words(totals[s.pk]) if s.pk in totals else "",
            }
            for s in stages
        ],
        "open_stages": [s for s in stages if not s.is_closed],
        "history": [
            {
                "stay": stay,
                "time": duration_words(
                    stay.seconds if stay.seconds is not None else selectors.seconds_since(stay.entered_at)
                ),
            }
            for stay in reversed(stays)
        ],
        "variant": STATUS_VARIANTS.get(opportunity.status, "neutral"),
        "can_change": can_change,
        "can_delete": user_may(user, opportunity, "delete"),
        "timeline_url": reverse("activities:timeline", args=[OBJECT_TYPE, opportunity.pk]),
        "inline_rows": inline_rows(
            opportunity,
            can_change=can_change,
            locked=LINE_FIELDS if opportunity_has_lines(opportunity) else (),
        ),
        "time_in_stage": duration_words(selectors.seconds_since(opportunity.stage_entered_at)),
        "quotes": opportunity_quotes(user=user, opportunity_id=opportunity.pk),
        "orders": opportunity_orders(user=user, opportunity_id=opportunity.pk),
        "lost_form": extra.pop("lost_form", None) or LostForm(initial={"version": opportunity.version}),
        **extra,
    }


@login_required
@require_GET
@domain_view
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return render(request, "sales/opportunity_detail.html", _record_context(request, opportunity))


@login_required
@require_POST
@domain_view
def opportunity_stage(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The record page's stage bar: move to the stage clicked."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        stage = selectors.stage_for_opportunity(opportunity=opportunity, pk=form.cleaned_data["stage"])
        try:
            if stage is None:
                raise InvalidInput(
                    field_errors={"stage": [_("Choose a stage of this opportunity’s pipeline.")]}
                )
            moved = services.opportunity_move_stage(
                actor=request.user,
                opportunity=opportunity,
                stage=stage,
                expected_version=form.cleaned_data["version"],
                lost_reason=form.cleaned_data["lost_reason"] or "",
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, errors_text(exc))
        else:
            messages.success(request, _("Moved to “%(stage)s”.") % {"stage": moved.stage.label})
    return redirect("sales:opportunity_detail", pk=pk)


@login_required
@require_POST
@domain_view
def opportunity_won(request: HttpRequest, pk: int) -> HttpResponseBase:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    version = request.POST.get("version")
    try:
        services.opportunity_close_won(
            actor=request.user,
            opportunity=opportunity,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except (InvalidInput, ConcurrentEdit) as exc:
        messages.error(request, errors_text(exc))
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Won. Well done!"))
    return redirect("sales:opportunity_detail", pk=pk)


@login_required
@require_POST
@domain_view
def opportunity_lost(request: HttpRequest, pk: int) -> HttpResponseBase:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    form = LostForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_close_lost(
                actor=request.user,
                opportunity=opportunity,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except InvalidInput as exc:
            for field, msgs in exc.field_errors.items():
                form.add_error("reason" if field == "lost_reason" else None, msgs)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Marked as lost."))
            return redirect("sales:opportunity_detail", pk=pk)
    context = _record_context(request, opportunity, lost_form=form, lost_open=True)
    return render(request, "sales/opportunity_detail.html", context, status=422)


@login_required
@require_POST
@domain_view
def opportunity_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    services.opportunity_delete(actor=request.user, opportunity=opportunity)
    messages.success(request, _("“%(name)s” moved to the recycle bin.") % {"name": opportunity.name})
    return redirect("sales:opportunity_list")


# --- inline fields of the record page ------------------------------------------------------------------------
def inline_rows(
    opportunity: Opportunity, *, can_change: bool, locked: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The summary's inline fields; `locked` ones are shown but not editable (the amount of a deal with
    lines is their sum)."""
    return [
        _inline_context(opportunity, key, can_change=can_change and key not in locked)
        for key in INLINE_FIELDS
    ]


def _inline_display(opportunity: Opportunity, key: str) -> Any:
    value = getattr(opportunity, key)
    if key == "amount":
        return format_money(value, opportunity.currency) if value is not None else ""
    if key == "probability":
        return f"{value} %"
    if key == "close_date":
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


def _inline_context(opportunity: Opportunity, key: str, *, can_change: bool) -> dict[str, Any]:
    url = reverse("sales:opportunity_field", args=[opportunity.pk, key])
    return {
        "id": f"opportunity-{opportunity.pk}-{key}",
        "key": key,
        "label": field_label(key),
        "value": _inline_display(opportunity, key),
        "url": url,
        "edit_url": f"{url}?edit=1" if can_change else "",
        "can_edit": can_change,
    }


@login_required
@domain_view
def opportunity_field(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One inline field of the summary: its value (GET), its form (GET ?edit=1), or a save (POST). A saved
    value reloads the page (versions, weighted amount and totals change with it); a refused one shows why."""
    if key not in INLINE_FIELDS:
        raise Http404()
    if request.method == "POST":
        opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
        form = InlineFieldForm(request.POST, key=key)
        if form.is_valid():
            try:
                services.opportunity_update(
                    actor=request.user,
                    opportunity=opportunity,
                    expected_version=form.cleaned_data["version"],
                    **{key: form.cleaned_data[key]},
                )
            except DomainError as exc:
                if isinstance(exc, RecordNotFound):
                    raise
                messages_for_field = exc.field_errors.get(key)
                form.add_error(key if messages_for_field else None, messages_for_field or exc.message)
            else:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                messages.success(request, _("Opportunity “%(name)s” saved.") % {"name": opportunity.name})
                return response
        context = {**_inline_context(opportunity, key, can_change=True), "editing": True, "form": form}
        context["bound"] = form[key]
        return render(request, "sales/_inline_field.html", context)
    editing = request.GET.get("edit") == "1"
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change" if editing else "view")
    context = _inline_context(opportunity, key, can_change=user_may(request.user, opportunity, "change"))
    if editing:
        form = InlineFieldForm(
            key=key, initial={key: getattr(opportunity, key), "version": opportunity.version}
        )
        context.update(editing=True, form=form, bound=form[key])
    return render(request, "sales/_inline_field.html", context)
