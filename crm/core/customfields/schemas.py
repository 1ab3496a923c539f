"""API schemas for custom field definitions."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema
from crm.core.customfields.enums import FieldType


class ChoiceSchema(InSchema):
    value: str = Field(..., max_length=100)
    label: str = Field("", max_length=120)
    label_es: str = Field("", max_length=120)


class CustomFieldOut(Schema):
    id: int
    object_type: str
    key: str
    label: str
    label_es: str
    field_type: FieldType
    choices: list[ChoiceSchema]
    is_required: bool
    help_text: str
    position: int
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomFieldPage(PageOut[CustomFieldOut]):
    pass


class CustomFieldIn(InSchema):
    object_type: str = Field(..., max_length=60, examples=["contacts.account"])
    key: str = Field(..., max_length=60, examples=["region_code"])
    label: str = Field(..., max_length=120)
    label_es: str = Field("", max_length=120)
    field_type: FieldType
    choices: list[ChoiceSchema] = []
    is_required: bool = False
    help_text: str = Field("", max_length=250)
    position: int = Field(0, ge=0)


class CustomFieldPatch(PatchSchema):
    """The object type, key and type of a field never change (stored values depend on them)."""

    label: str | None = Field(None, max_length=120)
    label_es: str | None = Field(None, max_length=120)
    choices: list[ChoiceSchema] | None = None
    is_required: bool | None = None
    help_text: str | None = Field(None, max_length=250)
    position: int | None = Field(None, ge=0)
    is_active: bool | None = None
