"""API schemas of territories and assignment rules."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from ninja import Field, Schema

from crm.core.api.schemas import InSchema, PatchSchema


class TerritoryOut(Schema):
    id: int
    name: str
    description: str
    countries: list[str]
    regions: list[str]
    postal_ranges: list[list[str]]
    created_at: dt.datetime
    updated_at: dt.datetime


class TerritoryIn(InSchema):
    name: str = Field(..., max_length=120)
    description: str = ""
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes, e.g. ES.")
    regions: list[str] = Field(default_factory=list)
    postal_ranges: list[list[str]] = Field(
        default_factory=list, description='Inclusive ranges, e.g. [["28000", "28999"]].'
    )


class TerritoryPatch(PatchSchema):
    name: str | None = Field(None, max_length=120)
    description: str | None = None
    countries: list[str] | None = None
    regions: list[str] | None = None
    postal_ranges: list[list[str]] | None = None


class RuleOut(Schema):
    id: int
    object_type: str
    name: str
    position: int
    is_active: bool
    territory_id: int | None
    industries: list[str]
    sizes: list[str]
    min_score: int | None
    strategy: str
    user_id: int | None
    team_id: int | None
    last_user_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class RuleIn(InSchema):
    object_type: str = Field(..., description="contacts.account or contacts.contact (later: leads, cases).")
    name: str = Field(..., max_length=120)
    is_active: bool = True
    territory_id: int | None = None
    industries: list[str] = Field(default_factory=list)
    sizes: list[str] = Field(default_factory=list)
    min_score: int | None = Field(
        None, description="Scored records (leads): match only a score of at least this (0-100)."
    )
    strategy: str = Field("user", description="user, round_robin or least_loaded.")
    user_id: int | None = None
    team_id: int | None = None


class RulePatch(PatchSchema):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"territory_id", "user_id", "team_id", "min_score"})
    name: str | None = Field(None, max_length=120)
    is_active: bool | None = None
    territory_id: int | None = None
    industries: list[str] | None = None
    sizes: list[str] | None = None
    min_score: int | None = None
    strategy: str | None = None
    user_id: int | None = None
    team_id: int | None = None


class RuleMoveIn(InSchema):
    offset: int = Field(..., description="-1 moves the rule up one place, 1 down.")
