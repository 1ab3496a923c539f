"""How the audit trail is filtered, sorted and paged through the API, and who may read which part of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crm.core.audit.enums import AuditAction, Source
from crm.core.audit.models import AuditEntry
from crm.core.audit.registry import audited_models
from crm.core.audit.selectors import audit_entry_query
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import scope_q, user_is_admin
from crm.core.listing import FilterField, ListSpec, Page, SortField

AUDIT_LIST = ListSpec(
    object_type="audit.auditentry",
    filters=(
        FilterField("object_type", "object_type", "text", _("Object type")),
        FilterField("object_id", "object_id", "int", _("Object id")),
        FilterField("actor", "actor", "user", _("Who")),
        FilterField("action", "action", "choice", _("Action"), tuple(AuditAction.choices)),
        FilterField("source", "source", "choice", _("Source"), tuple(Source.choices)),
        FilterField("at", "at", "datetime", _("When")),
    ),
    sorts=(SortField("at", "at", _("When")),),
    default_sort="-at",
)


def audit_object_visible(*, user: Any, object_type: str, object_id: int) -> bool:
    """Whether `user` may see the record (alive or in the recycle bin) whose history is asked for."""
    for spec in audited_models():
        model = spec.model
        if model._meta.label_lower != object_type:
            continue
        if not hasattr(model, "all_objects"):
            return user_is_admin(user)
        q = scope_q(user, object_type, "view", getattr(model, "OWNER_FIELD", "owner"))
        if q is None:
            return False
        return bool(model.all_objects.filter(q, pk=object_id).exists())
    return False


def audit_entry_page(
    *, user: Any, params: Mapping[str, Any], sort: str | None, cursor: str | None, limit: int | str | None
) -> Page:
    """A page of the audit trail. Administrators read all of it; others the history of one record they see
    (`object_type` and `object_id` are then required; InvalidInput/RecordNotFound otherwise)."""
    qs: QuerySet[AuditEntry] = audit_entry_query()
    if not user_is_admin(user):
        object_type = str(params.get("object_type") or "")
        raw_id = str(params.get("object_id") or "")
        if not object_type or not raw_id.isdigit():
            raise InvalidInput(
                field_errors={
                    "object_type": [str(_("Give object_type and object_id of a record you can see."))],
                }
            )
        if not audit_object_visible(user=user, object_type=object_type, object_id=int(raw_id)):
            raise RecordNotFound()
        qs = qs.filter(object_type=object_type, object_id=int(raw_id))
    qs = AUDIT_LIST.apply(qs, params, user=user)
    return AUDIT_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def audit_history_page(
    *, object_type: str, object_id: int, cursor: str | None, limit: int | str | None
) -> Page:
    """One record's history, newest first (the caller has checked the user may see the record)."""
    qs = audit_entry_query(object_type=object_type, object_id=object_id)
    return AUDIT_LIST.paginate(qs, sort="-at", cursor=cursor, limit=limit)


def audit_entry_get(*, user: Any, pk: int) -> AuditEntry:
    entry = audit_entry_query().filter(pk=pk).first()
    if entry is None:
        raise RecordNotFound()
    if not user_is_admin(user) and not audit_object_visible(
        user=user, object_type=entry.object_type, object_id=entry.object_id
    ):
        raise RecordNotFound()
    return entry
