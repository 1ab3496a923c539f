"""The forecast and the lifecycle view in a browser: the figures of a small dataset, the filters in the query
string, both in Spanish and English, at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from crm.catalog.services.currencies import currency_create
from crm.sales.services.lifecycle import deal_lifecycle_record_lead, lifecycle_rebuild
from crm.sales.services.quotas import QuotaEntry, quotas_set
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage


def test_forecast_and_lifecycle_views(
    page: Page, login: Any, admin: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    currency_create(actor=None, code="EUR", is_company=True)
    pipeline = make_pipeline()
    start = dt.datetime(2026, 4, 6, 9, 0, tzinfo=dt.UTC)
    close = dt.date(2026, 5, 20)
    deals = [
        make_opportunity(
            pipeline=pipeline,
            owner=rep,
            account=rep_account,
            name=f"Deal {i}",
            amount=Decimal(amount),
            close_date=close,
            at=start + dt.timedelta(days=i),
        )
        for i, amount in enumerate(["1000", "2500", "4000"])
    ]
    deal_lifecycle_record_lead(
        opportunity_id=deals[0].pk,
        lead_created_at=start - dt.timedelta(days=3),
        lead_qualified_at=start - dt.timedelta(days=1),
    )
    opportunity_move_stage(
        actor=None,
        opportunity=deals[2],
        stage=stage(pipeline, "Won"),
        at=start + dt.timedelta(days=9),
        playbook=False,
    )
    lifecycle_rebuild()
    quotas_set(actor=None, entries=[QuotaEntry(user_id=rep.pk, month="2026-05", amount="8000")])
    login(admin)

    # The forecast of the quarter by owner: Rita's open pipeline, her won deal and her quota
    page.goto("/forecast/?period=2026-Q2&group_by=owner&interval=month")
    expect(page.locator('[data-kpi="pipeline"]')).to_contain_text("3,500.00")
    expect(page.locator('[data-kpi="closed_won"]')).to_contain_text("4,000.00")
    expect(page.locator('[data-kpi="quota"]')).to_contain_text("8,000.00")
    row = page.locator(f'[data-forecast="whole"] [data-row="{rep.pk}"]')
    expect(row).to_contain_text("Rita Reyes")
    expect(row).to_contain_text("50%")
    shots.take("forecast")

    # Changing a filter keeps it in the query string
    page.get_by_label("Group by").select_option("team")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"group_by=team"))
    expect(page.locator('[data-forecast="whole"]')).to_contain_text("North")

    # The lifecycle of April: three deals opened, one came from a lead; one won
    page.goto("/lifecycle/?period=2026-04&group_by=pipeline")
    total = page.locator('[data-lifecycle="total"]')
    expect(total.locator('[data-stage="opportunity_opened"] [data-count]')).to_have_text("3")
    expect(total.locator('[data-stage="lead_created"] [data-count]')).to_have_text("1")
    expect(total.locator('[data-stage="lead_created"]')).to_contain_text("2.0 d")
    expect(page.locator('[data-lifecycle="groups"]')).to_contain_text("New business")
    shots.take("lifecycle")

    # The manager sets June's quota in the grid; the forecast's quota follows
    page.goto("/forecast/quotas/?year=2026")
    page.get_by_label("Rita Reyes June 2026").fill("2000")
    shots.take("quotas")
    page.get_by_role("button", name="Save quotas").click()
    expect(page.get_by_label("Rita Reyes June 2026")).to_have_value("2000.00")
    page.goto("/forecast/?period=2026-Q2&group_by=owner")
    expect(page.locator('[data-kpi="quota"]')).to_contain_text("10,000.00")

    # In Spanish, the numbers are written the Spanish way
    admin.language = "es"
    admin.save(update_fields=["language"])
    page.goto("/forecast/?period=2026-Q2")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator('[data-kpi="pipeline"]')).to_contain_text("3.500,00")
    page.goto("/lifecycle/?period=2026-04")
    expect(page.locator('[data-lifecycle="total"] [data-stage="lead_created"]')).to_contain_text("2,0 d")
    shots.take("lifecycle-es")
