"""API: invoices and credit notes (`/invoices`) and payments (`/payments`).

Thin handlers: resolve the ids the caller may see, call the service the web UI calls, serialize. Errors are
problem+json documents naming each field (`lines.0.quantity`, `amount`, …).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_get, contact_get
from crm.core.api.errors import query_errors
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.sales.invoice_documents import invoice_pdf_filename, invoice_pdf_render
from crm.sales.schemas.invoices import (
    CreditNoteIn,
    FromDeliveryIn,
    FromOrderIn,
    InvoiceDetailOut,
    InvoiceIn,
    InvoiceLineIn,
    InvoicePage,
    InvoicePatch,
    IssueIn,
    PaymentIn,
    PaymentOut,
    PaymentPage,
    VoidIn,
)
from crm.sales.selectors import invoices as selectors
from crm.sales.services import credit_notes, invoices, payments

router = Router()
invoice_router = Router(tags=["invoices"])
payment_router = Router(tags=["payments"])
router.add_router("/invoices", invoice_router)
router.add_router("/payments", payment_router)

PDF_OPENAPI = {
    "responses": {
        200: {
            "description": "The invoice or credit note as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
_NAMES = {"account": "account_id", "contact": "contact_id", "owner": "owner_id", "invoice": "invoice_id"}
_SUFFIXES = {".product": ".product_id", ".order_line": ".order_line_id", ".invoice_line": ".invoice_line_id"}


@contextlib.contextmanager
def _api_fields() -> Iterator[None]:
    """The service's field names as the API spells them (`lines.0.product` → `lines.0.product_id`)."""
    try:
        yield
    except DomainError as exc:
        renamed = {}
        for key, messages in exc.field_errors.items():
            name = _NAMES.get(key, key)
            for suffix, api in _SUFFIXES.items():
                if name.endswith(suffix):
                    name = name[: -len(suffix)] + api
            renamed[name] = messages
        exc.field_errors = renamed
        raise


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def _lines(user: Any, lines: list[InvoiceLineIn]) -> list[dict[str, Any]]:
    rows = []
    errors: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        row = line.model_dump(exclude_none=True)
        product_id = row.pop("product_id", None)
        if product_id is not None:
            try:
                row["product"] = product_get(user=user, pk=product_id)
            except RecordNotFound:
                errors[f"lines.{i}.product_id"] = [_("Choose a product you can see.")]
        rows.append(row)
    if errors:
        raise InvalidInput(field_errors=errors)
    return rows


def _detail(user: Any, pk: int, response: HttpResponse | None = None) -> Any:
    invoice = selectors.invoice_get(user=user, pk=pk)
    if response is not None:
        _etag(response, invoice.version)
    return invoice


# --- invoices ---------------------------------------------------------------------------------------------------
@invoice_router.get("", response=InvoicePage, openapi_extra=list_openapi(selectors.INVOICE_LIST))
def invoice_list(request: HttpRequest) -> Any:
    """Invoices and credit notes the caller may see (`?status=overdue&account=12&kind=invoice&q=INV-2026`)."""
    with query_errors():
        return selectors.invoice_list(user=_user(request), params=request.GET, **page_args(request))


@invoice_router.post("", response={201: InvoiceDetailOut})
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Any:
    """A draft invoice for an account, with lines from the catalog (`product_id`) or free (`description`)."""
    user = _user(request)
    data = payload.model_dump(exclude={"lines"})
    with _api_fields():
        try:
            account = account_get(user=user, pk=data.pop("account_id"))
        except RecordNotFound:
            raise InvalidInput(field_errors={"account_id": [_("Choose an account you can see.")]}) from None
        contact_id = data.pop("contact_id")
        try:
            contact = contact_get(user=user, pk=contact_id) if contact_id is not None else None
        except RecordNotFound:
            raise InvalidInput(field_errors={"contact_id": [_("Choose a contact you can see.")]}) from None
        owner_id = data.pop("owner_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        invoice = invoices.invoice_create(
            actor=user,
            account=account,
            contact=contact,
            owner=owner,
            lines=_lines(user, payload.lines),
            **data,
        )
    return Status(201, _detail(user, invoice.pk))


