"""The pipeline board: columns, "load more", and the drag-and-drop move (JSON for the board script)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.ui.formats import format_number
from crm.sales import selectors, services
from crm.sales.forms import MoveForm
from crm.sales.models import Opportunity
from crm.sales.views.common import (
    OBJECT_TYPE,
    field_label,
    totals_text,
)


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
        {"field": field, "label": field_label(field), "message": str(message)}
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
