"""API: custom field definitions. Everyone reads them; administrators create, change and deactivate them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from crm.core.customfields import selectors, services
from crm.core.customfields.schemas import CustomFieldIn, CustomFieldOut, CustomFieldPage, CustomFieldPatch
from crm.core.errors import RecordNotFound

router = Router(tags=["custom fields"])


class CustomFieldFilters(Schema):
    object_type: str | None = None
    include_inactive: bool = False


@router.get("/custom-fields", response=CustomFieldPage)
def custom_field_list(request: HttpRequest, filters: Query[CustomFieldFilters]) -> Any:
    """Every definition in one page (there are only ever a few dozen), ordered by object type and position."""
    items = selectors.custom_field_list(
        object_type=filters.object_type or None, include_inactive=filters.include_inactive
    )
    return {"items": items, "next_cursor": None, "limit": len(items)}


@router.get("/custom-fields/{int:field_id}", response=CustomFieldOut)
def custom_field_get(request: HttpRequest, field_id: int) -> Any:
    definition = selectors.custom_field_get(pk=field_id)
    if definition is None:
        raise RecordNotFound()
    return definition


@router.post("/custom-fields", response={201: CustomFieldOut})
def custom_field_create(request: HttpRequest, payload: CustomFieldIn) -> Any:
    data = payload.model_dump()
    return Status(201, services.custom_field_create(actor=request.auth, **data))  # type: ignore[attr-defined]


@router.patch("/custom-fields/{int:field_id}", response=CustomFieldOut)
def custom_field_update(request: HttpRequest, field_id: int, payload: CustomFieldPatch) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    return services.custom_field_update(actor=request.auth, pk=field_id, **changes)  # type: ignore[attr-defined]


@router.delete("/custom-fields/{int:field_id}", response={204: None})
def custom_field_delete(request: HttpRequest, field_id: int) -> Any:
    """Deactivate: the field disappears from forms and lists; stored values are kept."""
    services.custom_field_deactivate(actor=request.auth, pk=field_id)  # type: ignore[attr-defined]
    return Status(204, None)
