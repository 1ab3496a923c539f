"""The three pages and API endpoints: company-wide (reps get 404), show when the result was computed, render
with and without a result, in English and Spanish; refresh goes through the core's runs API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import AnalysisRun, CustomerInsight
from crm.analytics.core.services import analysis_run_execute
from crm.analytics.predict.tests import data
from crm.core.api.tests.client import ApiClient

pytestmark = pytest.mark.django_db

PAGES = {
    "churn": "/analytics/churn/",
    "lead_scoring": "/analytics/lead-scoring/",
    "sales_forecast": "/analytics/sales-forecast/",
}
APIS = {
    "churn": "/api/v1/analytics/churn",
    "lead_scoring": "/api/v1/analytics/lead-scoring",
    "sales_forecast": "/api/v1/analytics/sales-forecast",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", list(PAGES))
def test_a_rep_gets_404_and_a_manager_sees_not_computed_yet(kind: str, rep: Any, manager: Any) -> None:
    assert _client(rep).get(PAGES[kind]).status_code == 404
    assert ApiClient(rep).get(APIS[kind]).status_code == 404
    page = _client(manager).get(PAGES[kind])
    assert page.status_code == 200 and "Not computed yet" in page.content.decode()
    body = ApiClient(manager).get(APIS[kind]).json()
    assert body["computed_at"] is None and body["result"] == {}


def test_churn_page_and_api_after_a_refresh_through_the_runs_api(admin: Any, manager: Any) -> None:
    world = data.churn_world(customers=120)
    queued = ApiClient(admin).post(
        "/api/v1/analytics/runs", {"kind": "churn", "params": {"as_of": data.AS_OF.isoformat()}}
    )
    assert queued.status_code == 202
    run = analysis_run_execute(run_id=queued.json()["id"])
    assert run.status == RunStatus.DONE, run.error
    CustomerInsight.objects.filter(account_id=world["ids"][0]).update(p_alive=0.25)
    client = _client(manager)
    html = client.get(PAGES["churn"]).content.decode()
    assert "Computed" in html and "data-auc" in html and "<svg" in html
    assert "there is no customer-service module yet" in html
    assert "Customers at highest risk" in html and "Interactions in 90 days: Phone" in html
    body = ApiClient(manager).get(APIS["churn"]).json()
    assert body["computed_at"] is not None and body["result"]["auc"] > 0.75 and "model" not in body["result"]
    risks = [r["churn_risk"] for r in body["at_risk"]]
    assert risks == sorted(risks, reverse=True) and len(risks) == 25
    spanish = client.get(PAGES["churn"], headers={"accept-language": "es"}).content.decode()
    assert (
        '<html lang="es">' in spanish
    )  # the Spanish text arrives with the merged .po (pending-predict.json)


def test_churn_page_queries_do_not_grow_with_the_rows(
    manager: Any, django_assert_max_num_queries: Any
) -> None:
    AnalysisRun.objects.create(
        kind="churn",
        status=RunStatus.DONE,
        result={
            "auc": 0.8,
            "roc": [[0, 0], [1, 1]],
            "histogram": [1] * 10,
            "importance": [],
            "groups": [],
            "window": 90,
            "scored": 3,
            "mean_risk": 0.3,
            "train": 10,
            "test": 10,
            "train_cutoff": "2026-01-01",
            "test_cutoff": "2026-03-01",
        },
    )
    ids = data.accounts(40)
    CustomerInsight.objects.bulk_create(
        [
            CustomerInsight(
                account_id=a,
                churn_risk=a / 1000,
                churn_factors=[{"feature": "recency", "label": "r", "effect": 0.5}],
            )
            for a in ids
        ]
    )
    client = _client(manager)
    with django_assert_max_num_queries(16):
        assert client.get(PAGES["churn"]).status_code == 200


def test_forecast_and_lead_scoring_pages_show_their_results(manager: Any) -> None:
    AnalysisRun.objects.create(
        kind="sales_forecast",
        status=RunStatus.DONE,
        result={
            "as_of": "2026-07-10",
            "horizon": 3,
            "currency": "EUR",
            "months": 30,
            "history": [{"month": f"2026-0{m}-01", "revenue": 1000.0 * m} for m in range(1, 7)],
            "forecast": [
                {"month": f"2026-0{m}-01", "revenue": 900.0, "pipeline": 100.0, "weighted": 50.0}
                for m in range(7, 10)
            ],
            "model": {"seasonal": True, "alpha": 0.3, "beta": 0.05, "gamma": 0.15},
            "backtest": {
                "origins": 12,
                "horizon": 3,
                "mae": 10.0,
                "mape": 0.031,
                "naive_mae": 40.0,
                "seasonal_naive_mae": 30.0,
            },
            "total_forecast": 2700.0,
            "total_weighted": 150.0,
            "warnings": ["Watch out."],
        },
    )
    html = _client(manager).get(PAGES["sales_forecast"]).content.decode()
    assert "data-mape" in html and "3.1%" in html and "Watch out." in html and "<svg" in html
    AnalysisRun.objects.create(
        kind="lead_scoring",
        status=RunStatus.DONE,
        result={
            "auc": 0.81,
            "roc": [[0, 0], [1, 1]],
            "decided": 40,
            "won_share": 0.4,
            "scored": 50,
            "train": 30,
            "test": 10,
            "histogram": [5] * 10,
            "importance": [{"feature": "source=referral", "label": "x", "coef": 1.5}],
        },
    )
    html = _client(manager).get(PAGES["lead_scoring"]).content.decode()
    assert "0.810" in html and "Source: Referral" in html and "?sort=-score" in html
