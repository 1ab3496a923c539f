"""Orders in a browser: a new order from the catalog, a partial delivery (shipped, then delivered), the rest
delivered, and what the customer now owns on the account page; an over-delivery is refused in the form."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from crm.sales.models import Asset, Order
from crm.sales.tests.orders.factories import catalog_setup


def test_order_partial_and_full_delivery_to_the_installed_base(
    page: Page, login: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    items = catalog_setup()
    login(rep)

    # Given a new order for 3 routers, entered from the catalog
    page.goto(f"/orders/new/?account={rep_account.pk}")
    page.locator("#line-1-product").select_option(str(items["router"].pk))
    page.locator("#line-1-quantity").fill("3")
    shots.take("order-form")
    page.get_by_role("button", name="Create order").click()
    expect(page.get_by_role("heading", name=re.compile(r"Order SO-\d+"))).to_be_visible()
    order = Order.objects.get()
    line = order.lines.get()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Confirmed")

    # When Rita asks for more than was ordered, the form says how many remain and nothing is created
    page.locator("#new-delivery > summary").click()
    page.locator(f"#qty-{line.pk}").fill("5")
    page.get_by_role("button", name="Create delivery").click()
    expect(page.locator(".delivery-line .field__error")).to_contain_text(
        "Only 3 of “Router X1” remain to deliver."
    )
    assert not order.deliveries.exists()

    # When she delivers two of them (with their serial numbers), shipped then delivered
    page.locator(f"#qty-{line.pk}").fill("2")
    page.locator(f"textarea[name='serials-{line.pk}']").fill("RX-001\nRX-002")
    page.locator("input[name='carrier']").fill("SEUR")
    page.locator("input[name='tracking_number']").fill("TRK-778")
    page.get_by_role("button", name="Create delivery").click()
    expect(page.locator(".delivery-list__item")).to_have_count(1)
    expect(page.locator(".delivery-list__item")).to_contain_text("Pending")
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.locator(".delivery-list__item")).to_contain_text("Shipped")
    shots.take("order-shipped")
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Partially delivered")
    expect(page.locator(".qty-progress")).to_have_text("2 / 3")

    # Then the last one is delivered (the header's button opens the form) and the order is complete
    page.get_by_role("link", name="New delivery").click()
    expect(page.locator(f"#qty-{line.pk}")).to_have_value("1")
    page.get_by_role("button", name="Create delivery").click()
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.locator(".page-header__subtitle")).to_contain_text("Delivered")
    expect(page.locator(".qty-progress")).to_have_text("3 / 3")
    expect(page.get_by_role("link", name="New delivery")).to_have_count(0)
    shots.take("order-delivered")
    assert Asset.objects.filter(account=rep_account).count() == 3

    # And the account page shows the order, its deliveries and what the customer owns
    page.goto(f"/accounts/{rep_account.pk}/")
    orders_panel = page.locator("#panel-sales-orders")
    expect(orders_panel).to_contain_text(order.number)
    expect(orders_panel).to_contain_text("Delivered")
    assets_panel = page.locator("#panel-sales-assets")
    expect(assets_panel).to_contain_text("RX-001")
    expect(assets_panel).to_contain_text("RX-002")
    expect(assets_panel.locator(".list__item")).to_have_count(3)
    shots.take("account-installed-base")

    # And the installed base answers "who owns the router"
    page.goto(f"/assets/owners/?product={items['router'].pk}")
    expect(page.get_by_role("cell", name="Northwind Trading")).to_be_visible()
    shots.take("installed-base-owners")
    page.goto("/assets/")
    shots.take("installed-base")

    # And each delivery and asset has its page
    page.goto(order.deliveries.order_by("id").first().get_absolute_url())
    expect(page.get_by_role("heading", name=re.compile(r"Delivery DL-\d+"))).to_be_visible()
    expect(page.locator(".record-summary")).to_contain_text("TRK-778")
    shots.take("delivery-page")
    asset = Asset.objects.get(serial_number="RX-001")
    page.goto(asset.get_absolute_url())
    expect(page.locator(".record-summary")).to_contain_text("RX-001")
    shots.take("asset-page")
    page.goto("/orders/")
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    shots.take("order-list")
