"""The lifetime-value page in a browser: the figures of the latest refresh, the holdout chart, the top customers
linking to their accounts, a phone-width layout without sideways scrolling, and the refresh control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from crm.analytics.clv.simulation import simulate_transactions
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.core.transactions import EPOCH, day_number


def _orders(owner: Any, accounts: int = 120) -> None:
    currency = apps.get_model("catalog", "Currency")
    if not currency.objects.filter(is_company=True).exists():
        currency.objects.create(code="EUR", name="Euro", is_company=True)
    account_model = apps.get_model("contacts", "Account")
    order_model = apps.get_model("sales", "Order")
    created = account_model.objects.bulk_create(
        [account_model(name=f"Cliente {i:03d}", owner=owner) for i in range(accounts)]
    )
    tx = simulate_transactions(
        customers=accounts,
        days=730,
        seed=4,
        r=1.0,
        alpha=8.0,
        a=1.2,
        b=3.0,
        p=6,
        q=4,
        v=15,
        first_day=day_number(timezone.localdate()) - 729,
    )
    order_model.objects.bulk_create(
        order_model(
            number=f"SO-{i:05d}",
            account_id=created[int(c)].pk,
            owner=owner,
            currency="EUR",
            total=Decimal(f"{a:.2f}"),
            ordered_on=EPOCH + dt.timedelta(days=int(d)),
        )
        for i, (c, d, a) in enumerate(zip(tx.customer, tx.day, tx.amount, strict=True))
    )


def test_a_manager_reads_the_lifetime_values_and_opens_a_top_customer(
    page: Page, login: Any, admin: Any, shots: Any
) -> None:
    _orders(admin)
    run = analysis_run_execute(run_id=analysis_run_request(kind="clv", actor=None).pk)
    assert run.status == "done", run.error
    login(admin)

    page.goto("/analytics/clv/")
    figures = page.get_by_label("Key figures")
    expect(figures).to_contain_text("Mean lifetime value")
    expect(page.locator("[data-kpi=customers]")).to_have_text(str(run.result["customers"]))
    expect(page.locator(".clv-holdout svg[role=img]")).to_be_visible()
    expect(page.locator("[data-params=bgnbd]")).to_contain_text("Log-likelihood")
    shots.take("analytics-clv")

    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    page.set_viewport_size({"width": 1280, "height": 800})

    top = page.locator(".clv-top tbody tr").first.get_by_role("link")
    name = top.inner_text()
    top.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    # the visible range form lists the customers within it; a band opens the accounts list filtered to it
    page.goto("/analytics/clv/")
    floor = round(run.result["kpis"]["mean_clv"])
    page.get_by_test_id("clv-min").fill(str(floor))
    page.get_by_test_id("clv-filter").get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**clv_min={floor}**")
    expect(page.get_by_role("heading", name="Most valuable customers in the range")).to_be_visible()
    shots.take("analytics-clv-filtered")
    page.get_by_test_id("clv-list-link").click()
    page.wait_for_url(f"**/accounts/?clv__gte={floor}")
    page.goto("/analytics/clv/")
    top_band = page.get_by_test_id("clv-bands").locator("a").first
    top_band.click()
    page.wait_for_url("**/accounts/?clv__gte=*")

    page.goto("/analytics/clv/")
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#run-clv")).to_have_attribute("data-run-state", "queued")
