"""Invoice pages: the list (badges, filters, constant queries), the record page and its actions, the forms
(inline errors, nothing stored), the account panel, the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.activities.timeline import timeline_page
from crm.contacts.tests.factories import AccountFactory
from crm.sales.enums import InvoiceStatus
from crm.sales.models import Invoice, InvoiceLine, Payment
from crm.sales.services.payments import payment_record
from crm.sales.tests.invoices.factories import make_invoice, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _list_queries(client: Client, query: str = "") -> int:
    url = reverse("sales:invoice_list") + query
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_shows_badges_and_amounts_and_filters_by_status(rep: Any) -> None:
    client = _client(rep)
    draft = make_invoice(owner=rep)
    paid = make_invoice(owner=rep, issue=True)
    payment_record(actor=rep, invoice=paid, amount=str(paid.total))
    page = client.get(reverse("sales:invoice_list")).content.decode()
    assert paid.number in page and f"#{draft.pk}" in page
    assert "badge--success" in page and "€1,210.00" in page
    page = client.get(reverse("sales:invoice_list") + "?status=paid").content.decode()
    assert paid.number in page and f"#{draft.pk}" not in page
    response = client.get(reverse("sales:invoice_list") + "?status=bogus")
    assert response.status_code == 200 and "alert--error" in response.content.decode()


def test_list_query_count_is_constant(rep: Any) -> None:
    client = _client(rep)
    make_invoice(owner=rep)
    few = _list_queries(client)
    for _n in range(8):
        make_invoice(owner=rep, issue=True, account=AccountFactory(owner=rep))
    assert _list_queries(client) == few


def test_record_page_issue_pay_partially_then_fully(rep: Any) -> None:
    client = _client(rep)
    invoice = make_invoice(owner=rep)
    url = reverse("sales:invoice_detail", args=[invoice.pk])
    page = client.get(url).content.decode()
    assert "Consulting" in page and reverse("sales:invoice_issue", args=[invoice.pk]) in page
    response = client.post(reverse("sales:invoice_issue", args=[invoice.pk]), {"version": invoice.version})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    pay = reverse("sales:payment_create", args=[invoice.pk])
    response = client.post(
        pay, {"amount": "5000", "paid_on": "2026-01-05", "method": "card", "reference": ""}
    )
    assert response.status_code == 422
    assert "is due on this invoice" in response.content.decode()
    assert not Payment.objects.exists()
    client.post(pay, {"amount": "210.00", "paid_on": "2026-01-05", "method": "card", "reference": "R1"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    client.post(pay, {"amount": "1000.00", "paid_on": "2026-01-06", "method": "bank_transfer"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    page = client.get(url).content.decode()
    assert "R1" in page and "Record payment" not in page


def test_credit_and_void_and_pdf_from_the_page(rep: Any) -> None:
    client = _client(rep)
    invoice = make_invoice(owner=rep, issue=True)
    [line] = invoice.lines.all()
    credit = reverse("sales:credit_note_create", args=[invoice.pk])
    response = client.post(credit, {f"line-{line.pk}": "20", "reason": "Too many"})
    assert response.status_code == 422 and "can still be credited" in response.content.decode()
    assert Invoice.objects.count() == 1
    response = client.post(credit, {f"line-{line.pk}": "2", "reason": "Two back"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert str(invoice.amount_credited) == "242.00"
    pdf = client.get(reverse("sales:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = make_invoice(owner=rep, issue=True)
    client.post(
        reverse("sales:invoice_void", args=[other.pk]), {"reason": "Duplicate", "version": other.version}
    )
    other.refresh_from_db()
    assert other.status == InvoiceStatus.VOID


def test_new_invoice_form_shows_line_errors_and_stores_nothing(rep: Any) -> None:
    client = _client(rep)
    account = AccountFactory(owner=rep)
    url = reverse("sales:invoice_create")
    assert client.get(url + f"?account={account.pk}").status_code == 200
    data = {
        "account": account.pk,
        "currency": "EUR",
        "language": "en",
        "payment_terms_days": 30,
        "line-0-description": "Design",
        "line-0-quantity": "-3",
        "line-0-unit_price": "100",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Enter a number above 0" in response.content.decode()
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
    data["line-0-quantity"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert str(invoice.total) == "300.00"
    edit = reverse("sales:invoice_update", args=[invoice.pk])
    assert "Design" in client.get(edit).content.decode()
    data.update(
        {
            "version": invoice.version,
            "line-1-description": "Print",
            "line-1-quantity": "1",
            "line-1-unit_price": "50",
        }
    )
    data.pop("account")
    assert client.post(edit, data).status_code == 302
    assert str(Invoice.objects.get().total) == "350.00"


def test_from_order_form(rep: Any) -> None:
    client = _client(rep)
    order = make_order(owner=rep)
    url = reverse("sales:invoice_from_order")
    response = client.post(url, {"order_number": "NOPE-1"})
    assert response.status_code == 422 and "No order with this number" in response.content.decode()
    response = client.post(url, {"order_number": order.number})
    assert response.status_code == 302
    assert Invoice.objects.get().order_id == order.pk


def test_account_panel_shows_the_open_balance(rep: Any) -> None:
    client = _client(rep)
    account = AccountFactory(owner=rep)
    invoice = make_invoice(owner=rep, account=account, issue=True)
    payment_record(actor=rep, invoice=invoice, amount="10.00")
    page = client.get(reverse("sales:account_invoices", args=[account.pk])).content.decode()
    assert "Open balance" in page and "€1,200.00" in page and invoice.number in page


def test_state_changes_land_on_the_invoice_and_account_timelines(rep: Any) -> None:
    account = AccountFactory(owner=rep)
    invoice = make_invoice(owner=rep, account=account, issue=True)
    payment_record(actor=rep, invoice=invoice, amount=str(invoice.total))
    own = timeline_page(user=rep, object_type="sales.invoice", object_id=invoice.pk)
    assert any("Paid" in e.title or "paid" in e.title for e in own.entries)
    titles = [
        e.title for e in timeline_page(user=rep, object_type="contacts.account", object_id=account.pk).entries
    ]
    assert any(invoice.number in t and "“Paid”" in t for t in titles), titles
    assert any(invoice.number in t and "“Issued”" in t for t in titles), titles