@invoice_router.post("/from-order", response={201: InvoiceDetailOut})
def invoice_create_from_order(request: HttpRequest, payload: FromOrderIn) -> Any:
    """A draft invoice for an order (by `order_id` or `order_number`): the `lines` given, or what was
    delivered and not invoiced yet (the whole order when nothing waits there). More than is left → 422."""
    user = _user(request)
    with _api_fields():
        try:
            if payload.order_id is not None:
                order = selectors.order_for_invoicing_get(user=user, pk=payload.order_id)
            elif payload.order_number:
                order = selectors.order_for_invoicing(user=user, number=payload.order_number)
            else:
                raise InvalidInput(field_errors={"order_id": [_("Give the order’s id or its number.")]})
        except RecordNotFound:
            field = "order_id" if payload.order_id is not None else "order_number"
            raise InvalidInput(field_errors={field: [_("Choose an order you can see.")]}) from None
        lines = (
            [{"order_line": p.order_line_id, "quantity": p.quantity} for p in payload.lines]
            if payload.lines is not None
            else None
        )
        invoice = invoices.invoice_create_from_order(actor=user, order=order, lines=lines)
    return Status(201, _detail(user, invoice.pk))


@invoice_router.post("/from-delivery", response={201: InvoiceDetailOut})
def invoice_create_from_delivery(request: HttpRequest, payload: FromDeliveryIn) -> Any:
    """A draft invoice for what one shipped delivery carried."""
    user = _user(request)
    with _api_fields():
        try:
            delivery = selectors.delivery_for_invoicing_get(user=user, pk=payload.delivery_id)
        except RecordNotFound:
            raise InvalidInput(field_errors={"delivery_id": [_("Choose a delivery you can see.")]}) from None
        invoice = invoices.invoice_create_from_delivery(actor=user, delivery=delivery)
    return Status(201, _detail(user, invoice.pk))


@invoice_router.get("/{int:invoice_id}", response=InvoiceDetailOut)
def invoice_get(request: HttpRequest, invoice_id: int, response: HttpResponse) -> Any:
    return _detail(_user(request), invoice_id, response)


