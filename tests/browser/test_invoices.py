"""Invoices in the browser: Rita writes an invoice for her account, issues it, records a partial payment and
then the rest; the account page's panel shows the open balance at each step."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from crm.sales.enums import InvoiceStatus
from crm.sales.selectors.invoices import invoice_list


def test_issue_an_invoice_and_pay_it_in_two_parts(page, login, rep, rep_account, shots):
    login(rep)
    # Given a new invoice for her account, with one line
    page.goto(reverse("sales:invoice_create") + f"?account={rep_account.pk}")
    page.get_by_label("Description 1").fill("Implementation")
    page.get_by_label("Quantity 1").fill("8")
    page.get_by_label("Unit price 1").fill("125")
    page.get_by_label("Tax (%) 1").fill("21")
    shots.take("invoice-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice (draft)")
    expect(page.get_by_test_id("invoice-total")).to_have_text("€1,210.00")

    # When she issues it, it gets its number
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"INV-\d{4}-00001"))
    expect(page.get_by_text("Issued", exact=True).first).to_be_visible()

    # And records a partial payment
    page.get_by_text("Record payment").click()
    page.get_by_label("Amount").fill("500")
    page.get_by_label("Reference").fill("TRF-001")
    page.get_by_role("button", name="Save payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(page.get_by_test_id("invoice-due")).to_have_text("€710.00")
    expect(page.get_by_text("Partially paid").first).to_be_visible()
    shots.take("invoice-partially-paid")

    # Then the account's panel shows what is still open
    page.goto(reverse("contacts:account_detail", args=[rep_account.pk]))
    panel = page.locator("#panel-sales-invoices")
    expect(panel).to_contain_text("Open balance")
    expect(panel).to_contain_text("€710.00")
    shots.take("account-invoices-panel")

    # When she records the rest, the invoice is paid
    panel.get_by_role("link", name=re.compile(r"INV-")).first.click()
    page.get_by_text("Record payment").click()
    expect(page.get_by_label("Amount")).to_have_value("710.00")
    page.get_by_role("button", name="Save payment").click()
    expect(page.get_by_text("The invoice is paid in full.")).to_be_visible()
    expect(page.get_by_test_id("invoice-due")).to_have_text("€0.00")
    [invoice] = invoice_list(user=rep, params={}).items
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == invoice.total
    shots.take("invoice-paid")

    page.goto(reverse("sales:invoice_list"))
    row = page.get_by_role("row").filter(has_text=invoice.number)
    expect(row).to_contain_text("Paid")
    expect(row).to_contain_text("€1,210.00")
    shots.take("invoice-list")
