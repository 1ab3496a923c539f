"""Contracts in a browser: create a contract with a monthly line, activate it, generate its invoices, see the
draft invoice, and — after the daily run — the renewal opportunity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from crm.sales.models import Contract, Invoice
from crm.sales.tests.factories import make_pipeline


def test_create_activate_generate_and_renew_a_contract(
    page: Page, login: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    make_pipeline("Renewals")
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    end = today + dt.timedelta(days=40)  # inside the 60 days' renewal notice
    login(rep)

    # Given the empty contract list, Rita opens the form from it
    page.goto("/contracts/")
    expect(page.get_by_text("No contracts yet")).to_be_visible()
    shots.take("contract-list-empty")
    page.get_by_role("link", name="New contract").first.click()

    # When she fills in the contract and one monthly line and saves it
    page.locator("#id_title").fill("Managed hosting")
    page.locator("#id_account").select_option(label=rep_account.name)
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.locator("#id_lines-0-description").fill("Hosting, 4 servers")
    page.locator("#id_lines-0-quantity").fill("4")
    page.locator("#id_lines-0-unit_price").fill("25.00")
    page.locator("#id_lines-0-billing_period").select_option("monthly")
    shots.take("contract-form")
    page.get_by_role("button", name="Create contract").click()

    # Then its page shows the draft with the line, and she activates it
    contract = Contract.objects.get()
    expect(page).to_have_url(f"/contracts/{contract.pk}/")
    lines = page.get_by_role("region", name="Recurring lines")
    expect(lines).to_contain_text("Hosting, 4 servers")
    expect(lines).to_contain_text("Monthly")
    expect(lines).to_contain_text("100.00")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("The contract is active")).to_be_visible()

    # When she generates the invoices now, a draft invoice for the first period is there
    page.get_by_role("button", name="Generate invoices now").click()
    expect(page.get_by_text("1 draft invoice created.")).to_be_visible()
    invoices = page.get_by_role("region", name="Generated invoices")
    expect(invoices).to_contain_text("Draft invoice")
    expect(invoices).to_contain_text("100.00")
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.status == "draft" and invoice.number is None
    assert invoice.lines.get().period_start == start

    # And after the daily run the renewal opportunity is linked from the contract
    call_command("contracts", "run")
    page.reload()
    renewal = page.get_by_role("region", name="Renewal")
    expect(renewal).to_contain_text("Renewal: Managed hosting")
    shots.take("contract-record")
    renewal.get_by_role("link").click()
    expect(page).to_have_url(f"/opportunities/{Contract.objects.get().renewal_opportunity_id}/")

    # The list shows it with its status and amount per billing
    page.goto("/contracts/")
    expect(page.get_by_role("link", name=contract.number)).to_be_visible()
    expect(page.locator("table")).to_contain_text("100.00")
    shots.take("contract-list")

    # The account page's panel lists the contract
    page.goto(f"/accounts/{rep_account.pk}/")
    panel = page.locator("#panel-sales-contracts")
    expect(panel).to_contain_text(contract.number)
    shots.take("account-contracts-panel")
