"""API schemas of duplicates and merges, and the `allow_duplicate` flag of the create/update endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Query, Schema

AllowDuplicate = Annotated[
    bool,
    Query(
        description="Save even when the record looks like a duplicate of one that exists. Without it a likely "
        "duplicate is refused with 409 `likely_duplicate`, whose body lists the `candidates`."
    ),
]


class DuplicateCandidateOut(Schema):
    id: int = Field(description="The likely existing duplicate's id.")
    name: str
    score: float = Field(description="0..1: how alike the two records are.")
    reasons: list[str] = Field(
        description="Machine codes: same_email, same_phone, same_name, swapped_name, …"
    )
    reason_labels: list[str] = Field(description="The reasons in the request's language.")
    url: str


class LikelyDuplicateProblem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str]]
    candidates: list[DuplicateCandidateOut]


DUPLICATE_409: dict[str, Any] = {
    "responses": {
        409: {
            "description": "Refused: a likely duplicate (`code` = `likely_duplicate`, see `candidates`; send "
            "`?allow_duplicate=true` to save anyway), or a concurrent edit (`code` = `conflict`).",
            "content": {
                "application/problem+json": {
                    "schema": {
                        "type": "object",
                        "required": ["type", "title", "status", "code"],
                        "properties": {
                            "type": {"type": "string"},
                            "title": {"type": "string"},
                            "status": {"type": "integer"},
                            "detail": {"type": "string"},
                            "code": {"type": "string"},
                            "errors": {"type": "array", "items": {"type": "object"}},
                            "candidates": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "name": {"type": "string"},
                                        "score": {"type": "number"},
                                        "reasons": {"type": "array", "items": {"type": "string"}},
                                        "reason_labels": {"type": "array", "items": {"type": "string"}},
                                        "url": {"type": "string"},
                                    },
                                },
                            },
                        },
                    }
                }
            },
        }
    }
}


class PairOut(Schema):
    id: int
    object_type: str
    record_a: int
    record_b: int
    score: float
    reasons: list[str]
    status: str
    found_at: dt.datetime


class PairPage(Schema):
    items: list[PairOut]
    next_cursor: str | None = None


class MergeIn(Schema):
    survivor_id: int = Field(description="The record that stays.")
    merged_ids: list[int] = Field(min_length=1, max_length=9, description="The records merged into it.")
    fields: dict[str, int] = Field(
        default_factory=dict,
        description='Per field, the id of the record whose value wins (e.g. {"email": 12}). Fields left out '
        "keep the survivor's value, or the first merged record's when the survivor has none.",
    )
    versions: dict[str, int] = Field(
        description='Each record\'s `version` as you read it ({"12": 3, "15": 1}); if any record changed '
        "since, the merge is refused with 409 and nothing changes."
    )


class MergeOut(Schema):
    id: int
    object_type: str
    survivor_id: int
    merged_ids: list[int]
    at: dt.datetime
    is_automatic: bool
    undone_at: dt.datetime | None = None


class DismissIn(Schema):
    ids: list[int] = Field(
        min_length=2, max_length=10, description="Records that are not duplicates of each other."
    )


class ScanOut(Schema):
    task_id: str