@invoice_router.patch("/{int:invoice_id}", response=InvoiceDetailOut)
def invoice_update(
    request: HttpRequest, invoice_id: int, payload: InvoicePatch, response: HttpResponse
) -> Any:
    """Change a draft (409 once issued, or when `version` / If-Match is stale; nothing changes then)."""
    user = _user(request)
    invoice = selectors.invoice_get(user=user, pk=invoice_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with _api_fields():
        if "contact_id" in changes:
            contact_id = changes.pop("contact_id")
            try:
                changes["contact"] = contact_get(user=user, pk=contact_id) if contact_id is not None else None
            except RecordNotFound:
                raise InvalidInput(
                    field_errors={"contact_id": [_("Choose a contact you can see.")]}
                ) from None
        if "lines" in changes:
            changes["lines"] = _lines(user, payload.lines or [])
        invoices.invoice_update(actor=user, invoice=invoice, expected_version=version, **changes)
    return _detail(user, invoice_id, response)


@invoice_router.delete("/{int:invoice_id}", response={204: None})
def invoice_delete(request: HttpRequest, invoice_id: int) -> Any:
    """Delete a draft (an issued invoice is voided instead: 409)."""
    user = _user(request)
    invoices.invoice_delete(actor=user, invoice=selectors.invoice_get(user=user, pk=invoice_id))
    return Status(204, None)


@invoice_router.post("/{int:invoice_id}/issue", response=InvoiceDetailOut)
def invoice_issue(request: HttpRequest, invoice_id: int, payload: IssueIn, response: HttpResponse) -> Any:
    """Issue a draft: the next number of the year's series, the issue and due dates. 422 without lines."""
    user = _user(request)
    invoice = selectors.invoice_get(user=user, pk=invoice_id)
    with _api_fields():
        invoices.invoice_issue(
            actor=user,
            invoice=invoice,
            expected_version=expected_version(request, payload.version),
            issue_date=payload.issue_date,
        )
    return _detail(user, invoice_id, response)


@invoice_router.post("/{int:invoice_id}/void", response=InvoiceDetailOut)
def invoice_void(request: HttpRequest, invoice_id: int, payload: VoidIn, response: HttpResponse) -> Any:
    """Void an issued invoice without payments (its number stays taken)."""
    user = _user(request)
    invoice = selectors.invoice_get(user=user, pk=invoice_id)
    with _api_fields():
        invoices.invoice_void(
            actor=user,
            invoice=invoice,
            reason=payload.reason,
            expected_version=expected_version(request, payload.version),
        )
    return _detail(user, invoice_id, response)


@invoice_router.post("/{int:invoice_id}/credit-notes", response={201: InvoiceDetailOut})
def credit_note_create(request: HttpRequest, invoice_id: int, payload: CreditNoteIn) -> Any:
    """A credit note against an issued invoice: the `lines` given, or everything not credited yet. At most
    the amount due (422 otherwise)."""
    user = _user(request)
    invoice = selectors.invoice_get(user=user, pk=invoice_id)
    lines = (
        [{"invoice_line": p.invoice_line_id, "quantity": p.quantity} for p in payload.lines]
        if payload.lines is not None
        else None
    )
    with _api_fields():
        note = credit_notes.credit_note_create(
            actor=user, invoice=invoice, lines=lines, reason=payload.reason
        )
    return Status(201, _detail(user, note.pk))


@invoice_router.get("/{int:invoice_id}/pdf", openapi_extra=PDF_OPENAPI)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> Any:
    """The invoice or credit note as a PDF, in its language."""
    invoice = selectors.invoice_get(user=_user(request), pk=invoice_id)
    response = HttpResponse(invoice_pdf_render(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_pdf_filename(invoice)}"'
    return response


# --- payments ---------------------------------------------------------------------------------------------------
@payment_router.get("", response=PaymentPage, openapi_extra=list_openapi(selectors.PAYMENT_LIST))
def payment_list(request: HttpRequest) -> Any:
    """Payments the caller may see (`?invoice=7&account=12&paid_on__gte=2026-01-01`)."""
    with query_errors():
        return selectors.payment_list(user=_user(request), params=request.GET, **page_args(request))


@payment_router.post("", response={201: PaymentOut})
def payment_create(request: HttpRequest, payload: PaymentIn) -> Any:
    """Record money received against an issued invoice. More than is due, a draft or void invoice, another
    currency, or an amount ≤ 0 → 422, nothing stored."""
    user = _user(request)
    with _api_fields():
        try:
            invoice = selectors.invoice_get(user=user, pk=payload.invoice_id)
        except RecordNotFound:
            raise InvalidInput(field_errors={"invoice_id": [_("Choose an invoice you can see.")]}) from None
        payment = payments.payment_record(
            actor=user,
            invoice=invoice,
            amount=payload.amount,
            currency=payload.currency,
            method=payload.method,
            paid_on=payload.paid_on,
            reference=payload.reference,
        )
    return Status(201, selectors.payment_get(user=user, pk=payment.pk))


@payment_router.get("/{int:payment_id}", response=PaymentOut)
def payment_get(request: HttpRequest, payment_id: int) -> Any:
    return selectors.payment_get(user=_user(request), pk=payment_id)


@payment_router.delete("/{int:payment_id}", response={204: None})
def payment_delete(request: HttpRequest, payment_id: int) -> Any:
    """Undo a payment recorded by mistake; the invoice's status is worked out again."""
    user = _user(request)
    payments.payment_delete(actor=user, payment=selectors.payment_get(user=user, pk=payment_id))
    return Status(204, None)
