"""Predictive analytics in the browser: a manager reads the churn page (AUC, ROC, the customers at risk) and
refreshes the sales forecast with a progress control; leads sort by score from the list's column header."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.predict.tests import data
from crm.leads.services import lead_create
from crm.leads.services.scores import lead_scores_set


def test_manager_reads_the_churn_page_and_sorts_leads_by_score(
    page: Any, login: Any, admin: Any, shots: Any
) -> None:
    data.churn_world(customers=120)
    run = analysis_run_execute(
        run_id=analysis_run_request(kind="churn", params={"as_of": data.AS_OF.isoformat()}, actor=None).pk
    )
    assert run.status == "done", run.error
    login(admin)
    page.goto(reverse("analytics_predict:churn"))
    expect(page.get_by_role("heading", name="Churn risk", exact=True).first).to_be_visible()
    expect(page.locator("[data-auc]")).to_contain_text("0.")
    expect(page.get_by_text("Customers at highest risk")).to_be_visible()
    expect(page.locator("tr[data-account]")).to_have_count(25)
    expect(page.get_by_text("there is no customer-service module yet")).to_be_visible()
    expect(page.get_by_role("button", name="Refresh")).to_be_visible()
    shots.take("predict-churn")

    # the high-risk band opens the accounts list filtered to it
    high_band = page.locator("[data-band=high]")
    in_band = int(high_band.locator(".risk-band__value").inner_text().replace(",", ""))
    high_band.click()
    page.wait_for_url("**/accounts/?churn_risk__gte=0.7")
    assert 0 < in_band <= 50  # one page of the list
    expect(page.locator("tbody tr")).to_have_count(in_band)
    # the visible range form narrows the table and links the same accounts
    page.goto(reverse("analytics_predict:churn"))
    page.get_by_test_id("churn-risk-min").fill("50")
    page.get_by_test_id("churn-filter").get_by_role("button", name="Filter").click()
    page.wait_for_url("**risk_min=50**")
    risks = page.locator("tr[data-account] td:nth-child(2)").all_inner_texts()
    assert risks and all(float(r.replace("%", "").strip()) >= 50 for r in risks)
    shots.take("predict-churn-filtered")
    page.get_by_test_id("churn-list-link").click()
    page.wait_for_url("**/accounts/?churn_risk__gte=0.5")

    page.goto(reverse("analytics_predict:sales_forecast"))
    expect(page.get_by_text("Not computed yet", exact=True)).to_be_visible()
    page.get_by_role("button", name="Compute now").click()
    expect(page.locator("#run-sales_forecast")).to_have_attribute("data-run-state", "queued")

    low = lead_create(actor=admin, first_name="Lowscore")
    high = lead_create(actor=admin, first_name="Highscore")
    lead_scores_set(
        scores=[
            (low.pk, 12, []),
            (high.pk, 88, [{"feature": "source=referral", "label": "x", "effect": 2.0}]),
        ]
    )
    page.goto(reverse("leads:lead_list"))
    page.get_by_role("link", name="Score").first.click()
    page.wait_for_url("**sort=*score*")
    names = page.locator("tbody tr").all_inner_texts()
    first = next(i for i, t in enumerate(names) if "Highscore" in t or "Lowscore" in t)
    assert ("Highscore" in names[first]) == ("-score" in page.url)
    shots.take("predict-leads-by-score")
    page.goto(high.get_absolute_url())
    expect(page.locator("[data-score='88']")).to_be_visible()
    expect(page.get_by_text("Source: Referral")).to_be_visible()
    shots.take("predict-lead-score")
