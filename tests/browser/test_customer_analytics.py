"""Customer analytics in the browser: the RFM page shows its charts and grid, a cell drills down to the accounts
list filtered by its segment, the Pareto page answers a chosen "top X %", and switches to the margin curve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from crm.analytics.core.services import analysis_run_execute, analysis_run_request


def _orders(owner) -> None:
    account, order, currency = (
        apps.get_model(*m.split(".")) for m in ("contacts.Account", "sales.Order", "catalog.Currency")
    )
    if not currency.objects.filter(is_company=True).exists():
        currency.objects.create(code="EUR", name="Euro", is_company=True)
    code = currency.objects.get(is_company=True).code
    accounts = [account.objects.create(name=f"Buyer {i:02d}", owner=owner) for i in range(25)]
    rows, n = [], 0
    for i, acc in enumerate(accounts):
        for j in range(1 + i % 6):
            n += 1
            rows.append(
                order(
                    number=f"B-{n:04d}",
                    account=acc,
                    owner=owner,
                    currency=code,
                    total=Decimal(100 + 37 * i),
                    net_total=Decimal(100 + 37 * i),
                    # every order earns 50, but the two biggest buyers' orders lose 30 each
                    cost_total=Decimal(100 + 37 * i) - Decimal(50 if i < 23 else -30),
                    ordered_on=dt.date(2026, 6, 28) - dt.timedelta(days=9 * i + 31 * j),
                )
            )
    order.objects.bulk_create(rows)


def test_rfm_page_drills_down_to_the_segments_accounts(page, login, admin) -> None:
    _orders(admin)
    for kind in ("rfm", "pareto"):
        analysis_run_execute(
            run_id=analysis_run_request(kind=kind, params={"as_of": "2026-06-30"}, actor=None).pk
        )
    login(admin)
    page.goto(reverse("analytics_customers:rfm"))
    expect(page.locator('[data-chart="segment-customers"] svg')).to_be_visible()
    expect(page.locator('[data-table="grid"] a')).to_have_count(25)
    champions = page.locator('[data-segment="champions"] a')
    shown = int(page.locator('[data-segment="champions"] td.num').first.inner_text().replace(",", ""))
    champions.click()
    page.wait_for_url("**/accounts/?rfm_segment=champions")
    expect(page.locator("tbody tr")).to_have_count(shown)

    page.goto(reverse("analytics_customers:pareto"))
    expect(page.locator('[data-chart="pareto-curve"] svg')).to_be_visible()
    page.get_by_role("spinbutton").fill("40")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h2[data-top-share]")).to_contain_text("40")

    page.get_by_role("link", name="Margin").click()
    page.wait_for_url("**/analytics/pareto/?measure=margin*")
    expect(page.locator('[data-chart="pareto-curve"][data-measure="margin"] svg')).to_be_visible()
    expect(page.locator("h2[data-top-share]")).to_contain_text("of margin")
    expect(page.locator('[data-kpi="negative_customers"]')).to_have_text("2")
    expect(page.locator('[data-note="margin"]')).to_contain_text("above 100 %")
    page.get_by_role("spinbutton").fill("10")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**measure=margin*top=10*")
    expect(page.locator("h2[data-top-share]")).to_contain_text("10")
