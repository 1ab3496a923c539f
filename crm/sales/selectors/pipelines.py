"""Reads for the pipeline settings screens (administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch

from crm.core.errors import RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.sales.models import Opportunity, Pipeline, Stage


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    opportunities: int  # live and in the recycle bin: what keeps the stage from being removed


def pipeline_admin_list(*, user: Any) -> list[Pipeline]:
    """Every pipeline, inactive ones too, with its stages in order (administrators; others get none)."""
    if not user_is_admin(user):
        return []
    stages = Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    return list(Pipeline.objects.prefetch_related(stages).order_by("position", "id"))


def pipeline_admin_get(*, user: Any, pk: int | str) -> Pipeline:
    """One pipeline (active or not) with its stages (administrators; RecordNotFound for others)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    if not user_is_admin(user):
        raise RecordNotFound()
    stages = Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    pipeline = Pipeline.objects.filter(pk=key).prefetch_related(stages).first()
    if pipeline is None:
        raise RecordNotFound()
    return pipeline


def pipeline_stage_rows(*, pipeline: Pipeline) -> list[StageRow]:
    """The pipeline's stages with how many opportunities each holds (one grouped query)."""
    counts = dict(
        Opportunity.all_objects.filter(pipeline_id=pipeline.pk)
        .order_by()
        .values_list("stage_id")
        .annotate(n=Count("id"))
        .values_list("stage_id", "n")
    )
    return [StageRow(stage=s, opportunities=counts.get(s.pk, 0)) for s in pipeline.stages.all()]


def pipeline_stage_get(*, pipeline: Pipeline, pk: int | str) -> Stage:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    stage = next((s for s in pipeline.stages.all() if s.pk == key), None)
    if stage is None:
        raise RecordNotFound()
    return stage


def stage_names(*, ids: list[int]) -> dict[int, str]:
    """{id: name in the active language} of these stages (analytics labels the stages it groups by)."""
    return {s.pk: str(s) for s in Stage.objects.filter(pk__in=ids).only("id", "name", "name_es")}


def pipeline_names(*, ids: list[int]) -> dict[int, str]:
    """{id: name in the active language} of these pipelines."""
    return {p.pk: str(p) for p in Pipeline.objects.filter(pk__in=ids).only("id", "name", "name_es")}
