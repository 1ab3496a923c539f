"""API: the duplicate review queue, "not a duplicate", scans, merges and undo. Thin handlers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.contacts.duplicates import selectors
from crm.contacts.duplicates.schemas import DismissIn, MergeIn, MergeOut, PairOut, PairPage, ScanOut
from crm.contacts.enums import DuplicateObject
from crm.contacts.services.duplicates import duplicate_dismiss, object_model
from crm.contacts.services.merge import merge_undo, records_merge
from crm.contacts.tasks import duplicate_scan_task
from crm.core.api.errors import query_errors
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_is_admin

router = Router(tags=["duplicates"])


@router.get("/duplicates/{object_type}/pairs", response=PairPage)
def duplicate_pair_list(
    request: HttpRequest, object_type: DuplicateObject, cursor: str | None = None, limit: int = 50
) -> Any:
    """The review queue: open pairs of likely duplicates, best score first, where you may see both records."""
    user = request.auth  # type: ignore[attr-defined]
    with query_errors():
        if not 1 <= limit <= 200:
            raise InvalidInput(field_errors={"limit": [_("Enter a number from 1 to 200.")]})
        rows, next_cursor = selectors.duplicate_pair_page(
            user=user, object_type=object_type, cursor=cursor, limit=limit
        )
    return {"items": [PairOut.from_orm(r.pair) for r in rows], "next_cursor": next_cursor}


@router.post("/duplicates/{object_type}/dismiss", response={200: dict[str, int]})
def duplicate_dismiss_api(request: HttpRequest, object_type: DuplicateObject, payload: DismissIn) -> Any:
    """Mark records as not duplicates of each other: they are never proposed together again."""
    decided = duplicate_dismiss(actor=request.auth, object_type=object_type, ids=payload.ids)  # type: ignore[attr-defined]
    return {"pairs": decided}


@router.post("/duplicates/{object_type}/scan", response={202: ScanOut})
def duplicate_scan_start(request: HttpRequest, object_type: DuplicateObject) -> Any:
    """Start a scan of the whole base (a background job) that refreshes the review queue. Administrators."""
    if not user_is_admin(request.auth):  # type: ignore[attr-defined]
        raise PermissionDenied()
    object_model(object_type)
    result = duplicate_scan_task.enqueue(object_type=str(object_type))
    return Status(202, {"task_id": str(result.id)})


@router.post("/duplicates/{object_type}/merge", response={201: MergeOut})
def duplicate_merge(request: HttpRequest, object_type: DuplicateObject, payload: MergeIn) -> Any:
    """Merge `merged_ids` into `survivor_id`: chosen field values, every related record moved, the merged
    records to the recycle bin. Needs change on the survivor and delete on the others."""
    versions: dict[int, int] = {}
    for key, value in payload.versions.items():
        if not key.isdigit():
            raise InvalidInput(field_errors={"versions": [f"{key}: not a record id"]})
        versions[int(key)] = value
    merge = records_merge(
        actor=request.auth,  # type: ignore[attr-defined]
        object_type=object_type,
        survivor_id=payload.survivor_id,
        merged_ids=payload.merged_ids,
        field_sources=payload.fields,
        expected_versions=versions,
    )
    return Status(201, merge)


@router.get("/duplicates/merges/{int:merge_id}", response=MergeOut)
def duplicate_merge_get(request: HttpRequest, merge_id: int) -> Any:
    return selectors.merge_get(user=request.auth, pk=merge_id)  # type: ignore[attr-defined]


@router.post("/duplicates/merges/{int:merge_id}/undo", response=MergeOut)
def duplicate_merge_undo(request: HttpRequest, merge_id: int) -> Any:
    """Undo a merge exactly (refused with 409 when the survivor was edited after it)."""
    return merge_undo(actor=request.auth, merge_id=merge_id)  # type: ignore[attr-defined]
