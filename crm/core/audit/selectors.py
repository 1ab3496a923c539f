"""Reads of the audit trail and the recycle bin (permission-scoped by the caller's selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit.display import HistoryItem, history_items
from crm.core.audit.enums import AuditAction
from crm.core.audit.models import AuditEntry
from crm.core.audit.registry import audited_models
from crm.core.audit.services import RETENTION_DAYS
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import scope_q
from crm.core.listing import decode_cursor, encode_cursor


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
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk), at__lte=at)  # the bound gives the index a start
    return list(qs.select_related("actor").order_by("-at", "-id")[:limit])


def audit_entry_query(
    *, object_type: str | None = None, object_id: int | None = None
) -> QuerySet[AuditEntry]:
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
    deleted_by: Any = None  # the user who moved it to the bin, when the audit trail knows
    reason: str = ""  # why, when the deletion said (e.g. "Merged into #12")

    @property
    def purge_at(self) -> dt.datetime:
        return self.deleted_at + dt.timedelta(days=RETENTION_DAYS)

    @property
    def days_left(self) -> int:
        """Whole days before the nightly purge deletes it for good (0: at the next purge)."""
        return max(0, (self.purge_at - timezone.now()).days)


def _deleted_by(object_type: str, ids: list[int]) -> dict[int, Any]:
    """Each record's latest "delete" entry: who moved it to the bin, and why (one query)."""
    if not ids:
        return {}
    found: dict[int, Any] = {}
    entries = (
        AuditEntry.objects.filter(object_type=object_type, object_id__in=ids, action=AuditAction.DELETE)
        .select_related("actor")
        .order_by("object_id", "-at", "-id")
    )
    for entry in entries:
        found.setdefault(entry.object_id, entry)
    return found


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
        every: Any = model.all_objects  # type: ignore[attr-defined]
        rows = list(every.filter(deleted_at__isnull=False).filter(q).order_by("-deleted_at")[:limit])
        deleters = _deleted_by(model._meta.label_lower, [obj.pk for obj in rows])
        for obj in rows:
            items.append(
                BinItem(
                    object_type=model._meta.label_lower,
                    object_type_label=str(model._meta.verbose_name).capitalize(),
                    object_id=obj.pk,
                    label=str(obj),
                    deleted_at=obj.deleted_at,
                    instance=obj,
                    deleted_by=deleters[obj.pk].actor if obj.pk in deleters else None,
                    reason=deleters[obj.pk].reason if obj.pk in deleters else "",
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


@dataclass(frozen=True)
class HistoryPage:
    items: list[HistoryItem]
    next_cursor: str | None


def _visible_model(*, user: Any, object_type: str, object_id: int) -> type[models.Model]:
    """The model of `object_type` when `user` may view that record; RecordNotFound otherwise."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        raise RecordNotFound() from None
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "visible_to"):
        raise RecordNotFound()
    if not manager.visible_to(user).filter(pk=object_id).exists():
        raise RecordNotFound()
    return model


def record_history(
    *, user: Any, object_type: str, object_id: int, cursor: str | None = None, limit: int = 20
) -> HistoryPage:
    """One page of a record's history, newest first, ready to show (labels and values resolved).

    Only for records `user` may view (404 otherwise). `cursor` is the page's `next_cursor`.
    """
    model = _visible_model(user=user, object_type=object_type, object_id=object_id)
    before = decode_cursor(cursor) if cursor else None
    if before is not None and not isinstance(before[0], dt.datetime):
        raise InvalidInput(field_errors={"cursor": [_("This cursor is not valid.")]})
    entries = audit_entry_list(
        object_type=model._meta.label_lower, object_id=object_id, before=before, limit=limit + 1
    )
    next_cursor = None
    if len(entries) > limit:
        entries = entries[:limit]
        next_cursor = encode_cursor(entries[-1].at, entries[-1].pk)
    return HistoryPage(items=history_items(model=model, entries=entries), next_cursor=next_cursor)
