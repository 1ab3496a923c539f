"""A manager opens the home page: their home dashboard loads widget by widget; clicking the "Qualify" bar of
the pipeline-by-stage chart opens the opportunity list showing exactly the open deals of that stage closing
this quarter (not the other stage's, not next year's, not the won one)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from crm.analytics.dashboards.services import dashboard_builtins_install
from crm.catalog.tests import factories as catalog
from crm.contacts.tests.factories import user_with_role
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

PASSWORD = "correct-horse-battery-staple"


def test_home_dashboard_bar_drills_down_to_exactly_its_deals(
    page: Page, login: Any, north: Any, rep: Any, shots: Any
) -> None:
    dashboard_builtins_install()  # the live-server tests empty the database between tests
    catalog.currency("EUR", is_company=True)
    boss = user_with_role(
        "sales_manager", email="mia@example.com", full_name="Mia Manager", team=north, password=PASSWORD
    )
    pipeline = make_pipeline()
    today = timezone.localdate()
    make_opportunity(
        pipeline=pipeline, owner=rep, name="Fjord routers", amount=Decimal("1200"), close_date=today
    )
    make_opportunity(
        pipeline=pipeline, owner=rep, name="Harbour switches", amount=Decimal("800"), close_date=today
    )
    make_opportunity(
        pipeline=pipeline,
        owner=rep,
        name="Delta proposal",
        amount=Decimal("500"),
        close_date=today,
        stage=stage(pipeline, "Negotiation"),
    )
    make_opportunity(
        pipeline=pipeline,
        owner=rep,
        name="Next year deal",
        amount=Decimal("900"),
        close_date=today.replace(year=today.year + 1),
    )
    login(boss)

    page.goto("/")
    card = page.locator('[data-widget="pipeline_by_stage"]')
    expect(card.locator("svg")).to_be_visible()
    expect(card.locator(".kpi__value").first).to_have_text("3")
    shots.take("dashboard-home")
    card.locator("svg a").filter(has=page.locator("title", has_text=re.compile(r"^Qualify:"))).click()

    expect(page).to_have_url(re.compile(r"/opportunities/\?.*stage=\d+"))
    table = page.locator("main")
    expect(table.get_by_role("link", name="Fjord routers")).to_be_visible()
    expect(table.get_by_role("link", name="Harbour switches")).to_be_visible()
    expect(table.get_by_role("link", name="Delta proposal")).to_have_count(0)
    expect(table.get_by_role("link", name="Next year deal")).to_have_count(0)
    shots.take("dashboard-drill-down")
