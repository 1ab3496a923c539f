"""Writes on invoices: drafts (entered directly, from an order, from a delivery), editing a draft (optimistic
locking), issuing (the next gap-free number, in the same transaction), voiding, deleting a draft.

An invoice made from an order takes its lines from the order's lines and counts what it bills in
`OrderLine.quantity_invoiced` (under row locks), so an order line is never invoiced twice; deleting the draft or
voiding the invoice gives the quantities back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.sales.enums import DeliveryStatus, InvoiceKind, InvoiceStatus, OrderStatus
from crm.sales.errors import InvoiceNotDraft, InvoiceStateInvalid
from crm.sales.events import InvoiceIssued
from crm.sales.models import Delivery, DeliveryLine, Invoice, InvoiceLine, Order, OrderLine
from crm.sales.services.invoice_lines import (
    INVOICE_OBJECT_TYPE,
    MAX_QUANTITY,
    OPEN_STATUSES,
    Errors,
    currency_clean,
    decimal_parse,
    invoice_locked,
    language_clean,
    lines_build,
    lines_store,
    terms_clean,
)
from crm.sales.services.numbering import number_next
from crm.sales.services.values import text_clean

# what invoice_update may change on a draft (status, number, money and version have their own services)
DRAFT_FIELDS = frozenset({"contact", "language", "payment_terms_days", "notes", "currency", "lines"})


def _default_language(contact: Any) -> str:
    codes = {c for c, _label in settings.LANGUAGES}
    wanted = (getattr(contact, "language", "") or "").lower()[:2]
    return wanted if wanted in codes else settings.LANGUAGE_CODE


def _contact_check(contact: Any, *, actor: Any, errors: Errors) -> None:
    if contact is not None and (
        getattr(contact, "pk", None) is None
        or (actor is not None and not contact_exists_visible(user=actor, pk=contact.pk))
    ):
        errors["contact"] = [_("Choose a contact you can see.")]


def _owner_for(actor: Any, owner: Any, account: Any) -> Any:
    if owner is not None:
        return owner
    if isinstance(actor, User):
        return actor
    return account.owner


@transaction.atomic
def invoice_create(
    *,
    actor: Any,
    account: Any,
    lines: list[dict[str, Any]] | None = None,
    currency: str | None = None,
    contact: Any = None,
    owner: Any = None,
    language: str | None = None,
    payment_terms_days: int | None = None,
    notes: str = "",
) -> Invoice:
    """A draft invoice for `account`. Lines are a product (its price in the currency and its tax come from the
    catalog unless given) or a free description, with a quantity. Nothing is stored when anything is wrong."""
    errors: Errors = {}
    if account is None or getattr(account, "pk", None) is None:
        raise InvalidInput(field_errors={"account": [_("Choose an account.")]})
    if actor is not None and not account_exists_visible(user=actor, pk=account.pk):
        raise InvalidInput(field_errors={"account": [_("Choose an account you can see.")]})
    owner = _owner_for(actor, owner, account)
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=INVOICE_OBJECT_TYPE, owner_id=owner.pk)
    code = currency_clean(currency or settings.DEFAULT_CURRENCY, errors=errors)
    _contact_check(contact, actor=actor, errors=errors)
    lang = language_clean(language, errors=errors) if language else _default_language(contact)
    terms = terms_clean(
        settings.CRM_INVOICE_PAYMENT_DAYS if payment_terms_days is None else payment_terms_days, errors=errors
    )
    built = lines_build(lines, currency=code, on_date=timezone.localdate(), errors=errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        account=account,
        contact=contact,
        owner=owner,
        currency=code,
        language=lang,
        payment_terms_days=terms,
        notes=str(notes or "")[:5000],
    )
    invoice.totals_from(list(built))
    with audit_context(actor=actor):
        invoice.save()
        lines_store(invoice, built)
    return invoice


def _order_picks(
    order: Order, lines: list[dict[str, Any]] | None, errors: Errors
) -> list[tuple[OrderLine, Decimal]]:
    """(order line, quantity to invoice) under row locks. Without `lines`: what was delivered and not invoiced
    yet, or, when nothing waits there, everything not invoiced yet."""
    locked = {
        line.pk: line
        for line in OrderLine.objects.select_for_update().filter(order=order).order_by("position", "id")
    }
    picks: list[tuple[OrderLine, Decimal]] = []
    if lines is None:
        delivered = [(line, line.quantity_delivered - line.quantity_invoiced) for line in locked.values()]
        picks = [(line, q) for line, q in delivered if q > 0]
        if not picks:
            picks = [(line, line.quantity - line.quantity_invoiced) for line in locked.values()]
            picks = [(line, q) for line, q in picks if q > 0]
        if not picks:
            errors["lines"] = [_("Everything on this order has been invoiced already.")]
        return picks
    if not isinstance(lines, list | tuple) or not lines:
        errors["lines"] = [_("Choose at least one order line to invoice.")]
        return []
    seen: set[int] = set()
    for i, row in enumerate(lines):
        key = f"lines.{i}"
        raw = row.get("order_line") if isinstance(row, dict) else None
        line_id = getattr(raw, "pk", raw)
        try:
            line = locked.get(int(line_id)) if line_id is not None else None
        except (TypeError, ValueError):
            line = None
        if line is None:
            errors[f"{key}.order_line"] = [_("Choose a line of this order.")]
            continue
        if line.pk in seen:
            errors[f"{key}.order_line"] = [_("This order line is listed twice.")]
            continue
        seen.add(line.pk)
        quantity = decimal_parse(
            row.get("quantity"),
            field=f"{key}.quantity",
            errors=errors,
            places=3,
            low=Decimal(0),
            high=MAX_QUANTITY,
            strict_low=True,
        )
        if quantity is None:
            continue
        remaining = line.quantity - line.quantity_invoiced
        if quantity > remaining:
            errors[f"{key}.quantity"] = [
                _("Only %(n)s of “%(line)s” is left to invoice.")
                % {"n": f"{remaining.normalize():f}", "line": line.description}
            ]
            continue
        picks.append((line, quantity))
    return picks


def _from_order(
    *, actor: Any, order: Order, picks: list[tuple[OrderLine, Decimal]], delivery: Delivery | None
) -> Invoice:
    owner = order.owner if order.owner.is_active else _owner_for(actor, None, order.account)
    record_authorize_create(actor=actor, object_type=INVOICE_OBJECT_TYPE, owner_id=owner.pk)
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        account_id=order.account_id,
        contact_id=order.contact_id,
        owner=owner,
        order=order,
        delivery=delivery,
        currency=order.currency,
        language=_default_language(order.contact),
        payment_terms_days=settings.CRM_INVOICE_PAYMENT_DAYS,
    )
    built = []
    for position, (line, quantity) in enumerate(picks, start=1):
        invoice_line = InvoiceLine(
            position=position,
            product_id=line.product_id,
            description=line.description,
            quantity=quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tax_rate=line.tax_rate,
            order_line=line,
        )
        invoice_line.net_amount, invoice_line.tax_amount = invoice_line.line_amounts()
        built.append(invoice_line)
    invoice.totals_from(list(built))
    with audit_context(actor=actor):
        invoice.save()
        lines_store(invoice, built)
    for line, quantity in picks:
        OrderLine.objects.filter(pk=line.pk).update(quantity_invoiced=F("quantity_invoiced") + quantity)
    return invoice


def _order_check(order: Order, *, actor: Any) -> None:
    record_authorize(actor=actor, record=order, action="view")
    if order.status == OrderStatus.CANCELLED:
        raise InvoiceStateInvalid(field_errors={"order": [_("A cancelled order cannot be invoiced.")]})


@transaction.atomic
def invoice_create_from_order(
    *, actor: Any, order: Order, lines: list[dict[str, Any]] | None = None
) -> Invoice:
    """A draft invoice for (part of) `order`: `lines` as [{"order_line": line or id, "quantity": q}], or None
    for what was delivered and not invoiced yet (the whole order when nothing waits there). More than is left
    to invoice on a line is refused; nothing is stored then."""
    order = Order.objects.select_for_update().filter(pk=order.pk).first() or _not_found()
    _order_check(order, actor=actor)
    errors: Errors = {}
    picks = _order_picks(order, lines, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    return _from_order(actor=actor, order=order, picks=picks, delivery=None)


@transaction.atomic
def invoice_create_from_delivery(*, actor: Any, delivery: Delivery) -> Invoice:
    """A draft invoice for what `delivery` shipped (its quantities of each order line)."""
    delivery = Delivery.objects.select_for_update().filter(pk=delivery.pk).first() or _not_found()
    record_authorize(actor=actor, record=delivery, action="view")
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.CANCELLED):
        raise InvoiceStateInvalid(
            field_errors={
                "delivery": [
                    _("Invoice a delivery once it has shipped (it is %(status)s).")
                    % {"status": delivery.get_status_display()}
                ]
            }
        )
    already = (
        Invoice.objects.filter(delivery=delivery, kind=InvoiceKind.INVOICE)
        .exclude(status=InvoiceStatus.VOID)
        .first()
    )
    if already is not None:
        raise InvoiceStateInvalid(
            field_errors={
                "delivery": [_("This delivery is already on invoice %(number)s.") % {"number": str(already)}]
            }
        )
    order = Order.objects.select_for_update().get(pk=delivery.order_id)
    _order_check(order, actor=actor)
    rows = [
        {"order_line": dl.order_line_id, "quantity": dl.quantity}
        for dl in DeliveryLine.objects.filter(delivery=delivery).order_by("id")
    ]
    errors: Errors = {}
    picks = _order_picks(order, rows, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    return _from_order(actor=actor, order=order, picks=picks, delivery=delivery)


def _not_found() -> Any:
    raise RecordNotFound()


def _draft_locked(invoice: Invoice, *, actor: Any, expected_version: int | None) -> Invoice:
    locked = invoice_locked(invoice, actor=actor, expected_version=expected_version)
    if locked.status != InvoiceStatus.DRAFT or locked.kind != InvoiceKind.INVOICE:
        raise InvoiceNotDraft()
    return locked


@transaction.atomic
def invoice_update(
    *, actor: Any, invoice: Invoice, expected_version: int | None = None, **changes: Any
) -> Invoice:
    """Change a draft: contact, language, payment terms, notes, and — for an invoice not made from an order —
    its currency and lines (`lines` replaces them all). A stale `expected_version` raises ConcurrentEdit."""
    unknown = sorted(set(changes) - DRAFT_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
    locked = _draft_locked(invoice, actor=actor, expected_version=expected_version)
    errors: Errors = {}
    if "contact" in changes:
        _contact_check(changes["contact"], actor=actor, errors=errors)
        locked.contact = changes["contact"]
    if "language" in changes:
        locked.language = language_clean(changes["language"], errors=errors)
    if "payment_terms_days" in changes:
        locked.payment_terms_days = terms_clean(changes["payment_terms_days"], errors=errors)
    if "notes" in changes:
        locked.notes = str(changes["notes"] or "")[:5000]
    has_lines = InvoiceLine.objects.filter(invoice=locked).exists()
    if "currency" in changes:
        code = currency_clean(changes["currency"], errors=errors)
        if locked.order_id is not None and code != locked.currency:
            errors["currency"] = [
                _("An invoice from an order is in the order’s currency (%(currency)s).")
                % {"currency": locked.currency}
            ]
        elif code != locked.currency and has_lines and "lines" not in changes:
            errors["currency"] = [
                _("The lines are priced in %(currency)s: send the lines again with the new currency.")
                % {"currency": locked.currency}
            ]
        locked.currency = code
    built = None
    if "lines" in changes:
        if locked.order_id is not None:
            errors["lines"] = [
                _(
                    "The lines of an invoice made from an order follow the order: delete the draft and invoice again."
                )
            ]
        else:
            built = lines_build(
                changes["lines"], currency=locked.currency, on_date=timezone.localdate(), errors=errors
            )
    if errors:
        raise InvalidInput(field_errors=errors)
    locked.version += 1
    with audit_context(actor=actor):
        if built is not None:
            lines_store(locked, built)
        locked.save()
    return locked


@transaction.atomic
def invoice_delete(*, actor: Any, invoice: Invoice) -> None:
    """Delete a draft for good (it has no number yet); quantities it took from an order go back to the order."""
    locked = invoice_locked(invoice, actor=actor)
    record_authorize(actor=actor, record=locked, action="delete")
    if locked.status != InvoiceStatus.DRAFT:
        raise InvoiceNotDraft()
    _order_quantities_release(locked)
    with audit_context(actor=actor):
        InvoiceLine.objects.filter(invoice=locked).delete()
        locked.delete()


def _order_quantities_release(invoice: Invoice) -> None:
    rows = list(
        InvoiceLine.objects.filter(invoice=invoice, order_line__isnull=False).values_list(
            "order_line_id", "quantity"
        )
    )
    if not rows:
        return
    list(OrderLine.objects.select_for_update().filter(pk__in=[r[0] for r in rows]).order_by("pk"))
    for line_id, quantity in rows:
        OrderLine.objects.filter(pk=line_id).update(quantity_invoiced=F("quantity_invoiced") - quantity)


@transaction.atomic
def invoice_issue(
    *,
    actor: Any,
    invoice: Invoice,
    expected_version: int | None = None,
    issue_date: dt.date | None = None,
) -> Invoice:
    """Issue a draft: it takes the next number of the year's series (`INV-2026-00001`, allocated in this
    transaction: a rolled-back issue gives it back), its issue date and its due date (+ payment terms).
    An invoice without lines is refused."""
    locked = _draft_locked(invoice, actor=actor, expected_version=expected_version)
    if not InvoiceLine.objects.filter(invoice=locked).exists():
        raise InvalidInput(field_errors={"lines": [_("Add at least one line before issuing the invoice.")]})
    day = issue_date or timezone.localdate()
    locked.number = number_next(series=f"invoice-{day.year}", prefix=f"INV-{day.year}-")
    locked.issue_date = day
    locked.due_date = day + dt.timedelta(days=locked.payment_terms_days)
    locked.status = InvoiceStatus.ISSUED
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    publish_on_commit(
        InvoiceIssued(invoice_id=locked.pk, order_id=locked.order_id, actor_id=getattr(actor, "pk", None))
    )
    return locked


@transaction.atomic
def invoice_void(
    *, actor: Any, invoice: Invoice, reason: str = "", expected_version: int | None = None
) -> Invoice:
    """Void an issued invoice that has no payments and no credit notes. It keeps its number (never reused);
    quantities it took from an order go back to the order."""
    locked = invoice_locked(invoice, actor=actor, expected_version=expected_version)
    if locked.kind != InvoiceKind.INVOICE or locked.status not in OPEN_STATUSES:
        raise InvoiceStateInvalid(
            field_errors={
                "status": [
                    _("Only an issued invoice can be voided (this one is %(status)s).")
                    % {"status": locked.get_status_display()}
                ]
            }
        )
    if locked.amount_paid > 0 or locked.payments.exists():
        raise InvoiceStateInvalid(
            field_errors={
                "status": [_("This invoice has payments: delete them first, or issue a credit note.")]
            }
        )
    if locked.amount_credited > 0:
        raise InvoiceStateInvalid(
            field_errors={"status": [_("This invoice has credit notes and cannot be voided.")]}
        )
    _order_quantities_release(locked)
    locked.status = InvoiceStatus.VOID
    locked.voided_at = timezone.now()
    locked.version += 1
    with audit_context(actor=actor, reason=text_clean(reason, 500) or None):
        locked.save()
    return locked
