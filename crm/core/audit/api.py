"""API: the audit trail (read) and the recycle bin (list, restore)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from crm.core.api.errors import query_errors
from crm.core.api.pagination import list_openapi, page_args
from crm.core.audit import services
from crm.core.audit.listing import AUDIT_LIST, audit_entry_get, audit_entry_page, audit_history_page
from crm.core.audit.schemas import AuditEntryOut, AuditPage, BinItemOut, RestoredOut
from crm.core.audit.selectors import recycle_bin_item_get, recycle_bin_list
from crm.core.errors import RecordNotFound
from crm.core.listing import Page

router = Router(tags=["audit"])


@router.get("/audit", response=AuditPage, openapi_extra=list_openapi(AUDIT_LIST))
def audit_list(request: HttpRequest) -> Any:
    """The audit trail, newest first. Administrators read all of it; other users the history of one record
    they can see (`?object_type=contacts.account&object_id=42`)."""
    with query_errors():
        return audit_entry_page(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@router.get("/audit/{int:entry_id}", response=AuditEntryOut)
def audit_get(request: HttpRequest, entry_id: int) -> Any:
    return audit_entry_get(user=request.auth, pk=entry_id)  # type: ignore[attr-defined]


@router.get("/recycle-bin", response=list[BinItemOut], tags=["recycle bin"])
def recycle_bin(request: HttpRequest) -> Any:
    """Deleted records the caller could delete, newest deletion first (kept 30 days)."""
    return recycle_bin_list(user=request.auth)  # type: ignore[attr-defined]


@router.post("/recycle-bin/{object_type}/{int:object_id}/restore", response=RestoredOut, tags=["recycle bin"])
def recycle_bin_restore(request: HttpRequest, object_type: str, object_id: int) -> Any:
    """Bring a record back, with everything deleted together with it (e.g. an account's activities)."""
    user = request.auth  # type: ignore[attr-defined]
    if recycle_bin_item_get(user=user, object_type=object_type, object_id=object_id) is None:
        raise RecordNotFound()
    instance = services.record_restore(object_type=object_type, object_id=object_id, actor=user)
    return {"object_type": object_type, "id": instance.pk, "label": str(instance)}


def history(*, object_type: str, object_id: int, cursor: str | None, limit: str | None) -> Page:
    """For domain routers' `/{things}/{id}/history` (after they checked the caller may see the record)."""
    with query_errors():
        return audit_history_page(object_type=object_type, object_id=object_id, cursor=cursor, limit=limit)
