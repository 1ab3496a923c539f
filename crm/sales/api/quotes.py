"""API: quotes — list, get, create (from an opportunity or for an account), patch and lines while draft, the
discount approval (submit, approve, reject), send by email, revise, and the PDF.

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
from crm.core.api.params import expected_version
from crm.core.errors import InvalidInput, RecordNotFound
from crm.sales.schemas.quotes import (
    QuoteActionIn,
    QuoteDetailOut,
    QuoteIn,
    QuoteLinesIn,
    QuotePage,
    QuotePatch,
    QuoteRejectIn,
    QuoteSendIn,
)
from crm.sales.selectors import opportunities as opportunity_selectors
from crm.sales.selectors import quotes as selectors
from crm.sales.services import quotes as services

router = Router()
PDF_OPENAPI = {
    "responses": {
        200: {
            "description": "The quote as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
quotes = Router(tags=["quotes"])
router.add_router("/quotes", quotes)

FIELD_NAMES = {
    "account": "account_id",
    "contact": "contact_id",
    "opportunity": "opportunity_id",
    "owner": "owner_id",
}


def _contact(user: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return contact_get(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={"contact_id": [_("Choose a contact you can see.")]}) from None


def _detail(user: Any, pk: int, response: HttpResponse | None = None) -> Any:
    quote = selectors.quote_get(user=user, pk=pk)
    if response is not None:
        response["ETag"] = f'"{quote.version}"'
    return quote


@quotes.get("", response=QuotePage, openapi_extra=list_openapi(selectors.QUOTE_LIST))
def quote_list(request: HttpRequest) -> Any:
    """Quotes the caller may see (`?status=sent&owner=me&account=12&valid_until__lte=…`), newest first."""
    with query_errors():
        return selectors.quote_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@quotes.post("", response={201: QuoteDetailOut})
def quote_create(request: HttpRequest, payload: QuoteIn) -> Any:
    """A new draft quote numbered `Q-…`. From `opportunity_id`: its account, owner, currency, first contact and
    lines (unless `lines` are sent); or for `account_id`. 422 names each bad field (`lines.0.quantity`…)."""
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump(exclude_none=True)
    lines = data.pop("lines", None)
    opportunity_id = data.pop("opportunity_id", None)
    account_id = data.pop("account_id", None)
    with renamed_fields(FIELD_NAMES):
        opportunity = account = None
        if opportunity_id is not None:
            try:
                opportunity = opportunity_selectors.opportunity_get(user=user, pk=opportunity_id)
            except RecordNotFound:
                raise InvalidInput(
                    field_errors={"opportunity_id": [_("Choose an opportunity you can see.")]}
                ) from None
        elif account_id is not None:
            try:
                account = account_get(user=user, pk=account_id)
            except RecordNotFound:
                raise InvalidInput(
                    field_errors={"account_id": [_("Choose an account you can see.")]}
                ) from None
        else:
            raise InvalidInput(field_errors={"opportunity_id": [_("Choose an opportunity or an account.")]})
        if "contact_id" in data:
            data["contact"] = _contact(user, data.pop("contact_id"))
        quote = services.quote_create(
            actor=user, opportunity=opportunity, account=account, lines=lines, **data
        )
    return Status(201, selectors.quote_get(user=user, pk=quote.pk))


@quotes.get("/{int:quote_id}", response=QuoteDetailOut)
def quote_get(request: HttpRequest, quote_id: int, response: HttpResponse) -> Any:
    return _detail(request.auth, quote_id, response)  # type: ignore[attr-defined]


@quotes.patch("/{int:quote_id}", response=QuoteDetailOut)
def quote_update(request: HttpRequest, quote_id: int, payload: QuotePatch, response: HttpResponse) -> Any:
    """Change a draft's recipient, validity, language, currency (no lines yet), terms or notes. 409 when it is
    not a draft or `version` is stale; nothing changes then."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(FIELD_NAMES):
        if "contact_id" in changes:
            changes["contact"] = _contact(user, changes.pop("contact_id"))
        services.quote_update(actor=user, quote=quote, expected_version=version, **changes)
    return _detail(user, quote_id, response)


@quotes.put("/{int:quote_id}/lines", response=QuoteDetailOut)
def quote_lines_set(
    request: HttpRequest, quote_id: int, payload: QuoteLinesIn, response: HttpResponse
) -> Any:
    """Replace a draft's lines and recompute its totals. One bad line (quantity ≤ 0, discount outside 0–100,
    another currency, unknown product) answers 422 naming `lines.<n>.<field>` and stores nothing."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    lines = [line.model_dump(exclude_none=True) for line in payload.lines]
    services.quote_lines_set(
        actor=user, quote=quote, lines=lines, expected_version=expected_version(request, payload.version)
    )
    return _detail(user, quote_id, response)


@quotes.post("/{int:quote_id}/submit", response=QuoteDetailOut)
def quote_submit(request: HttpRequest, quote_id: int, payload: QuoteActionIn) -> Any:
    """Ask a manager to approve the discounts above the limit (409 when none is)."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    services.quote_submit(actor=user, quote=quote, expected_version=payload.version)
    return _detail(user, quote_id)


@quotes.post("/{int:quote_id}/approve", response=QuoteDetailOut)
def quote_approve(request: HttpRequest, quote_id: int, payload: QuoteActionIn) -> Any:
    """Sales managers and administrators approve a quote waiting for approval (403 for others)."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    services.quote_approve(actor=user, quote=quote, expected_version=payload.version)
    return _detail(user, quote_id)


@quotes.post("/{int:quote_id}/reject", response=QuoteDetailOut)
def quote_reject(request: HttpRequest, quote_id: int, payload: QuoteRejectIn) -> Any:
    """Refuse the discounts: the quote goes back to draft."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    services.quote_reject(actor=user, quote=quote, reason=payload.reason, expected_version=payload.version)
    return _detail(user, quote_id)


@quotes.post("/{int:quote_id}/send", response={202: QuoteDetailOut})
def quote_send(request: HttpRequest, quote_id: int, payload: QuoteSendIn) -> Any:
    """Queue the email (PDF attached, a signed link to accept or decline). 202: the job sends it and then marks
    the quote sent. 409 when it needs approval first or is not a draft/approved quote."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    services.quote_send(actor=user, quote=quote, to=payload.to, expected_version=payload.version)
    return Status(202, _detail(user, quote_id))


@quotes.post("/{int:quote_id}/revise", response={201: QuoteDetailOut})
def quote_revise(request: HttpRequest, quote_id: int, payload: QuoteActionIn) -> Any:
    """A new draft revision (same number, revision + 1) of a sent, declined or expired quote; the old one
    becomes superseded."""
    user = request.auth  # type: ignore[attr-defined]
    quote = selectors.quote_get(user=user, pk=quote_id)
    revision = services.quote_revise(actor=user, quote=quote, expected_version=payload.version)
    return Status(201, _detail(user, revision.pk))


@quotes.get("/{int:quote_id}/pdf", openapi_extra=PDF_OPENAPI)
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote as a PDF in its language."""
    quote = selectors.quote_get(user=request.auth, pk=quote_id)  # type: ignore[attr-defined]
    response = HttpResponse(selectors.quote_pdf(quote=quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{selectors.quote_pdf_filename(quote=quote)}"'
    return response
