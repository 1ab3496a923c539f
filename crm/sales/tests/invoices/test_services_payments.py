"""Payments and credit notes: partial then full payment, every refusal leaves everything as it was, undoing a
payment, credit notes within what can still be credited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.contacts.tests.factories import UserFactory
from crm.core.errors import InvalidInput
from crm.core.events import subscribe
from crm.sales.enums import InvoiceKind, InvoiceStatus, PaymentMethod
from crm.sales.errors import InvoiceStateInvalid
from crm.sales.events import PaymentReceived
from crm.sales.models import Invoice, InvoiceLine, NumberSequence, Payment
from crm.sales.services.credit_notes import credit_note_create
from crm.sales.services.invoices import invoice_issue, invoice_void
from crm.sales.services.payments import payment_delete, payment_record
from crm.sales.tests.invoices.factories import make_invoice

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    return {
        "invoices": list(Invoice.all_objects.order_by("pk").values()),
        "lines": list(InvoiceLine.objects.order_by("pk").values()),
        "payments": list(Payment.all_objects.order_by("pk").values()),
        "sequences": list(NumberSequence.objects.order_by("pk").values()),
    }


@pytest.fixture
def rep() -> Any:
    return UserFactory()


@pytest.fixture
def issued(rep: Any) -> Any:
    """An issued invoice of 1,210.00 EUR (10 × 100 + 21 % tax)."""
    return make_invoice(owner=rep, issue=True)


def test_partial_then_full_payment(rep: Any, issued: Any, django_capture_on_commit_callbacks: Any) -> None:
    events: list[PaymentReceived] = []
    subscribe(PaymentReceived, events.append)
    with django_capture_on_commit_callbacks(execute=True):
        first = payment_record(
            actor=rep, invoice=issued, amount="500.00", method=PaymentMethod.CARD, reference="T-1"
        )
    invoice = Invoice.objects.get(pk=issued.pk)
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert invoice.amount_paid == Decimal("500.00") and invoice.amount_due == Decimal("710.00")
    assert (first.currency, first.account_id, first.owner_id) == ("EUR", invoice.account_id, invoice.owner_id)
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(actor=rep, invoice=invoice, amount="710.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_due == 0
    assert [e.is_invoice_paid for e in events[-2:]] == [False, True]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "1210.01"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"amount": "10", "currency": "USD"}, "currency"),
        ({"amount": "10", "method": "barter"}, "method"),
        ({"amount": "10", "paid_on": timezone.localdate() + dt.timedelta(days=3)}, "paid_on"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_stored(
    rep: Any, issued: Any, kwargs: dict[str, Any], field: str
) -> None:
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        payment_record(actor=rep, invoice=issued, **kwargs)
    assert field in exc.value.field_errors
    assert _state() == before


def test_paying_a_draft_or_void_or_paid_invoice_is_refused(rep: Any, issued: Any) -> None:
    draft = make_invoice(owner=rep)
    void = invoice_void(actor=rep, invoice=make_invoice(owner=rep, issue=True))
    payment_record(actor=rep, invoice=issued, amount="1210.00")
    for invoice in (draft, void, issued):
        before = _state()
        with pytest.raises(InvoiceStateInvalid) as exc:
            payment_record(actor=rep, invoice=invoice, amount="1.00")
        assert "invoice" in exc.value.field_errors
        assert _state() == before


def test_payment_delete_recomputes_the_status(rep: Any, issued: Any) -> None:
    first = payment_record(actor=rep, invoice=issued, amount="210.00")
    second = payment_record(actor=rep, invoice=issued, amount="1000.00")
    assert Invoice.objects.get(pk=issued.pk).status == InvoiceStatus.PAID
    invoice = payment_delete(actor=rep, payment=second, reason="Bounced")
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.amount_paid == Decimal("210.00")
    invoice = payment_delete(actor=rep, payment=first)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.amount_paid == 0
    assert not Payment.objects.exists()


def test_payment_on_an_invoice_past_due_keeps_it_overdue(rep: Any) -> None:
    invoice = make_invoice(owner=rep, payment_terms_days=10)
    invoice = invoice_issue(
        actor=rep, invoice=invoice, issue_date=timezone.localdate() - dt.timedelta(days=30)
    )
    payment_record(actor=rep, invoice=invoice, amount="10.00")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OVERDUE


# --- credit notes ---------------------------------------------------------------------------------------------
def test_full_credit_note_settles_the_invoice(rep: Any, issued: Any) -> None:
    note = credit_note_create(actor=rep, invoice=issued, reason="Cancelled project")
    year = timezone.localdate().year
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.number == f"CN-{year}-00001"
    assert note.total == Decimal("1210.00") and note.credited_invoice_id == issued.pk
    invoice = Invoice.objects.get(pk=issued.pk)
    assert invoice.amount_credited == Decimal("1210.00") and invoice.status == InvoiceStatus.PAID
    # the invoice series is untouched by credit notes
    assert make_invoice(owner=rep, issue=True).number == f"INV-{year}-00002"


def test_partial_credit_then_refusals(rep: Any, issued: Any) -> None:
    [line] = issued.lines.all()
    note = credit_note_create(actor=rep, invoice=issued, lines=[{"invoice_line": line, "quantity": "3"}])
    assert note.total == Decimal("363.00")
    invoice = Invoice.objects.get(pk=issued.pk)
    assert invoice.amount_due == Decimal("847.00") and invoice.status == InvoiceStatus.ISSUED
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        credit_note_create(actor=rep, invoice=invoice, lines=[{"invoice_line": line.pk, "quantity": "8"}])
    assert "Only 7" in exc.value.field_errors["lines.0.quantity"][0]
    assert _state() == before
    with pytest.raises(InvalidInput) as exc:
        credit_note_create(actor=rep, invoice=invoice, lines=[{"invoice_line": line.pk, "quantity": "-1"}])
    assert "lines.0.quantity" in exc.value.field_errors
    assert _state() == before


def test_credit_note_is_never_more_than_the_amount_due(rep: Any, issued: Any) -> None:
    payment_record(actor=rep, invoice=issued, amount="1000.00")
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        credit_note_create(actor=rep, invoice=issued)  # everything: 1,210 > 210 due
    assert "lines" in exc.value.field_errors
    assert _state() == before
    [line] = issued.lines.all()
    # 1 unit = 121.00 ≤ 210.00 due
    credit_note_create(actor=rep, invoice=issued, lines=[{"invoice_line": line, "quantity": "1"}])
    invoice = Invoice.objects.get(pk=issued.pk)
    assert invoice.amount_due == Decimal("89.00") and invoice.status == InvoiceStatus.PARTIALLY_PAID


def test_crediting_a_draft_or_void_invoice_is_refused(rep: Any) -> None:
    draft = make_invoice(owner=rep)
    void = invoice_void(actor=rep, invoice=make_invoice(owner=rep, issue=True))
    for invoice in (draft, void):
        before = _state()
        with pytest.raises(InvoiceStateInvalid):
            credit_note_create(actor=rep, invoice=invoice)
        assert _state() == before
