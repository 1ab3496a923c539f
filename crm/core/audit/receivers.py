"""The only model-signal receivers in the project (STYLE rule 5): they write the audit trail.

A snapshot of each audited instance is taken when it is loaded; on save the difference is stored in the same
transaction as the change, so a rolled-back write leaves no audit entry either.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone

from crm.core.audit.context import audit_context_get
from crm.core.audit.enums import AuditAction
from crm.core.audit.registry import audited, audited_models

SNAPSHOT_ATTR = "_audit_snapshot"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _snapshot(instance: models.Model) -> dict[str, Any]:
    spec = audited(type(instance))
    if spec is None:
        return {}
    values = instance.__dict__
    return {name: values.get(name) for name in spec.snapshot_attnames}


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # `_state.adding` is not yet settled here (from_db sets it after __init__), so always snapshot;
    # post_save's `created` tells a create from an update.
    setattr(instance, SNAPSHOT_ATTR, _snapshot(instance))


def _fk_repr(f: models.Field[Any, Any], pk: Any) -> str:
    if pk is None:
        return ""
    related = f.related_model
    assert related is not None and not isinstance(related, str)
    obj = related._base_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk}"


def _changes(instance: models.Model, before: dict[str, Any] | None) -> list[dict[str, Any]]:
    spec = audited(type(instance))
    assert spec is not None
    changes: list[dict[str, Any]] = []
    for f in spec.tracked:
        old = before.get(f.attname) if before else None
        new = getattr(instance, f.attname)
        if isinstance(f, models.JSONField) and f.name == "custom":
            old_d, new_d = old or {}, new or {}
            for key in sorted(set(old_d) | set(new_d)):
                if old_d.get(key) != new_d.get(key):
                    changes.append(
                        {
                            "field": f"custom.{key}",
                            "old": _jsonable(old_d.get(key)),
                            "new": _jsonable(new_d.get(key)),
                        }
                    )
            continue
        if before is None and new in (None, "", [], {}, False):
            continue
        if before is not None and old == new:
            continue
        entry: dict[str, Any] = {"field": f.name, "old": _jsonable(old), "new": _jsonable(new)}
        if f.is_relation:
            entry["old_repr"] = _fk_repr(f, old) if before else ""
            cached = f.get_cached_value(instance, None) if f.is_cached(instance) else None  # type: ignore[attr-defined]
            entry["new_repr"] = str(cached) if cached is not None and cached.pk == new else _fk_repr(f, new)
        changes.append(entry)
    return changes


def _write(instance: models.Model, action: str, changes: list[dict[str, Any]]) -> None:
    from crm.core.audit.models import AuditEntry

    ctx = audit_context_get()
    actor = ctx.actor if ctx.actor is not None and getattr(ctx.actor, "pk", None) else None
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        source=ctx.source,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes,
        reason=ctx.reason[:500],
        request_id=ctx.request_id,
    )


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw:
        return
    before = getattr(instance, SNAPSHOT_ATTR, None)
    if created or before is None:
        _write(instance, AuditAction.CREATE, _changes(instance, None))
    else:
        was_deleted = before.get("deleted_at") is not None
        is_deleted = getattr(instance, "deleted_at", None) is not None
        changes = _changes(instance, before)
        if not was_deleted and is_deleted:
            _write(instance, AuditAction.DELETE, changes)
        elif was_deleted and not is_deleted:
            _write(instance, AuditAction.RESTORE, changes)
        elif changes:
            _write(instance, AuditAction.UPDATE, changes)
    setattr(instance, SNAPSHOT_ATTR, _snapshot(instance))


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _write(instance, AuditAction.PURGE, [])


def _on_m2m(
    sender: Any, instance: models.Model, action: str, model: type[models.Model], **kwargs: Any
) -> None:
    if audited(type(instance)) is None or action not in {
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    field_name = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), None
    )
    if field_name is None:
        return
    current = sorted(str(o) for o in getattr(instance, field_name).all())
    attr = f"_audit_m2m_{field_name}"
    if action.startswith("pre_"):
        setattr(instance, attr, current)
        return
    before = getattr(instance, attr, [])
    if before != current:
        _write(instance, AuditAction.UPDATE, [{"field": field_name, "old": before, "new": current}])


def connect() -> None:
    post_init.connect(_on_init_dispatch, dispatch_uid="crm_audit_init")
    post_save.connect(_on_save_dispatch, dispatch_uid="crm_audit_save")
    post_delete.connect(_on_delete_dispatch, dispatch_uid="crm_audit_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="crm_audit_m2m")


def _on_init_dispatch(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if audited(sender) is not None:
        _on_init(sender, instance)


def _on_save_dispatch(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if audited(sender) is not None:
        _on_save(sender, instance, kwargs.get("created", False), kwargs.get("raw", False))


def _on_delete_dispatch(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if audited(sender) is not None:
        _on_delete(sender, instance)


__all__ = ["audited_models", "connect"]
