"""API schemas for the audit trail and the recycle bin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from crm.core.api.pagination import PageOut
from crm.core.api.schemas import UserRefOut


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: UserRefOut | None = None
    source: str
    action: str
    object_type: str
    object_id: int
    object_repr: str
    changes: list[dict[str, Any]]
    reason: str
    request_id: str


class AuditPage(PageOut[AuditEntryOut]):
    pass


class BinItemOut(Schema):
    object_type: str
    object_type_label: str
    id: int
    label: str
    deleted_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.object_id)


class RestoredOut(Schema):
    object_type: str
    id: int
    label: str
