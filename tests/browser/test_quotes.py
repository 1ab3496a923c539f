"""A quote in a browser, end to end: from the opportunity page to a priced quote, emailed through a real SMTP
server by the background job, and accepted by the customer through the link in the email (no login)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from crm.catalog import services as catalog_services
from crm.catalog.tests import factories as catalog
from crm.contacts.tests.factories import ContactFactory
from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote
from crm.sales.tests.factories import make_opportunity, make_pipeline


def test_quote_from_opportunity_sent_and_accepted_through_the_emailed_link(
    page: Page,
    login: Any,
    rep: Any,
    rep_account: Any,
    shots: Any,
    smtp_server: Any,
    settings: Any,
    live_server: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_PUBLIC_URL = live_server.url
    catalog.currency("EUR", is_company=True)
    laptop = catalog.product(sku="LAP-1", name="Laptop Pro", tax=catalog.tax("IVA 21 %", "21"))
    catalog_services.price_set(
        actor=None, price_book=catalog.price_book("General"), product=laptop, unit_price=Decimal("1000")
    )
    buyer = ContactFactory(owner=rep, full_name="Ana García", email="ana@acme.example")
    opportunity = make_opportunity(
        pipeline=make_pipeline(),
        owner=rep,
        account=rep_account,
        name="Fleet renewal",
        contacts=[buyer],
        close_date=dt.date(2030, 1, 31),
    )
    login(rep)

    # Rita opens the deal and makes a quote from it: she lands in the lines editor
    page.goto(f"/opportunities/{opportunity.pk}/")
    page.get_by_role("button", name="New quote").click()
    expect(page.get_by_role("heading", name=re.compile("Lines of quote Q-00001"))).to_be_visible()
    page.locator("select[name='lines-0-product']").select_option(label="Laptop Pro · LAP-1")
    page.locator("input[name='lines-0-quantity']").fill("2")
    page.locator("input[name='lines-0-discount_percent']").fill("10")
    shots.take("quote-lines-editor")
    page.get_by_role("button", name="Save lines").click()

    # The quote page shows the line and the totals in euros
    expect(page.get_by_role("heading", name="Quote Q-00001")).to_be_visible()
    lines = page.get_by_role("region", name="Lines")
    expect(lines).to_contain_text("Laptop Pro")
    expect(lines).to_contain_text("€2,178.00")  # 2 × 1,000 − 10 % + 21 % tax
    shots.take("quote-record-draft")

    # She emails it to the buyer: the job sends it through the SMTP server
    page.locator("summary", has_text="Send").click()
    expect(page.locator("input[name='to']")).to_have_value("ana@acme.example")
    page.get_by_role("button", name="Email the quote").click()
    expect(page.get_by_text("The quote is on its way to ana@acme.example.")).to_be_visible()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ana@acme.example"
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    assert pdf.get_content().startswith(b"%PDF")
    link = re.search(r"https?://\S+/q/\S+/", message.get_body(preferencelist=("plain",)).get_content())
    assert link is not None
    page.reload()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Sent")
    shots.take("quote-record-sent")

    # The customer (no login) opens the link from the email, types their name and accepts
    customer = page.context.browser.new_context(base_url=live_server.url)  # type: ignore[union-attr]
    public = customer.new_page()
    public.goto(link.group(0))
    expect(public.get_by_role("heading", name="Quote Q-00001")).to_be_visible()
    expect(public.get_by_text("Laptop Pro")).to_be_visible()
    shots.page, original = public, shots.page
    shots.take("quote-public")
    public.get_by_label("Your full name").fill("Ana García")
    public.get_by_role("button", name="Accept").click()
    expect(public.get_by_role("heading", name="Thank you — quote accepted")).to_be_visible()
    shots.take("quote-public-accepted")
    shots.page = original
    customer.close()

    quote = Quote.objects.get(number="Q-00001")
    assert quote.status == QuoteStatus.ACCEPTED and quote.decided_by_name == "Ana García"

    # Rita sees it accepted, and the account page lists the quote
    page.goto(f"/quotes/{quote.pk}/")
    expect(page.locator(".page-header__subtitle")).to_contain_text("Accepted")
    page.goto("/quotes/")
    expect(page.get_by_role("link", name="Q-00001")).to_be_visible()
    shots.take("quote-list")
    page.goto(f"/accounts/{rep_account.pk}/")
    expect(page.locator("#panel-sales-quotes")).to_contain_text("Q-00001")
    shots.take("account-quotes-panel")
