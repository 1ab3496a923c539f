"""Writes on payments: recording money received against an issued invoice (partial or in full) and undoing a
mistaken one. The invoice's paid amount and status move in the same transaction, under its row lock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.records import record_authorize
from crm.sales.enums import InvoiceKind, InvoiceStatus, PaymentMethod
from crm.sales.errors import InvoiceStateInvalid
from crm.sales.events import PaymentReceived
from crm.sales.models import Invoice, Payment
from crm.sales.services.invoice_lines import (
    MAX_PRICE,
    OPEN_STATUSES,
    Errors,
    currency_clean,
    date_clean,
    decimal_parse,
    invoice_locked,
    money_status,
    money_text,
)
from crm.sales.services.values import text_clean


def _payable_check(invoice: Invoice) -> None:
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvoiceStateInvalid(
            field_errors={"invoice": [_("A credit note is not paid; record payments on invoices.")]}
        )
    if invoice.status == InvoiceStatus.DRAFT:
        raise InvoiceStateInvalid(
            field_errors={"invoice": [_("Issue the invoice before recording a payment.")]}
        )
    if invoice.status == InvoiceStatus.VOID:
        raise InvoiceStateInvalid(field_errors={"invoice": [_("This invoice is void: nothing is due.")]})
    if invoice.status not in OPEN_STATUSES:
        raise InvoiceStateInvalid(field_errors={"invoice": [_("This invoice is paid: nothing is due.")]})


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    invoice: Invoice,
    amount: Any,
    method: str = PaymentMethod.BANK_TRANSFER,
    paid_on: Any = None,
    reference: str = "",
    currency: str | None = None,
) -> Payment:
    """Money received against an issued invoice. A partial payment makes it partially paid, the last one
    paid. More than is due, a draft or void invoice, another currency, or an amount of zero or less are
    refused (InvalidInput naming the field) and nothing is stored."""
    locked = invoice_locked(invoice, actor=actor)
    _payable_check(locked)
    errors: Errors = {}
    value = decimal_parse(
        amount, field="amount", errors=errors, places=2, low=Decimal(0), high=MAX_PRICE, strict_low=True
    )
    if value is not None and value > locked.amount_due:
        errors["amount"] = [
            _("Only %(due)s is due on this invoice.")
            % {"due": money_text(locked.amount_due, locked.currency)}
        ]
    if currency not in (None, ""):
        code = currency_clean(currency, errors=errors)
        if "currency" not in errors and code != locked.currency:
            errors["currency"] = [
                _("The invoice is in %(currency)s; record the payment in %(currency)s.")
                % {"currency": locked.currency}
            ]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose a payment method.")]
    day = timezone.localdate()
    when = date_clean(paid_on, field="paid_on", errors=errors) if paid_on not in (None, "") else day
    if when is not None and when > day:
        errors["paid_on"] = [_("A payment cannot be dated in the future.")]
    if errors or value is None or when is None:
        raise InvalidInput(field_errors=errors)
    payment = Payment(
        invoice=locked,
        account_id=locked.account_id,
        owner_id=locked.owner_id,
        amount=value,
        currency=locked.currency,
        method=method,
        paid_on=when,
        reference=text_clean(reference, 100),
    )
    locked.amount_paid = locked.amount_paid + value
    locked.status = money_status(locked, today=day)
    locked.version += 1
    with audit_context(actor=actor):
        payment.save()
        locked.save()
    publish_on_commit(
        PaymentReceived(
            payment_id=payment.pk,
            invoice_id=locked.pk,
            is_invoice_paid=locked.status == InvoiceStatus.PAID,
            actor_id=getattr(actor, "pk", None),
        )
    )
    return payment


@transaction.atomic
def payment_delete(*, actor: Any, payment: Payment, reason: str = "") -> Invoice:
    """Undo a payment recorded by mistake: it is deleted (the audit trail keeps it) and the invoice's paid
    amount and status are worked out again. Returns the invoice."""
    found = Payment.objects.filter(pk=payment.pk).only("invoice_id").first()
    if found is None:
        raise RecordNotFound()
    locked = invoice_locked(Invoice(pk=found.invoice_id), actor=actor)
    row = Payment.objects.select_for_update().filter(pk=payment.pk).first()
    if row is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=row, action="delete")
    locked.amount_paid = locked.amount_paid - row.amount
    if locked.status in OPEN_STATUSES or locked.status == InvoiceStatus.PAID:
        locked.status = money_status(locked)
    locked.version += 1
    with audit_context(actor=actor, reason=text_clean(reason, 500) or None):
        row.delete()
        locked.save()
    return locked
