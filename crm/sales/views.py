"""Sales pages: the pipeline board, the opportunity list, the record page, forms, and the account panel.

Thin: parse, call one selector or service, render. Domain errors become inline form errors, toasts, or (for the
board's drag and drop) a JSON answer the board script shows in the column.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.contacts.selectors import account_choices, account_get
from crm.contacts.views.common import domain_view
from crm.core.errors import ConcurrentEdit, DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.identity.selectors import user_choices
from crm.core.listing import Page
from crm.core.ui.formats import format_money, format_number
from crm.sales import selectors, services
from crm.sales.durations import duration_words
from crm.sales.enums import OpportunityStatus
from crm.sales.forms import INLINE_FIELDS, InlineFieldForm, LostForm, MoveForm, OpportunityForm
from crm.sales.listing import OPPORTUNITY_LIST
from crm.sales.models import Opportunity, Pipeline

OBJECT_TYPE = "sales.opportunity"
STATUS_VARIANTS: dict[str, str] = {
    OpportunityStatus.OPEN: "info",
    OpportunityStatus.WON: "success",
    OpportunityStatus.LOST: "danger",
}
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "account": gettext_lazy("Account"),
    "amount": gettext_lazy("Amount"),
    "currency": gettext_lazy("Currency"),
    "close_date": gettext_lazy("Expected close date"),
    "next_step": gettext_lazy("Next step"),
    "competitors": gettext_lazy("Competitors"),
    "contacts": gettext_lazy("Contacts"),
    "lost_reason": gettext_lazy("Lost reason"),
    "probability": gettext_lazy("Probability (%)"),
    "owner": gettext_lazy("Owner"),
    "stage": gettext_lazy("Stage"),
}


def _label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field.replace("_", " ")))


def totals_text(totals: list[tuple[str, Any]]) -> str:
    """A column's amount per currency, one per line, the biggest first."""
    text = "\n".join(format_money(total, currency) for currency, total in totals)
    return text or format_money(0, getattr(settings, "DEFAULT_CURRENCY", "EUR"))


# --- the board ----------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def board(request: HttpRequest, pipeline_id: int | None = None) -> HttpResponse:
    """The kanban of one pipeline (the first one when none is given)."""
    user = request.user
    pipelines = selectors.pipeline_list(user=user)
    if pipeline_id is None:
        if not pipelines:
            if not user_can(user, OBJECT_TYPE, "view"):
                raise RecordNotFound()
            return render(request, "sales/board.html", {"pipelines": [], "columns": []})
        return redirect("sales:pipeline_board", pipeline_id=pipelines[0].pk)
    pipeline = selectors.pipeline_get(user=user, pk=pipeline_id)
    params = {k: v for k, v in request.GET.items()}
    error = ""
    try:
        columns = selectors.board(user=user, pipeline=pipeline, params=params)
    except InvalidInput as exc:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        params = {}
        columns = selectors.board(user=user, pipeline=pipeline, params={})
    context = {
        "pipeline": pipeline,
        "pipelines": pipelines,
        "columns": [
            {"column": c, "totals_text": totals_text(c.totals), "count_text": format_number(c.count)}
            for c in columns
        ],
        "params": params,
        "query": request.GET.urlencode(),
        "mine": params.get("owner") == "me",
        "error": error,
        "can_create": user_can(user, OBJECT_TYPE, "create"),
        "closed_days": selectors.CLOSED_DAYS,
    }
    return render(request, "sales/board.html", context)


@login_required
@require_GET
@domain_view
def board_column(request: HttpRequest, pipeline_id: int, stage_id: int) -> HttpResponse:
    """More cards of one column (the "load more" link; htmx swaps the link for them)."""
    pipeline = selectors.pipeline_get(user=request.user, pk=pipeline_id)
    stage = selectors.stage_get(pipeline=pipeline, pk=stage_id)
    if stage is None:
        raise Http404()
    params = {k: v for k, v in request.GET.items()}
    try:
        cards, next_cursor = selectors.board_column(
            user=request.user, stage=stage, params=params, cursor=request.GET.get("cursor")
        )
    except InvalidInput:
        return HttpResponse(_("This link is not valid any more. Reload the page."), status=400)
    params.pop("cursor", None)
    context = {
        "pipeline": pipeline,
        "stage": stage,
        "cards": cards,
        "next_cursor": next_cursor,
        "params": params,
    }
    return render(request, "sales/board.html#more_cards", context)


def _move_error(exc: DomainError, opportunity: Opportunity | None) -> JsonResponse:
    errors = [
        {"field": field, "label": _label(field), "message": str(message)}
        for field, msgs in exc.field_errors.items()
        for message in msgs
    ]
    body = {"title": exc.message, "errors": errors}
    if opportunity is not None:
        body["edit_url"] = reverse("sales:opportunity_update", args=[opportunity.pk])
        body["edit_label"] = _("Open “%(name)s” to fill them in") % {"name": opportunity.name}
    return JsonResponse(body, status=exc.status)


