"""API: activities (notes, tasks, calls, meetings) and the timeline of accounts and contacts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from crm.activities import selectors, services
from crm.activities.listing import ACTIVITY_LIST
from crm.activities.schemas import (
    ActivityDetailOut,
    ActivityIn,
    ActivityPage,
    ActivityPatch,
    CompleteIn,
    TimelinePageOut,
)
from crm.activities.timeline import DEFAULT_LIMIT, MAX_LIMIT, timeline_page
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version

router = Router()
activities = Router(tags=["activities"])
router.add_router("/activities", activities)

FIELD_NAMES = {"owner": "owner_id"}

_LIST_OPENAPI = list_openapi(ACTIVITY_LIST)
_LIST_OPENAPI["parameters"].append(
    {
        "in": "query",
        "name": "overdue",
        "required": False,
        "description": "true: open tasks past their due date; false: everything else.",
        "schema": {"type": "string"},
    }
)


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


@activities.get("", response=ActivityPage, openapi_extra=_LIST_OPENAPI)
def activity_list(request: HttpRequest) -> Any:
    """Activities the caller may see (`?kind=task&owner=me&overdue=true`, `?account=42`)."""
    with query_errors():
        return selectors.activity_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@activities.post("", response={201: ActivityDetailOut})
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    owner_id = data.pop("owner_id")
    with renamed_fields(FIELD_NAMES):
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        activity = services.activity_create(actor=user, owner=owner, **data)
    return Status(201, selectors.activity_get(user=user, pk=activity.pk))


@activities.get("/{int:activity_id}", response=ActivityDetailOut)
def activity_get(request: HttpRequest, activity_id: int, response: HttpResponse) -> Any:
    activity = selectors.activity_get(user=request.auth, pk=activity_id)  # type: ignore[attr-defined]
    _etag(response, activity.version)
    return activity


@activities.patch("/{int:activity_id}", response=ActivityDetailOut)
def activity_update(
    request: HttpRequest, activity_id: int, payload: ActivityPatch, response: HttpResponse
) -> Any:
    """Change the fields sent. Send `If-Match: <version>` (or `version`) to refuse overwriting a newer edit."""
    user = request.auth  # type: ignore[attr-defined]
    activity = selectors.activity_get(user=user, pk=activity_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(FIELD_NAMES):
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        services.activity_update(actor=user, activity=activity, expected_version=version, **changes)
    activity = selectors.activity_get(user=user, pk=activity_id)
    _etag(response, activity.version)
    return activity


@activities.post("/{int:activity_id}/complete", response=ActivityDetailOut)
def activity_complete(request: HttpRequest, activity_id: int, payload: CompleteIn) -> Any:
    """Tick a task done (`{"is_done": true}`, the default) or open it again (`false`)."""
    user = request.auth  # type: ignore[attr-defined]
    activity = selectors.activity_get(user=user, pk=activity_id)
    services.activity_complete(actor=user, activity=activity, is_done=payload.is_done)
    return selectors.activity_get(user=user, pk=activity_id)


@activities.delete("/{int:activity_id}", response={204: None})
def activity_delete(request: HttpRequest, activity_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.activity_delete(actor=user, activity=selectors.activity_get(user=user, pk=activity_id))
    return Status(204, None)


# --- timelines ------------------------------------------------------------------------------------------------
def _timeline(
    request: HttpRequest, object_type: str, object_id: int, cursor: str | None, limit: int | None
) -> Any:
    size = limit or DEFAULT_LIMIT
    with query_errors():
        page = timeline_page(
            user=request.auth,  # type: ignore[attr-defined]
            object_type=object_type,
            object_id=object_id,
            cursor=cursor,
            limit=size,
        )
    return {"items": page.entries, "next_cursor": page.next_cursor, "limit": size}


@router.get("/accounts/{int:account_id}/timeline", response=TimelinePageOut, tags=["accounts"])
def account_timeline(
    request: HttpRequest,
    account_id: int,
    cursor: str | None = None,
    limit: int | None = Query(None, ge=1, le=MAX_LIMIT),  # type: ignore[type-arg]
) -> Any:
    """Everything that happened to the account, newest first: activities, changes, and what other apps add."""
    return _timeline(request, "contacts.account", account_id, cursor, limit)


@router.get("/contacts/{int:contact_id}/timeline", response=TimelinePageOut, tags=["contacts"])
def contact_timeline(
    request: HttpRequest,
    contact_id: int,
    cursor: str | None = None,
    limit: int | None = Query(None, ge=1, le=MAX_LIMIT),  # type: ignore[type-arg]
) -> Any:
    return _timeline(request, "contacts.contact", contact_id, cursor, limit)
