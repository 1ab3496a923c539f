"""API schemas for the administration of pipelines and their stages (administrators)."""

from __future__ import annotations

from ninja import Field, Schema

from crm.core.api.schemas import InSchema, PatchSchema
from crm.sales.enums import ForecastCategory


class PlaybookTaskIn(Schema):
    title: str = Field(..., max_length=200)
    due_in_days: int = Field(0, ge=0, le=365)


class StageIn(InSchema):
    name: str = Field(..., max_length=100)
    name_es: str = Field("", max_length=100)
    probability: int = Field(0, ge=0, le=100)
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    is_won: bool = False
    is_lost: bool = False
    required_fields: list[str] = []
    playbook: list[PlaybookTaskIn] = []


class StageAddIn(StageIn):
    """`position` (0 = first); without it an open stage goes before the closing ones, a closing one last."""

    position: int | None = Field(None, ge=0)


class StagePatch(PatchSchema):
    name: str | None = Field(None, max_length=100)
    name_es: str | None = Field(None, max_length=100)
    probability: int | None = Field(None, ge=0, le=100)
    forecast_category: ForecastCategory | None = None
    is_won: bool | None = None
    is_lost: bool | None = None
    required_fields: list[str] | None = None
    playbook: list[PlaybookTaskIn] | None = None


class PipelineIn(InSchema):
    name: str = Field(..., max_length=100)
    name_es: str = Field("", max_length=100)
    stages: list[StageIn]


class PipelinePatch(PatchSchema):
    name: str | None = Field(None, max_length=100)
    name_es: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class PipelineOrderIn(InSchema):
    pipeline_ids: list[int]


class StageOrderIn(InSchema):
    stage_ids: list[int]
