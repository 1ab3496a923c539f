"""Settings → Pipelines (administrators): pipelines and their stages.

Thin: parse the form, call one service, redirect with a message, or show the refusal beside the field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, RecordNotFound
from crm.core.identity.views.guards import admin_required
from crm.sales import services
from crm.sales.forms import NewPipelineForm, PipelineForm, StageForm, playbook_text
from crm.sales.selectors.pipelines import (
    pipeline_admin_get,
    pipeline_stage_get,
    pipeline_stage_rows,
)
from crm.sales.selectors.pipelines import (
    pipeline_admin_list as pipelines_for_admin,
)
from crm.sales.views.common import field_label

DEFAULT_OPEN_STAGES = ("Qualify", "Proposal", "Negotiation")
ADD_PREFIX = "stage"  # the "Add a stage" form shares the page with the pipeline's own form


def _errors_onto(form: Any, exc: DomainError) -> None:
    if isinstance(exc, RecordNotFound):
        raise exc
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, msgs in exc.field_errors.items():
        form.add_error(field if field in form.fields else None, msgs)


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    """`ids` with `pk` one place up or down."""
    if pk not in ids:
        return ids
    i = ids.index(pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return ids


@domain_view
@admin_required
def pipeline_admin_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/pipelines/list.html", {"pipelines": pipelines_for_admin(user=request.user)})


@domain_view
@admin_required
@require_POST
def pipeline_admin_reorder(request: HttpRequest) -> HttpResponse:
    ids = [p.pk for p in pipelines_for_admin(user=request.user)]
    moved = request.POST.get("pipeline", "")
    if moved.isdigit():
        try:
            services.pipeline_reorder(
                actor=request.user, pipeline_ids=_moved(ids, int(moved), request.POST.get("direction", ""))
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Pipelines reordered."))
    return redirect("sales:pipeline_admin_list")


@domain_view
@admin_required
def pipeline_admin_create(request: HttpRequest) -> HttpResponse:
    """A new pipeline: its name and the names of its stages (their details are set on the next page)."""
    initial = {"open_stages": "\n".join(DEFAULT_OPEN_STAGES), "won_name": "Won", "lost_name": "Lost"}
    form = NewPipelineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = [line.strip() for line in str(data["open_stages"] or "").splitlines() if line.strip()]
        count = len(names)
        stages: list[dict[str, Any]] = [
            {"name": name, "probability": min(90, round(100 * (i + 1) / (count + 1)))}
            for i, name in enumerate(names)
        ]
        stages.append(
            {"name": data["won_name"], "probability": 100, "forecast_category": "closed", "is_won": True}
        )
        stages.append(
            {"name": data["lost_name"], "probability": 0, "forecast_category": "omitted", "is_lost": True}
        )
        try:
            pipeline = services.pipeline_create(
                actor=request.user,
                name=data["name"],
                name_es=data["name_es"],
                stages=stages,
                position=len(pipelines_for_admin(user=request.user)),
            )
        except DomainError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Pipeline “%(name)s” created.") % {"name": pipeline.name})
            return redirect("sales:pipeline_admin_detail", pk=pipeline.pk)
    return render(request, "sales/pipelines/create.html", {"form": form}, status=422 if form.errors else 200)


def _detail(
    request: HttpRequest,
    pipeline: Any,
    *,
    form: PipelineForm | None = None,
    stage_form: StageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = pipeline_stage_rows(pipeline=pipeline)
    context = {
        "pipeline": pipeline,
        "form": form
        or PipelineForm(
            initial={"name": pipeline.name, "name_es": pipeline.name_es, "is_active": pipeline.is_active}
        ),
        "stage_form": stage_form or StageForm(prefix=ADD_PREFIX),
        "rows": [
            {
                "stage": r.stage,
                "opportunities": r.opportunities,
                "required": ", ".join(field_label(f) for f in r.stage.required_fields or []),
            }
            for r in rows
        ],
    }
    return render(request, "sales/pipelines/detail.html", context, status=status)


@domain_view
@admin_required
def pipeline_admin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The pipeline's name and state, and its stages; POST saves the pipeline's own fields."""
    pipeline = pipeline_admin_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _detail(request, pipeline)
    form = PipelineForm(request.POST)
    if form.is_valid():
        try:
            services.pipeline_update(actor=request.user, pipeline=pipeline, **form.cleaned_data)
        except DomainError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Pipeline “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("sales:pipeline_admin_detail", pk=pk)
    return _detail(request, pipeline, form=form, status=422)


@domain_view
@admin_required
@require_POST
def stage_admin_create(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = pipeline_admin_get(user=request.user, pk=pk)
    form = StageForm(request.POST, prefix=ADD_PREFIX)
    if form.is_valid():
        try:
            stage = services.stage_add(actor=request.user, pipeline=pipeline, **form.stage_data())
        except DomainError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.name})
            return redirect("sales:pipeline_admin_detail", pk=pk)
    return _detail(request, pipeline_admin_get(user=request.user, pk=pk), stage_form=form, status=422)


@domain_view
@admin_required
@require_POST
def stage_admin_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = pipeline_admin_get(user=request.user, pk=pk)
    ids = [s.pk for s in pipeline.stages.all()]
    moved = request.POST.get("stage", "")
    if moved.isdigit():
        try:
            services.stage_reorder(
                actor=request.user,
                pipeline=pipeline,
                stage_ids=_moved(ids, int(moved), request.POST.get("direction", "")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Stages reordered."))
    return redirect("sales:pipeline_admin_detail", pk=pk)


@domain_view
@admin_required
def stage_admin_update(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    pipeline = pipeline_admin_get(user=request.user, pk=pk)
    stage = pipeline_stage_get(pipeline=pipeline, pk=stage_id)
    if request.method == "POST":
        form = StageForm(request.POST)
        if form.is_valid():
            try:
                services.stage_update(actor=request.user, stage=stage, **form.stage_data())
            except DomainError as exc:
                _errors_onto(form, exc)
            else:
                messages.success(request, _("Stage “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect("sales:pipeline_admin_detail", pk=pk)
    else:
        form = StageForm(
            initial={
                "name": stage.name,
                "name_es": stage.name_es,
                "probability": stage.probability,
                "forecast_category": stage.forecast_category,
                "closing": "won" if stage.is_won else "lost" if stage.is_lost else "open",
                "required_fields": stage.required_fields,
                "playbook": playbook_text(stage.playbook),
            }
        )
    context = {"pipeline": pipeline, "stage": stage, "form": form}
    return render(request, "sales/pipelines/stage_form.html", context, status=422 if form.errors else 200)


@domain_view
@admin_required
@require_POST
def stage_admin_remove(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    pipeline = pipeline_admin_get(user=request.user, pk=pk)
    stage = pipeline_stage_get(pipeline=pipeline, pk=stage_id)
    try:
        services.stage_remove(actor=request.user, stage=stage)
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, " ".join([exc.message, *(m for ms in exc.field_errors.values() for m in ms)]))
    else:
        messages.success(request, _("Stage “%(name)s” removed.") % {"name": stage.name})
    return redirect("sales:pipeline_admin_detail", pk=pk)
