"""Soft delete, restore and purge: generic over every audited record model."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.audit.events import RecordsRestored
from crm.core.audit.registry import audited_models
from crm.core.errors import PermissionDenied, RecordNotFound, RestoreConflict
from crm.core.events import publish_on_commit
from crm.core.identity.permissions import scope_q, user_is_admin

RETENTION_DAYS = 30


def _record_models() -> list[type[models.Model]]:
    return [spec.model for spec in audited_models() if hasattr(spec.model, "deletion_batch")]


def _model_for(object_type: str) -> type[models.Model]:
    for model in _record_models():
        if model._meta.label_lower == object_type:
            return model
    raise RecordNotFound()


@transaction.atomic
def record_soft_delete(
    *, instance: Any, actor: Any, dependents: Iterable[Any] = (), batch: uuid.UUID | None = None
) -> uuid.UUID:
    """Move `instance` (and `dependents`, e.g. its activities) to the recycle bin as one batch."""
    batch = batch or uuid.uuid4()
    now = timezone.now()
    with audit_context(actor=actor):
        for obj in [instance, *dependents]:
            if obj.deleted_at is not None:
                continue
            obj.deleted_at = now
            obj.deletion_batch = batch
            obj.save(update_fields=["deleted_at", "deletion_batch", "updated_at"])
    return batch


@transaction.atomic
def record_restore(*, object_type: str, object_id: int, actor: Any) -> Any:
    """Bring a record back from the recycle bin, with everything deleted together with it."""
    model = _model_for(object_type)
    rows = model.all_objects.select_for_update().filter(pk=object_id, deleted_at__isnull=False)  # type: ignore[attr-defined]
    if actor is not None:  # only what the actor could have deleted comes back (None: the system itself)
        q = scope_q(actor, object_type, "delete", getattr(model, "OWNER_FIELD", "owner"))
        if q is None:
            raise RecordNotFound()
        rows = rows.filter(q)
    instance = rows.first()
    if instance is None:
        raise RecordNotFound()
    batch = instance.deletion_batch
    obj: Any = instance
    restored: list[RecordsRestored] = []
    try:
        with audit_context(actor=actor), transaction.atomic():  # a savepoint: a clash undoes the whole batch
            for other_model in _record_models():
                every: Any = other_model.all_objects  # type: ignore[attr-defined]
                rows = (
                    every.filter(deletion_batch=batch)
                    if batch
                    else every.filter(pk=object_id)
                    if other_model is model
                    else []
                )
                ids = []
                for obj in rows:
                    obj.deleted_at = None
                    obj.deletion_batch = None
                    obj.save(update_fields=["deleted_at", "deletion_batch", "updated_at"])
                    ids.append(obj.pk)
                if ids:
                    restored.append(
                        RecordsRestored(
                            object_type=other_model._meta.label_lower,
                            object_ids=tuple(ids),
                            actor_id=getattr(actor, "pk", None),
                        )
                    )
    except IntegrityError as exc:  # e.g. a new product took the SKU of the one in the bin
        raise RestoreConflict(
            _("“%(name)s” cannot be restored: another record already uses the same %(fields)s.")
            % {"name": obj, "fields": get_text_list(_unique_field_names(type(obj)), _("or"))}
        ) from exc
    for event in restored:
        publish_on_commit(event)
    instance.refresh_from_db()
    return instance


def _unique_field_names(model: type[models.Model]) -> list[str]:
    """The verbose names of the fields a live record must not share (unique fields and unique constraints)."""
    names: list[str] = []
    fields = [f.name for f in model._meta.fields if f.unique and not f.primary_key]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            fields.extend(constraint.fields)
    for name in fields:
        label = str(getattr(model._meta.get_field(name), "verbose_name", name))
        if label not in names:
            names.append(label)
    return names or [_("value")]


def recycle_bin_purge(*, older_than_days: int = RETENTION_DAYS, now: dt.datetime | None = None) -> int:
    """Delete for good what has been in the recycle bin longer than the retention period."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    purged = 0
    with audit_context(source="job"):
        for model in _record_models():
            while True:
                ids = list(
                    model.all_objects.filter(deleted_at__lt=cutoff).values_list("pk", flat=True)[:500]  # type: ignore[attr-defined]
                )
                if not ids:
                    break
                with transaction.atomic():
                    for obj in model.all_objects.filter(pk__in=ids):  # type: ignore[attr-defined]
                        obj.delete()
                        purged += 1
    return purged


@transaction.atomic
def record_purge(*, object_type: str, object_id: int, actor: Any) -> None:
    """Delete one record in the recycle bin for good (administrators; `actor=None` is the system)."""
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()
    model = _model_for(object_type)
    instance = model.all_objects.filter(pk=object_id, deleted_at__isnull=False).first()  # type: ignore[attr-defined]
    if instance is None:
        raise RecordNotFound()
    with audit_context(actor=actor):
        instance.delete()
