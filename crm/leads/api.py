"""API: leads (list, get, create, patch, delete) and their funnel moves (contacted, qualify, disqualify,
reopen, convert). Thin handlers: validate with the schemas, call the service the web UI calls, serialize.
The list shares the UI's ListSpec (crm/leads/listing.py): the same filters, sort keys and cursors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.responses import Status

from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.leads import selectors, services
from crm.leads.listing import LEAD_LIST
from crm.leads.schemas import (
    ConvertIn,
    ConvertOut,
    DisqualifyIn,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadPatch,
    VersionIn,
)

router = Router(tags=["leads"])
FIELD_NAMES = {"owner": "owner_id"}


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


@router.get("/leads", response=LeadPage, openapi_extra=list_openapi(LEAD_LIST))
def lead_list(request: HttpRequest) -> Any:
    """Leads the caller may see, filtered like the web list (`?status=qualified&source=web_form&owner=me`)."""
    with query_errors():
        return selectors.lead_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@router.post("/leads", response={201: LeadOut})
def lead_create(request: HttpRequest, payload: LeadIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    with renamed_fields(FIELD_NAMES):
        owner_id = data.pop("owner_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        lead = services.lead_create(actor=user, owner=owner, **data)
    return Status(201, selectors.lead_get(user=user, pk=lead.pk))


@router.get("/leads/{int:lead_id}", response=LeadOut)
def lead_get(request: HttpRequest, lead_id: int, response: HttpResponse) -> Any:
    lead = selectors.lead_get(user=request.auth, pk=lead_id)  # type: ignore[attr-defined]
    _etag(response, lead.version)
    return lead


@router.patch("/leads/{int:lead_id}", response=LeadOut)
def lead_update(request: HttpRequest, lead_id: int, payload: LeadPatch, response: HttpResponse) -> Any:
    """Change the fields sent. Send `If-Match: <version>` (or `version`) to refuse overwriting a newer edit."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(FIELD_NAMES):
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        services.lead_update(actor=user, lead=lead, expected_version=version, **changes)
    lead = selectors.lead_get(user=user, pk=lead_id)
    _etag(response, lead.version)
    return lead


@router.delete("/leads/{int:lead_id}", response={204: None})
def lead_delete(request: HttpRequest, lead_id: int) -> Any:
    """Move to the recycle bin; restore with POST /recycle-bin/leads.lead/{id}/restore."""
    user = request.auth  # type: ignore[attr-defined]
    services.lead_delete(actor=user, lead=selectors.lead_get(user=user, pk=lead_id))
    return Status(204, None)


@router.post("/leads/{int:lead_id}/contacted", response=LeadOut)
def lead_mark_contacted(request: HttpRequest, lead_id: int, payload: VersionIn) -> Any:
    """First contact made: a new lead becomes contacted."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    services.lead_mark_contacted(actor=user, lead=lead, expected_version=payload.version)
    return selectors.lead_get(user=user, pk=lead_id)


@router.post("/leads/{int:lead_id}/qualify", response=LeadOut)
def lead_qualify(request: HttpRequest, lead_id: int, payload: VersionIn) -> Any:
    """The lead is worth pursuing (409 when it is converted or disqualified)."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    services.lead_qualify(actor=user, lead=lead, expected_version=payload.version)
    return selectors.lead_get(user=user, pk=lead_id)


@router.post("/leads/{int:lead_id}/disqualify", response=LeadOut)
def lead_disqualify(request: HttpRequest, lead_id: int, payload: DisqualifyIn) -> Any:
    """Stop working the lead, with a reason."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    services.lead_disqualify(
        actor=user, lead=lead, reason=payload.reason, note=payload.note, expected_version=payload.version
    )
    return selectors.lead_get(user=user, pk=lead_id)


@router.post("/leads/{int:lead_id}/reopen", response=LeadOut)
def lead_reopen(request: HttpRequest, lead_id: int, payload: VersionIn) -> Any:
    """A disqualified lead goes back to the last stage it had reached."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    services.lead_reopen(actor=user, lead=lead, expected_version=payload.version)
    return selectors.lead_get(user=user, pk=lead_id)


@router.post("/leads/{int:lead_id}/convert", response=ConvertOut)
def lead_convert(request: HttpRequest, lead_id: int, payload: ConvertIn) -> Any:
    """Convert into an account and a contact: the ones given, else the best existing matches, else new ones
    (one transaction; 409 when the lead is already converted or disqualified)."""
    user = request.auth  # type: ignore[attr-defined]
    lead = selectors.lead_get(user=user, pk=lead_id)
    result = services.lead_convert(
        actor=user,
        lead=lead,
        expected_version=payload.version,
        account_id=payload.account_id,
        contact_id=payload.contact_id,
        create_account=payload.create_account,
        create_contact=payload.create_contact,
        create_opportunity=payload.create_opportunity,
        pipeline_id=payload.pipeline_id,
    )
    return {
        "lead": selectors.lead_get(user=user, pk=lead_id),
        "account": {"id": result.account.pk, "name": result.account.name},
        "contact": {"id": result.contact.pk, "name": str(result.contact)},
        "account_created": result.account_created,
        "contact_created": result.contact_created,
        "opportunity": (
            {"id": result.opportunity.pk, "name": result.opportunity.name} if result.opportunity else None
        ),
    }
