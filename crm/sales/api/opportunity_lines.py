"""API: an opportunity's line items (`/opportunities/{id}/lines`). The catalog prices them in the opportunity's
currency; the opportunity's amount is the sum of their net amounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from crm.core.api.params import expected_version
from crm.sales import selectors, services
from crm.sales.schemas.opportunity_lines import (
    OpportunityLineIn,
    OpportunityLineOut,
    OpportunityLinePatch,
    OpportunityLinesOut,
)
from crm.sales.selectors.opportunity_lines import opportunity_line_get, opportunity_lines

router = Router(tags=["opportunities"])
PATH = "/opportunities/{int:opportunity_id}/lines"


def _lines_out(user: Any, opportunity_id: int) -> dict[str, Any]:
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    return {
        "opportunity_id": opportunity.pk,
        "currency": opportunity.currency,
        "amount": opportunity.amount,
        "version": opportunity.version,
        "items": opportunity_lines(opportunity=opportunity),
    }


@router.get(PATH, response=OpportunityLinesOut)
def opportunity_line_list(request: HttpRequest, opportunity_id: int) -> Any:
    """The lines in order, with the opportunity's amount and version."""
    return _lines_out(request.auth, opportunity_id)  # type: ignore[attr-defined]


@router.post(PATH, response={201: OpportunityLineOut})
def opportunity_line_create(request: HttpRequest, opportunity_id: int, payload: OpportunityLineIn) -> Any:
    """Add a product: 422 naming `product_id` (unknown, inactive, or no price in the opportunity's currency),
    `quantity` (not above zero) or `discount_percent` (outside 0–100); 409 when the opportunity is closed or
    `version` is stale. Nothing is stored then."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    data = payload.model_dump()
    line = services.opportunity_line_add(
        actor=user,
        opportunity=opportunity,
        expected_version=expected_version(request, data.pop("version")),
        **data,
    )
    return Status(201, line)


@router.patch(PATH + "/{int:line_id}", response=OpportunityLineOut)
def opportunity_line_update(
    request: HttpRequest, opportunity_id: int, line_id: int, payload: OpportunityLinePatch
) -> Any:
    """Change the quantity, discount or description; the unit price and tax stay as priced."""
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    line = opportunity_line_get(opportunity=opportunity, pk=line_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.opportunity_line_update(actor=user, line=line, expected_version=version, **changes)


@router.delete(PATH + "/{int:line_id}", response={204: None})
def opportunity_line_delete(request: HttpRequest, opportunity_id: int, line_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    opportunity = selectors.opportunity_get(user=user, pk=opportunity_id)
    line = opportunity_line_get(opportunity=opportunity, pk=line_id)
    version = expected_version(request, None)
    services.opportunity_line_remove(actor=user, line=line, expected_version=version)
    return Status(204, None)
