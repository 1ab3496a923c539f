"""Reads of the audit trail and the recycle bin (permission-scoped by the caller's selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from crm.core.audit.models import AuditEntry
from crm.core.audit.registry import audited_models
from crm.core.identity.permissions import scope_q


def audit_entry_list(
    *,
    object_type: str,
    object_id: int,
    before: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """The history of one record, newest first, keyset-paginated by (at, id)."""
    qs = AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    return list(qs.select_related("actor").order_by("-at", "-id")[:limit])


def audit_entry_query(*, object_type: str | None = None, object_id: int | None = None) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class BinItem:
    object_type: str
    object_type_label: str
    object_id: int
    label: str
    deleted_at: dt.datetime
    instance: Any


def recycle_bin_list(*, user: Any, limit: int = 200) -> list[BinItem]:
    """Deleted records the user could delete, newest deletion first."""
    items: list[BinItem] = []
    for spec in audited_models():
        model: type[models.Model] = spec.model
        if not hasattr(model, "deletion_batch"):
            continue
        q = scope_q(user, model._meta.label_lower, "delete", getattr(model, "OWNER_FIELD", "owner"))
        if q is None:
            continue
        rows = model.all_objects.filter(deleted_at__isnull=False).filter(q).order_by("-deleted_at")[:limit]  # type: ignore[attr-defined]
        for obj in rows:
            items.append(
                BinItem(
                    object_type=model._meta.label_lower,
                    object_type_label=str(model._meta.verbose_name).capitalize(),
                    object_id=obj.pk,
                    label=str(obj),
                    deleted_at=obj.deleted_at,
                    instance=obj,
                )
            )
    items.sort(key=lambda i: i.deleted_at, reverse=True)
    return items[:limit]


def recycle_bin_item_get(*, user: Any, object_type: str, object_id: int) -> Any | None:
    for spec in audited_models():
        model = spec.model
        if model._meta.label_lower != object_type or not hasattr(model, "deletion_batch"):
            continue
        q = scope_q(user, object_type, "delete", getattr(model, "OWNER_FIELD", "owner"))
        if q is None:
            return None
        return model.all_objects.filter(q, pk=object_id, deleted_at__isnull=False).first()  # type: ignore[attr-defined]
    return None
