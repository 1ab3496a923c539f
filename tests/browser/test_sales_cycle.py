"""One customer through the whole sales cycle in a browser, clicking through the pages as people do: a visitor
fills in the web-to-lead form; Ada qualifies the lead and converts it into an account, a contact and an
opportunity; finds the deal on the pipeline board; quotes three routers and emails the quote (the background job
sends it through a real SMTP server); the customer accepts it through the link in the email; Ada turns the quote
into an order, delivers two routers (shipped, then delivered) and then the last one, invoices the order, issues the
invoice and records the payment, and marks the deal won; the account page lists the routers the customer now owns, and the lifecycle view
shows how long each step of this deal took.

Only the two doors people open from outside the app are typed: the public form's address and the link in the email.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from crm.catalog import services as catalog_services
from crm.catalog.tests import factories as catalog
from crm.sales.enums import DeliveryStatus, InvoiceStatus, OrderStatus, QuoteStatus
from crm.sales.models import Asset, DealLifecycle, Invoice, Order, Quote
from crm.sales.tests.factories import make_pipeline


def _nav(page: Page, label: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=label, exact=True).first.click()


def test_one_customer_through_the_whole_sales_cycle(
    page: Page,
    login: Any,
    admin: Any,
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
    router = catalog.product(sku="RTR-1", name="Router X1", tax=catalog.tax("IVA 21 %", "21"))
    catalog_services.price_set(
        actor=None, price_book=catalog.price_book("General"), product=router, unit_price=Decimal("400")
    )
    make_pipeline()

    # --- pre-sale -----------------------------------------------------------------------------------------------
    # A visitor asks for routers through the public form
    page.goto("/forms/lead/")
    page.get_by_role("textbox", name="First name").fill("Lucía")
    page.get_by_role("textbox", name="Last name").fill("Martín")
    page.get_by_role("textbox", name="Email").fill("lucia@nubes.example")
    page.get_by_role("textbox", name="Company").fill("Nubes Ibéricas S.L.")
    page.get_by_role("textbox", name="How can we help?").fill("Routers for our three offices")
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    shots.take("cycle-01-web-form")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # Ada (who owns leads no rule assigns) finds it in her leads and qualifies it
    login(admin)
    page.goto("/")
    _nav(page, "Leads")
    page.get_by_role("row").filter(has_text="Lucía Martín").get_by_role("link", name="Lucía Martín").click()
    expect(page.get_by_role("heading", name="Lucía Martín", level=1)).to_be_visible()
    page.get_by_role("button", name="Qualify").click()
    expect(page.locator("#lead-status")).to_contain_text("Qualified")
    shots.take("cycle-02-lead-qualified")

    # She converts it: a new account and contact, and an opportunity in the pipeline (where she lands)
    page.get_by_text("Convert", exact=True).click()
    dialog = page.locator("[data-convert-form]")
    dialog.get_by_role("checkbox", name=re.compile("Also open an opportunity")).check()
    shots.take("cycle-03-convert")
    dialog.get_by_role("button", name="Convert lead").click()
    expect(page).to_have_url(re.compile(r"/opportunities/\d+/$"))
    expect(page.get_by_role("heading", name="Nubes Ibéricas S.L.", level=1)).to_be_visible()
    shots.take("cycle-04-opportunity")

    # The deal is on the pipeline board
    _nav(page, "Pipeline")
    card = page.locator("[data-card]").filter(has_text="Nubes Ibéricas S.L.")
    expect(card).to_have_count(1)
    shots.take("cycle-05-board")
    card.get_by_role("link", name="Nubes Ibéricas S.L.").click()
    expect(page.get_by_role("heading", name="Nubes Ibéricas S.L.", level=1)).to_be_visible()

    # A quote for three routers from the opportunity
    page.get_by_role("button", name="New quote").click()
    expect(page.get_by_role("heading", name=re.compile("Lines of quote Q-00001"))).to_be_visible()
    page.locator("select[name='lines-0-product']").select_option(label="Router X1 · RTR-1")
    page.locator("input[name='lines-0-quantity']").fill("3")
    page.get_by_role("button", name="Save lines").click()
    expect(page.get_by_role("heading", name="Quote Q-00001")).to_be_visible()
    expect(page.get_by_role("region", name="Lines")).to_contain_text("€1,452.00")  # 3 × 400 + 21 %
    shots.take("cycle-06-quote")

    # Emailed to Lucía: the job sends the PDF and the link through the SMTP server
    page.locator("summary", has_text="Send").click()
    expect(page.locator("input[name='to']")).to_have_value("lucia@nubes.example")
    page.get_by_role("button", name="Email the quote").click()
    expect(page.get_by_text("The quote is on its way to lucia@nubes.example.")).to_be_visible()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "lucia@nubes.example"
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    assert pdf.get_content().startswith(b"%PDF")
    link = re.search(r"https?://\S+/q/\S+/", message.get_body(preferencelist=("plain",)).get_content())
    assert link is not None

    # Lucía (no login) opens the link from the email and accepts
    customer = page.context.browser.new_context(base_url=live_server.url)  # type: ignore[union-attr]
    public = customer.new_page()
    public.goto(link.group(0))
    expect(public.get_by_role("heading", name="Quote Q-00001")).to_be_visible()
    shots.page, ada_page = public, shots.page
    shots.take("cycle-07-quote-public")
    public.get_by_label("Your full name").fill("Lucía Martín")
    public.get_by_role("button", name="Accept").click()
    expect(public.get_by_role("heading", name="Thank you — quote accepted")).to_be_visible()
    shots.page = ada_page
    customer.close()
    assert Quote.objects.get(number="Q-00001").status == QuoteStatus.ACCEPTED

    # --- transaction --------------------------------------------------------------------------------------------
    # Ada sees it accepted and makes the order from it
    page.reload()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Accepted")
    shots.take("cycle-08-quote-accepted")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name=re.compile(r"Order SO-\d+"))).to_be_visible()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Confirmed")
    order = Order.objects.get()
    line = order.lines.get()
    assert order.quote.number == "Q-00001" and line.quantity == 3
    expect(page.get_by_role("link", name="Q-00001")).to_be_visible()

    # --- delivery -----------------------------------------------------------------------------------------------
    # Two routers leave first, shipped then delivered
    page.locator("#new-delivery > summary").click()
    page.locator(f"#qty-{line.pk}").fill("2")
    page.locator(f"textarea[name='serials-{line.pk}']").fill("RX-001\nRX-002")
    page.locator("input[name='carrier']").fill("SEUR")
    page.locator("input[name='tracking_number']").fill("TRK-778")
    page.get_by_role("button", name="Create delivery").click()
    expect(page.locator(".delivery-list__item")).to_contain_text("Pending")
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.locator(".delivery-list__item")).to_contain_text("Shipped")
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Partially delivered")
    expect(page.locator(".qty-progress")).to_have_text("2 / 3")
    shots.take("cycle-09-partially-delivered")

    # Then the last one
    page.get_by_role("link", name="New delivery").click()
    expect(page.locator(f"#qty-{line.pk}")).to_have_value("1")
    page.get_by_role("button", name="Create delivery").click()
    page.get_by_role("button", name="Mark shipped").click()
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Delivered")
    expect(page.locator(".qty-progress")).to_have_text("3 / 3")
    shots.take("cycle-10-delivered")
    assert {d.status for d in order.deliveries.all()} == {DeliveryStatus.DELIVERED}

    # --- invoice and payment ------------------------------------------------------------------------------------
    page.get_by_role("link", name="Invoice this order").click()
    expect(page.get_by_label("Order number")).to_have_value(order.number)
    page.get_by_role("button", name="Make the draft invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice (draft)")
    expect(page.get_by_test_id("invoice-total")).to_have_text("€1,452.00")
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"INV-\d{4}-00001"))
    shots.take("cycle-11-invoice-issued")
    page.get_by_text("Record payment").click()
    expect(page.get_by_label("Amount")).to_have_value("1452.00")
    page.get_by_label("Reference").fill("TRF-001")
    page.get_by_role("button", name="Save payment").click()
    expect(page.get_by_text("The invoice is paid in full.")).to_be_visible()
    expect(page.get_by_test_id("invoice-due")).to_have_text("€0.00")
    shots.take("cycle-12-invoice-paid")
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.PAID and invoice.order_id == order.pk

    # The invoice leads back to its order, which lists it
    page.locator(".record-summary").get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()
    expect(page.locator("#order-invoices")).to_contain_text(invoice.number)
    expect(page.locator("#order-invoices")).to_contain_text("Paid")
    expect(page.get_by_role("link", name="Invoice this order")).to_have_count(0)

    # The deal is won: from the order to its opportunity
    page.locator(".record-summary .kv").get_by_role("link", name="Nubes Ibéricas S.L.").click()
    documents = page.locator("#opportunity-documents")
    expect(documents.get_by_role("link", name="Quote Q-00001")).to_be_visible()
    expect(documents.get_by_role("link", name=f"Order {order.number}")).to_be_visible()
    page.get_by_role("button", name="Mark won").click()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Won")
    shots.take("cycle-13-opportunity-won")

    # --- after-sale: the installed base and the lifecycle -------------------------------------------------------
    page.locator(".record-summary__sub").get_by_role("link", name="Nubes Ibéricas S.L.").click()
    expect(page.get_by_role("heading", name="Nubes Ibéricas S.L.", level=1)).to_be_visible()
    assets_panel = page.locator("#panel-sales-assets")
    expect(assets_panel.locator(".list__item")).to_have_count(3)
    expect(assets_panel).to_contain_text("RX-001")
    expect(assets_panel).to_contain_text("RX-002")
    expect(page.locator("#panel-sales-orders")).to_contain_text("Delivered")
    expect(page.locator("#panel-sales-lifecycle [data-account-lifecycle] .list__item")).to_have_count(8)
    shots.take("cycle-14-account")
    assert Asset.objects.filter(account__name="Nubes Ibéricas S.L.", status="active").count() == 3

    page.locator("#panel-sales-lifecycle").get_by_role("link", name="All deals").click()
    total = page.locator('[data-lifecycle="total"]')
    for stage in (
        "lead_created",
        "lead_qualified",
        "opportunity_opened",
        "quote_sent",
        "quote_accepted",
        "ordered",
        "shipped",
        "delivered",
    ):
        expect(total.locator(f'[data-stage="{stage}"] [data-count]')).to_have_text("1")
    expect(total.locator('[data-stage="lead_created"] [data-median]')).to_contain_text(
        re.compile(r"\d\.\d d")
    )
    expect(total.locator('[data-stage="ordered"] [data-median]')).to_contain_text(re.compile(r"\d\.\d d"))
    expect(page.locator("#lc-title").locator("xpath=..")).to_contain_text("1 won, 0 lost")
    shots.take("cycle-15-lifecycle")

    row = DealLifecycle.objects.get()
    assert row.lead_created_at <= row.quote_sent_at <= row.ordered_at <= row.delivered_at <= row.won_at
    assert Order.objects.get().status == OrderStatus.DELIVERED
