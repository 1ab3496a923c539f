"""API schemas for users (read), the caller's own profile, and personal access tokens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from crm.core.api.schemas import InSchema, PatchSchema


class TeamRefOut(Schema):
    id: int
    name: str


class RoleRefOut(Schema):
    key: str
    name: str


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    phone: str
    language: str
    is_active: bool
    team: TeamRefOut | None = None
    role: RoleRefOut | None = None
    manager_id: int | None = None


class MePatch(PatchSchema):
    """What a user may change about themselves."""

    full_name: str | None = Field(None, max_length=150)
    job_title: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    language: Literal["", "en", "es"] | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None


class TokenIn(InSchema):
    name: str = Field(..., max_length=120)
    scopes: list[Literal["read", "write"]] = ["read", "write"]
    expires_at: dt.datetime | None = None


class TokenCreatedOut(TokenOut):
    secret: str = Field(..., description="Shown only once: store it now.")