@login_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> JsonResponse:
    """A card dropped on another column (the board script posts here). JSON: the moved card and every column's
    count and totals; or the error with each missing field, and nothing changed."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"title": _("Some fields are not valid."), "errors": []}, status=400)
    opportunity: Opportunity | None = None
    try:
        opportunity = selectors.opportunity_get(user=request.user, pk=pk)
        stage = selectors.stage_for_opportunity(opportunity=opportunity, pk=form.cleaned_data["stage"])
        if stage is None:
            raise InvalidInput(field_errors={"stage": [_("Choose a stage of this opportunity’s pipeline.")]})
        moved = services.opportunity_move_stage(
            actor=request.user,
            opportunity=opportunity,
            stage=stage,
            expected_version=form.cleaned_data["version"],
            lost_reason=form.cleaned_data["lost_reason"] or "",
        )
    except DomainError as exc:
        return _move_error(exc, opportunity)
    pipeline = selectors.pipeline_get(user=request.user, pk=moved.pipeline_id)
    params = {k: v for k, v in request.GET.items()}
    try:
        totals = selectors.board_totals(user=request.user, pipeline=pipeline, params=params)
    except InvalidInput:
        totals = selectors.board_totals(user=request.user, pipeline=pipeline)
    card = selectors.opportunity_get(user=request.user, pk=moved.pk)
    return JsonResponse(
        {
            "id": moved.pk,
            "version": moved.version,
            "card": render_to_string("sales/board.html#card", {"o": card}, request=request),
            "columns": {
                str(stage_id): {"count": format_number(n), "totals": totals_text(t)}
                for stage_id, (n, t) in totals.items()
            },
            "message": _("“%(name)s” moved to “%(stage)s”.")
            % {"name": moved.name, "stage": moved.stage.label},
        }
    )


# --- the list -------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    params = request.GET
    error = ""
    try:
        page = selectors.opportunity_list(
            user=user,
            params=params,
            sort=params.get("sort"),
            cursor=params.get("cursor"),
            limit=params.get("limit"),
        )
        count, capped = selectors.opportunity_count(user=user, params=params)
    except InvalidInput as exc:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        page = Page(items=[], next_cursor=None, sort=OPPORTUNITY_LIST.default_sort, limit=50)
        count, capped = 0, False
    pipelines = selectors.pipeline_list(user=user)
    next_params = params.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    context = {
        "page": page,
        "rows": [{"o": o, "variant": STATUS_VARIANTS.get(o.status, "neutral")} for o in page.items],
        "count": count,
        "capped": capped,
        "error": error,
        "pipelines": pipelines,
        "stages": [s for p in pipelines for s in p.stages.all()],
        "statuses": OpportunityStatus.choices,
        "params": params,
        "sort": page.sort,
        "next_query": next_params.urlencode() if page.next_cursor else "",
        "is_filtered": any(k not in {"sort", "cursor", "limit"} and v for k, v in params.items()),
        "can_create": user_can(user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/opportunity_list.html", context)


# --- the record page -----------------------------------------------------------------------------------------
def _record_context(request: HttpRequest, opportunity: Opportunity, **extra: Any) -> dict[str, Any]:
    user = request.user
    pipeline = selectors.pipeline_get(user=user, pk=opportunity.pipeline_id)
    stays = selectors.stage_history(opportunity=opportunity)
    totals: dict[int, int] = {}
    for stay in stays:
        seconds = stay.seconds if stay.seconds is not None else selectors.seconds_since(stay.entered_at)
        totals[stay.stage.pk] = totals.get(stay.stage.pk, 0) + seconds
    can_change = user_can(user, OBJECT_TYPE, "change") and _may(user, opportunity, "change")
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
        "can_delete": _may(user, opportunity, "delete"),
        "timeline_url": reverse("activities:timeline", args=[OBJECT_TYPE, opportunity.pk]),
        "inline_rows": inline_rows(opportunity, can_change=can_change),
        "time_in_stage": duration_words(selectors.seconds_since(opportunity.stage_entered_at)),
        "lost_form": extra.pop("lost_form", None) or LostForm(initial={"version": opportunity.version}),
        **extra,
    }


def _may(user: Any, opportunity: Opportunity, action: str) -> bool:
    try:
        selectors.opportunity_get(user=user, pk=opportunity.pk, action=action)
    except RecordNotFound:
        return False
    return True


@login_required
@require_GET
@domain_view
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    return render(request, "sales/opportunity_detail.html", _record_context(request, opportunity))


def _errors_text(exc: DomainError) -> str:
    parts = [f"{_label(field)}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.field_errors.items()]
    return " ".join([exc.message, *parts]) if parts else exc.message


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
            messages.error(request, _errors_text(exc))
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
        messages.error(request, _errors_text(exc))
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
def inline_rows(opportunity: Opportunity, *, can_change: bool) -> list[dict[str, Any]]:
    return [_inline_context(opportunity, key, can_change=can_change) for key in INLINE_FIELDS]


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
        "label": _label(key),
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
    context = _inline_context(opportunity, key, can_change=_may(request.user, opportunity, "change"))
    if editing:
        form = InlineFieldForm(
            key=key, initial={key: getattr(opportunity, key), "version": opportunity.version}
        )
        context.update(editing=True, form=form, bound=form[key])
    return render(request, "sales/_inline_field.html", context)


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
    return OpportunityForm(data, initial=initial, accounts=accounts, owners=owners, stages=stages)


def _apply_errors(form: OpportunityForm, exc: DomainError) -> None:
    if isinstance(exc, ConcurrentEdit) or not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, msgs in exc.field_errors.items():
        form.add_error(
            field if field in form.fields else None,
            [f"{_label(field)}: {m}" if field not in form.fields else m for m in msgs],
        )


def _changes(request: HttpRequest, form: OpportunityForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data.pop("stage", None)
    data["account"] = account_get(user=request.user, pk=data["account"])
    from crm.core.identity.selectors import user_get

    data["owner"] = user_get(pk=data["owner"])
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
        "stage_required": [_label(f) for f in opportunity.stage.required_fields or []],
    }
    return render(request, "sales/opportunity_form.html", context, status=422 if form.errors else 200)


# --- the account page's panel --------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_opportunities(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    rows = selectors.account_opportunities(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "rows": [{"o": o, "variant": STATUS_VARIANTS.get(o.status, "neutral")} for o in rows],
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/account_opportunities.html", context)
