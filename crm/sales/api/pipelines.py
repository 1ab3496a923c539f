"""API: pipelines with their stages — reads for everyone who sees opportunities, writes for administrators.

Mounted at `/pipelines` by `crm.sales.api.opportunities`. Thin handlers: schema → one service → serialize.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from crm.core.errors import PermissionDenied
from crm.core.identity.permissions import user_is_admin
from crm.sales import selectors, services
from crm.sales.schemas.opportunities import PipelineOut, StageOut
from crm.sales.schemas.pipelines import (
    PipelineIn,
    PipelineOrderIn,
    PipelinePatch,
    StageAddIn,
    StageOrderIn,
    StagePatch,
)
from crm.sales.selectors.pipelines import pipeline_admin_get, pipeline_admin_list, pipeline_stage_get

pipelines = Router(tags=["pipelines"])


def _admin_pipeline(user: Any, pipeline_id: int) -> Any:
    """The pipeline for a write: 403 for a non-administrator, 404 when it does not exist."""
    if not user_is_admin(user):
        raise PermissionDenied()
    return pipeline_admin_get(user=user, pk=pipeline_id)


@pipelines.get("", response=list[PipelineOut])
def pipeline_list(request: HttpRequest, include_inactive: bool = False) -> Any:
    """Active pipelines, each with its stages in order (probability, forecast category, required fields,
    playbook). Administrators may ask for the inactive ones too (`?include_inactive=true`)."""
    user = request.auth  # type: ignore[attr-defined]
    if include_inactive and user_is_admin(user):
        return pipeline_admin_list(user=user)
    return selectors.pipeline_list(user=user)


@pipelines.post("", response={201: PipelineOut})
def pipeline_create(request: HttpRequest, payload: PipelineIn) -> Any:
    """A new pipeline (last in the order) with its stages; it needs an open, a won and a lost stage."""
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    position = len(pipeline_admin_list(user=user))
    pipeline = services.pipeline_create(
        actor=user, name=data["name"], name_es=data["name_es"], stages=data["stages"], position=position
    )
    return Status(201, pipeline_admin_get(user=user, pk=pipeline.pk))


@pipelines.post("/order", response=list[PipelineOut])
def pipeline_reorder(request: HttpRequest, payload: PipelineOrderIn) -> Any:
    """Put every pipeline in the order given."""
    user = request.auth  # type: ignore[attr-defined]
    services.pipeline_reorder(actor=user, pipeline_ids=payload.pipeline_ids)
    return pipeline_admin_list(user=user)


@pipelines.get("/{int:pipeline_id}", response=PipelineOut)
def pipeline_get(request: HttpRequest, pipeline_id: int) -> Any:
    return selectors.pipeline_get(user=request.auth, pk=pipeline_id)  # type: ignore[attr-defined]


@pipelines.patch("/{int:pipeline_id}", response=PipelineOut)
def pipeline_update(request: HttpRequest, pipeline_id: int, payload: PipelinePatch) -> Any:
    """Rename, or deactivate (`is_active: false`: off the board and the forms; its deals stay)."""
    user = request.auth  # type: ignore[attr-defined]
    pipeline = _admin_pipeline(user, pipeline_id)
    services.pipeline_update(actor=user, pipeline=pipeline, **payload.model_dump(exclude_unset=True))
    return pipeline_admin_get(user=user, pk=pipeline_id)


@pipelines.post("/{int:pipeline_id}/stages", response={201: StageOut})
def stage_add(request: HttpRequest, pipeline_id: int, payload: StageAddIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    pipeline = _admin_pipeline(user, pipeline_id)
    data = payload.model_dump()
    stage = services.stage_add(actor=user, pipeline=pipeline, **data)
    return Status(201, stage)


@pipelines.post("/{int:pipeline_id}/stages/order", response=PipelineOut)
def stage_reorder(request: HttpRequest, pipeline_id: int, payload: StageOrderIn) -> Any:
    """Put every stage of the pipeline in the order given."""
    user = request.auth  # type: ignore[attr-defined]
    pipeline = _admin_pipeline(user, pipeline_id)
    services.stage_reorder(actor=user, pipeline=pipeline, stage_ids=payload.stage_ids)
    return pipeline_admin_get(user=user, pk=pipeline_id)


@pipelines.patch("/{int:pipeline_id}/stages/{int:stage_id}", response=StageOut)
def stage_update(request: HttpRequest, pipeline_id: int, stage_id: int, payload: StagePatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    stage = pipeline_stage_get(pipeline=_admin_pipeline(user, pipeline_id), pk=stage_id)
    return services.stage_update(actor=user, stage=stage, **payload.model_dump(exclude_unset=True))


@pipelines.delete("/{int:pipeline_id}/stages/{int:stage_id}", response={204: None})
def stage_remove(request: HttpRequest, pipeline_id: int, stage_id: int) -> Any:
    """Remove a stage: 409 while opportunities are in it (or its history names it)."""
    user = request.auth  # type: ignore[attr-defined]
    stage = pipeline_stage_get(pipeline=_admin_pipeline(user, pipeline_id), pk=stage_id)
    services.stage_remove(actor=user, stage=stage)
    return Status(204, None)
