"""Invoice services: drafts (direct, from an order, from a delivery), editing with optimistic locking, issuing
with gap-free numbers, voiding; every refusal leaves the stored rows as they were."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from crm.catalog.services import price_set
from crm.catalog.tests import factories as catalog
from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.sales.enums import InvoiceStatus
from crm.sales.errors import InvoiceNotDraft, InvoiceStateInvalid
from crm.sales.events import InvoiceIssued
from crm.sales.models import Invoice, InvoiceLine, NumberSequence, OrderLine
from crm.sales.services.invoices import (
    invoice_create,
    invoice_create_from_delivery,
    invoice_create_from_order,
    invoice_delete,
    invoice_issue,
    invoice_update,
    invoice_void,
)
from crm.sales.services.payments import payment_record
from crm.sales.tests.invoices.factories import deliver, make_invoice, make_order

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    """Everything invoicing stores, to prove a refusal changed nothing."""
    return {
        "invoices": list(Invoice.all_objects.order_by("pk").values()),
        "lines": list(InvoiceLine.objects.order_by("pk").values()),
        "order_lines": list(OrderLine.objects.order_by("pk").values("pk", "quantity_invoiced")),
        "sequences": list(NumberSequence.objects.order_by("pk").values()),
    }


@pytest.fixture
def rep() -> Any:
    return UserFactory()


def test_direct_invoice_computes_lines_and_totals(rep: Any) -> None:
    invoice = make_invoice(
        owner=rep,
        lines=[
            {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_rate": "21"},
            {"description": "Travel", "quantity": "1", "unit_price": "80.50", "discount_percent": "10"},
        ],
    )
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number is None
    assert invoice.subtotal == Decimal("1080.50")
    assert invoice.discount_total == Decimal("8.05")
    assert invoice.net_total == Decimal("1072.45")
    assert invoice.tax_total == Decimal("210.00")
    assert invoice.total == Decimal("1282.45")
    assert invoice.payment_terms_days == 30
    assert [line.position for line in invoice.lines.all()] == [1, 2]


def test_catalog_product_takes_its_price_and_tax(rep: Any) -> None:
    product = catalog.product(name="Widget", tax=catalog.tax())
    book = catalog.price_book("General")
    price_set(actor=None, price_book=book, product=product, unit_price=Decimal("12.50"))
    invoice = make_invoice(owner=rep, lines=[{"product": product, "quantity": "4"}])
    [line] = invoice.lines.all()
    assert (line.description, line.unit_price, line.tax_rate) == ("Widget", Decimal("12.50"), Decimal("21"))
    assert invoice.total == Decimal("60.50")
    # no price in USD: the line must say so, and nothing is stored
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        make_invoice(owner=rep, currency="USD", lines=[{"product": product, "quantity": "1"}])
    assert "lines.0.unit_price" in exc.value.field_errors
    assert _state() == before


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"description": "X", "quantity": "-1", "unit_price": "10"}, "lines.0.quantity"),
        ({"description": "X", "quantity": "0", "unit_price": "10"}, "lines.0.quantity"),
        ({"description": "X", "quantity": "1", "unit_price": "-10"}, "lines.0.unit_price"),
        (
            {"description": "X", "quantity": "1", "unit_price": "10", "discount_percent": "120"},
            "lines.0.discount_percent",
        ),
        ({"description": "X", "quantity": "abc", "unit_price": "10"}, "lines.0.quantity"),
        ({"quantity": "1", "unit_price": "10"}, "lines.0.description"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_stored(rep: Any, line: dict[str, Any], field: str) -> None:
    account = AccountFactory(owner=rep)
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_create(actor=rep, account=account, lines=[line])
    assert field in exc.value.field_errors
    assert _state() == before


def test_bad_currency_and_terms_are_refused(rep: Any) -> None:
    account = AccountFactory(owner=rep)
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_create(actor=rep, account=account, currency="XXQ", payment_terms_days=999, language="fr")
    assert set(exc.value.field_errors) == {"currency", "payment_terms_days", "language"}
    assert _state() == before


def test_issue_allocates_the_number_and_dates_and_publishes(
    rep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = make_invoice(owner=rep, payment_terms_days=15)
    published: list[Any] = []
    from crm.core.events import subscribe

    subscribe(InvoiceIssued, published.append)
    with django_capture_on_commit_callbacks(execute=True):
        issued = invoice_issue(actor=rep, invoice=invoice, expected_version=invoice.version)
    year = timezone.localdate().year
    assert issued.number == f"INV-{year}-00001"
    assert issued.status == InvoiceStatus.ISSUED
    assert issued.issue_date == timezone.localdate()
    assert issued.due_date == timezone.localdate() + dt.timedelta(days=15)
    assert published and published[-1].invoice_id == invoice.pk
    second = make_invoice(owner=rep, issue=True)
    assert second.number == f"INV-{year}-00002"


def test_issue_backdated_uses_that_years_series(rep: Any) -> None:
    invoice = make_invoice(owner=rep)
    issued = invoice_issue(actor=None, invoice=invoice, issue_date=dt.date(2025, 12, 31))
    assert issued.number == "INV-2025-00001"


def test_issuing_an_empty_invoice_is_refused_and_takes_no_number(rep: Any) -> None:
    invoice = make_invoice(owner=rep, lines=[])
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_issue(actor=rep, invoice=invoice)
    assert "lines" in exc.value.field_errors
    assert _state() == before
    # the next issued invoice still gets number 1: no gap
    assert make_invoice(owner=rep, issue=True).number.endswith("-00001")


def test_issue_twice_is_refused(rep: Any) -> None:
    invoice = make_invoice(owner=rep, issue=True)
    with pytest.raises(InvoiceNotDraft):
        invoice_issue(actor=rep, invoice=invoice)


def test_update_draft_with_stale_version_changes_nothing(rep: Any) -> None:
    invoice = make_invoice(owner=rep)
    invoice_update(actor=rep, invoice=invoice, expected_version=1, notes="First")
    before = _state()
    with pytest.raises(ConcurrentEdit):
        invoice_update(actor=rep, invoice=invoice, expected_version=1, notes="Second")
    assert _state() == before
    assert Invoice.objects.get(pk=invoice.pk).notes == "First"


def test_update_replaces_lines_and_totals(rep: Any) -> None:
    invoice = make_invoice(owner=rep)
    updated = invoice_update(
        actor=rep,
        invoice=invoice,
        expected_version=invoice.version,
        currency="USD",
        lines=[{"description": "Licence", "quantity": "2", "unit_price": "50"}],
        payment_terms_days=10,
    )
    assert updated.total == Decimal("100.00") and updated.currency == "USD" and updated.version == 2
    assert list(updated.lines.values_list("description", flat=True)) == ["Licence"]


def test_update_of_an_issued_invoice_is_refused(rep: Any) -> None:
    invoice = make_invoice(owner=rep, issue=True)
    before = _state()
    with pytest.raises(InvoiceNotDraft):
        invoice_update(actor=rep, invoice=invoice, notes="Late edit")
    assert _state() == before


def test_someone_elses_invoice_is_not_found_or_forbidden(rep: Any) -> None:
    invoice = make_invoice(owner=UserFactory())
    with pytest.raises((RecordNotFound, PermissionDenied)):
        invoice_update(actor=rep, invoice=invoice, notes="Mine now")


# --- from orders and deliveries --------------------------------------------------------------------------------
def test_from_order_without_deliveries_invoices_the_whole_order(rep: Any) -> None:
    order = make_order(owner=rep)
    invoice = invoice_create_from_order(actor=rep, order=order)
    assert invoice.order_id == order.pk and invoice.account_id == order.account_id
    assert invoice.total == order.total
    assert list(OrderLine.objects.order_by("position").values_list("quantity_invoiced", flat=True)) == [
        Decimal("10"),
        Decimal("1"),
    ]
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_create_from_order(actor=rep, order=order)
    assert "lines" in exc.value.field_errors
    assert _state() == before


def test_from_order_invoices_what_was_delivered_and_not_invoiced(rep: Any) -> None:
    order = make_order(owner=rep)
    deliver(order, {1: "4"})
    first = invoice_create_from_order(actor=rep, order=order)
    assert [(line.description, line.quantity) for line in first.lines.all()] == [("Widget", Decimal("4"))]
    deliver(order, {1: "6", 2: "1"})
    second = invoice_create_from_order(actor=rep, order=order)
    assert [(line.description, line.quantity) for line in second.lines.all()] == [
        ("Widget", Decimal("6")),
        ("Setup", Decimal("1")),
    ]


def test_from_order_refuses_more_than_remains(rep: Any) -> None:
    order = make_order(owner=rep)
    widget = order.lines.get(position=1)
    invoice_create_from_order(actor=rep, order=order, lines=[{"order_line": widget, "quantity": "7"}])
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_create_from_order(actor=rep, order=order, lines=[{"order_line": widget.pk, "quantity": "4"}])
    assert "Only 3" in exc.value.field_errors["lines.0.quantity"][0]
    assert _state() == before
    with pytest.raises(InvalidInput) as exc:
        invoice_create_from_order(actor=rep, order=order, lines=[{"order_line": widget.pk, "quantity": "-1"}])
    assert "lines.0.quantity" in exc.value.field_errors
    assert _state() == before


def test_order_currency_is_kept(rep: Any) -> None:
    order = make_order(owner=rep, currency="USD")
    invoice = invoice_create_from_order(actor=rep, order=order)
    assert invoice.currency == "USD"
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        invoice_update(actor=rep, invoice=invoice, currency="EUR")
    assert "currency" in exc.value.field_errors
    assert _state() == before


def test_deleting_or_voiding_gives_the_quantities_back(rep: Any) -> None:
    order = make_order(owner=rep)
    draft = invoice_create_from_order(actor=rep, order=order)
    invoice_delete(actor=rep, invoice=draft)
    assert set(OrderLine.objects.values_list("quantity_invoiced", flat=True)) == {Decimal(0)}
    issued = invoice_issue(actor=rep, invoice=invoice_create_from_order(actor=rep, order=order))
    voided = invoice_void(actor=rep, invoice=issued, reason="Wrong customer")
    assert voided.status == InvoiceStatus.VOID and voided.number == issued.number and voided.voided_at
    assert set(OrderLine.objects.values_list("quantity_invoiced", flat=True)) == {Decimal(0)}
    again = invoice_issue(actor=rep, invoice=invoice_create_from_order(actor=rep, order=order))
    assert again.number != issued.number  # a voided number is never reused


def test_from_delivery(rep: Any) -> None:
    order = make_order(owner=rep)
    pending = deliver(order, {1: "2"}, status="pending")
    with pytest.raises(InvoiceStateInvalid):
        invoice_create_from_delivery(actor=rep, delivery=pending)
    shipped = deliver(order, {1: "3", 2: "1"})
    invoice = invoice_create_from_delivery(actor=rep, delivery=shipped)
    assert invoice.delivery_id == shipped.pk
    assert [(line.description, line.quantity) for line in invoice.lines.all()] == [
        ("Widget", Decimal("3")),
        ("Setup", Decimal("1")),
    ]
    before = _state()
    with pytest.raises(InvoiceStateInvalid) as exc:
        invoice_create_from_delivery(actor=rep, delivery=shipped)
    assert "delivery" in exc.value.field_errors
    assert _state() == before


def test_void_is_refused_with_payments(rep: Any) -> None:
    invoice = make_invoice(owner=rep, issue=True)
    payment_record(actor=rep, invoice=invoice, amount="10.00")
    before = _state()
    with pytest.raises(InvoiceStateInvalid):
        invoice_void(actor=rep, invoice=invoice)
    assert _state() == before
    draft = make_invoice(owner=rep)
    with pytest.raises(InvoiceStateInvalid):
        invoice_void(actor=rep, invoice=draft)


@override_settings(CRM_INVOICE_PAYMENT_DAYS=45)
def test_payment_days_default_comes_from_settings(rep: Any) -> None:
    assert make_invoice(owner=rep).payment_terms_days == 45
