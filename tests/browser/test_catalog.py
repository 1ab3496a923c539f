"""The catalog in the browser: an administrator creates a product, gives it a price, and finds it in the list."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from crm.catalog import selectors
from crm.catalog.tests import factories as f


def test_admin_creates_a_product_with_a_price_and_sees_it_in_the_list(
    page: Page, login: Any, admin: Any, shots: Any
) -> None:
    # Given a company currency, a tax and a price book
    f.currency("EUR", is_company=True)
    f.tax("IVA 21 %", "21")
    f.price_book("Retail", code="EUR")
    login(admin)

    # When the administrator fills in the new-product form with a SKU that is taken…
    f.product(sku="TAKEN-1", name="Existing")
    page.goto(reverse("catalog:product_list"))
    page.get_by_role("link", name="New product").first.click()
    page.get_by_role("textbox", name="SKU").fill("taken-1")
    page.get_by_role("textbox", name="Name", exact=True).fill("Cloud backup 1 TB")
    page.get_by_role("combobox", name="Type").select_option(label="Subscription")
    page.get_by_role("combobox", name="Billing period").select_option(label="Monthly")
    page.get_by_role("combobox", name="Tax").select_option(label="IVA 21 %")
    page.get_by_role("button", name="Create product").click()

    # …the form says so next to the field, and keeps what was typed
    expect(page.locator("#id_sku_error")).to_contain_text("TAKEN-1")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Cloud backup 1 TB")

    # Then with a free SKU the product is created and its page opens
    page.get_by_role("textbox", name="SKU").fill("cbk-1tb")
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", name="Cloud backup 1 TB", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/products/\d+/$"))

    # And a price is set in the Retail book
    page.get_by_role("combobox", name="Price book").select_option(label="Retail · EUR")
    page.get_by_role("textbox", name="Unit price").fill("29.5")
    page.get_by_role("button", name="Set price").click()
    expect(page.locator("#prices")).to_contain_text("€29.50")
    shots.take("catalog-product")

    # And the list shows it with its list price
    page.goto(reverse("catalog:product_list"))
    row = page.get_by_role("row").filter(has_text="Cloud backup 1 TB")
    expect(row).to_contain_text("CBK-1TB")
    expect(row).to_contain_text("€29.50")
    shots.take("catalog-products")

    product = next(p for p in selectors.product_list(user=admin, params={"sku": "CBK"}).items)
    assert (product.kind, product.billing_period, product.tax.name) == ("subscription", "monthly", "IVA 21 %")
