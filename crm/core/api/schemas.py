"""Schemas every API module shares: the problem document and small references to other records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator


class FieldErrorOut(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    """An RFC 9457 problem document (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    code: str | None = None
    errors: list[FieldErrorOut] = []


class UserRefOut(Schema):
    id: int
    full_name: str
    email: str


class DeletedOut(Schema):
    """What a restore from the recycle bin brought back."""

    object_type: str
    id: int
    restored: bool = True


class PatchSchema(Schema):
    """Base of PATCH bodies: only the fields sent change; unknown fields are refused, and so is `null`
    except for the fields listed in `NULLABLE` (those that may be emptied)."""

    model_config = ConfigDict(extra="forbid")
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError(_("This field cannot be null; leave it out to keep the stored value."))
        return value


class InSchema(Schema):
    """Base of create bodies: unknown fields (ids, timestamps, version…) are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")
