"""API: pipelines (with their stages) and opportunities, with stage moves and won/lost.

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.contacts.selectors import account_get, contact_get
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.core.errors import InvalidInput, RecordNotFound
from crm.sales import selectors, services
from crm.sales.api.pipelines import pipelines
from crm.sales.listing import OPPORTUNITY_LIST
from crm.sales.schemas.opportunities import (
    LostIn,
    MoveIn,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityPage,
    OpportunityPatch,
    WonIn,
)

router = Router()
opportunities = Router(tags=["opportunities"])
router.add_router("/pipelines", pipelines)
router.add_router("/opportunities", opportunities)

FIELD_NAMES = {"owner": "owner_id", "account": "account_id", "contacts": "contact_ids", "stage": "stage_id"}


def _account(user: Any, pk: int) -> Any:
    try:
        return account_get(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={"account_id": [_("Choose an account you can see.")]}) from None


def _contacts(user: Any, ids: list[int]) -> list[Any]:
    try:
        return [contact_get(user=user, pk=pk) for pk in dict.fromkeys(ids)]
    except RecordNotFound:
        raise InvalidInput(field_errors={"contact_ids": [_("Choose contacts you can see.")]}) from None


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


# --- opportunities ------------------------------------------------------------------------------------------
@opportunities.get("", response=OpportunityPage, openapi_extra=list_openapi(OPPORTUNITY_LIST))
def opportunity_list(request: HttpRequest) -> Any:
    """Opportunities the caller may see (`?pipeline=1&stage=3&status=open&owner=me&close_date__lte=…`)."""
    with query_errors():
        return selectors.opportunity_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@opportunities.post("", response={201: OpportunityDetailOut})
def opportunity_create(request: HttpRequest, payload: OpportunityIn) -> Any:
    """A new opportunity in `stage_id` (default: the pipeline's first open stage); its probability defaults
    to the stage's. The stage's required fields apply and its playbook tasks are created."""
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    with renamed_fields(FIELD_NAMES):
        try:
            pipeline = selectors.pipeline_get(user=user, pk=data.pop("pipeline_id"))
        except RecordNotFound:
            raise InvalidInput(field_errors={"pipeline_id": [_("Choose a pipeline.")]}) from None
        stage_id = data.pop("stage_id")
        stage = None
        if stage_id is not None:
            stage = selectors.stage_get(pipeline=pipeline, pk=stage_id)
            if stage is None:
                raise InvalidInput(field_errors={"stage_id": [_("Choose a stage of this pipeline.")]})
        owner_id = data.pop("owner_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        data["account"] = _account(user, data.pop("account_id"))
        data["contacts"] = _contacts(user, data.pop("contact_ids"))
        if data.get("probability") is None:
            data.pop("probability", None)
        opportunity = services.opportunity_create(
            actor=user, pipeline=pipeline, stage=stage, owner=owner, **data
        )
    return Status(201, selectors.opportunity_get(user=user, pk=opportunity.pk))


@opportunities.get("/{int:opportunity_id}", response=OpportunityDetailOut)
def opportunity_get(request: HttpRequest, opportunity_id: int, response: HttpResponse) -> Any:
    opportunity = selectors.opportunity_get(user=request.auth, pk=opportunity_id)  # type: ignore[attr-defined]
    _etag(response, opportunity.version)
    return opportunity


@opportunities.patch("/{int:opportunity_id}", response=OpportunityDetailOut)
def opportunity_update(
    request: HttpRequest, opportunity_id: int, payload: OpportunityPatch, response: HttpResponse
) -> Any:
    """Change the fields sent. Send `version` (or `If-Match: <version>`): a stale version answers 409 and
    changes nothing."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(FIELD_NAMES):
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        if "account_id" in changes:
            changes["account"] = _account(user, changes.pop("account_id"))
        if "contact_ids" in changes:
            changes["contacts"] = _contacts(user, changes.pop("contact_ids"))
        services.opportunity_update(actor=user, opportunity=opportunity, expected_version=version, **changes)
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    _etag(response, opportunity.version)
    return opportunity


@opportunities.delete("/{int:opportunity_id}", response={204: None})
def opportunity_delete(request: HttpRequest, opportunity_id: int) -> Any:
    """Move to the recycle bin; restore with POST /recycle-bin/sales.opportunity/{id}/restore."""
    user = request.auth  # type: ignore[attr-defined]
    services.opportunity_delete(
        actor=user, opportunity=selectors.opportunity_get(user=user, pk=opportunity_id)
    )
    return Status(204, None)


@opportunities.post("/{int:opportunity_id}/move", response=OpportunityDetailOut)
def opportunity_move(request: HttpRequest, opportunity_id: int, payload: MoveIn) -> Any:
    """Move to another stage of its pipeline. 422 naming each field the stage requires and the opportunity
    lacks (a lost stage needs `lost_reason`); 409 when `version` is stale. Nothing changes then."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    stage = selectors.stage_for_opportunity(opportunity=opportunity, pk=payload.stage_id)
    with renamed_fields(FIELD_NAMES):
        if stage is None:
            raise InvalidInput(
                field_errors={"stage_id": [_("Choose a stage of this opportunity’s pipeline.")]}
            )
        services.opportunity_move_stage(
            actor=user,
            opportunity=opportunity,
            stage=stage,
            expected_version=payload.version,
            lost_reason=payload.lost_reason,
        )
    return selectors.opportunity_get(user=user, pk=opportunity_id)


@opportunities.post("/{int:opportunity_id}/won", response=OpportunityDetailOut)
def opportunity_won(request: HttpRequest, opportunity_id: int, payload: WonIn) -> Any:
    """Close as won (moves to the pipeline's won stage). 409 when it is not open or `version` is stale."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    services.opportunity_close_won(actor=user, opportunity=opportunity, expected_version=payload.version)
    return selectors.opportunity_get(user=user, pk=opportunity_id)


@opportunities.post("/{int:opportunity_id}/lost", response=OpportunityDetailOut)
def opportunity_lost(request: HttpRequest, opportunity_id: int, payload: LostIn) -> Any:
    """Close as lost with a reason (required: 422 `reason` without one)."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    with renamed_fields({"lost_reason": "reason"}):
        services.opportunity_close_lost(
            actor=user, opportunity=opportunity, reason=payload.reason, expected_version=payload.version
        )
    return selectors.opportunity_get(user=user, pk=opportunity_id)
