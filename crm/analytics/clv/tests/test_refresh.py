"""The `clv` refresh stores per-account figures; the page and the API show them to those who may see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.core.api.tests.client import ApiClient, problem_fields

pytestmark = pytest.mark.django_db


def _insights() -> Any:
    return apps.get_model("analytics", "CustomerInsight").objects


def _refresh(params: dict[str, Any] | None = None) -> Any:
    run = analysis_run_request(kind="clv", params=params or {}, actor=None)
    return analysis_run_execute(run_id=run.pk)


def test_refresh_stores_every_customers_figures_and_the_page_summary(
    make_orders: Callable[..., list[Any]],
) -> None:
    accounts = make_orders()
    run = _refresh()
    assert run.status == RunStatus.DONE, run.error
    result = run.result
    stored = {i.account_id: i for i in _insights().filter(clv__isnull=False)}
    assert len(stored) == result["customers"] == result["accounts_written"] > 100
    for insight in stored.values():
        assert insight.clv >= 0 and 0 <= insight.p_alive <= 1 and insight.expected_purchases >= 0
        assert insight.expected_order_value > 0 and insight.clv_computed_at is not None
    assert set(result["bgnbd"]) >= {"r", "alpha", "a", "b", "log_likelihood"}
    assert result["holdout"]["buckets"] and result["holdout"]["fit"]["customers"] > 0
    top = result["top"][0]
    assert top["account"] in {a.pk for a in accounts}
    assert float(stored[top["account"]].clv) == pytest.approx(top["clv"], abs=0.01)
    assert result["currency"] == "EUR"


def test_refresh_with_bad_parameters_fails_clearly_and_keeps_what_was_stored(
    make_orders: Callable[..., list[Any]],
) -> None:
    make_orders()
    assert _refresh().status == RunStatus.DONE
    before = sorted(_insights().values_list("account_id", "clv", "clv_computed_at"))
    for params, field in (
        ({"time_unit": "fortnights"}, "time_unit"),
        ({"horizon": "-1"}, "horizon"),
        ({"calibration_end": "yesterday"}, "calibration_end"),
    ):
        failed = _refresh(params)
        assert failed.status == RunStatus.FAILED and failed.error.startswith(f"{field}: ")
    assert sorted(_insights().values_list("account_id", "clv", "clv_computed_at")) == before


def test_refresh_without_orders_fails_with_a_message(company_currency: str) -> None:
    run = _refresh()
    assert run.status == RunStatus.FAILED and "no orders" in run.error


def test_page_and_api_show_the_result_to_managers(
    make_orders: Callable[..., list[Any]], make_user: Callable[..., Any]
) -> None:
    make_orders()
    run = _refresh()
    manager = make_user("sales_manager")
    client = Client()
    client.force_login(manager)
    response = client.get("/analytics/clv/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kpi="mean_clv"' in html and "<svg" in html and "/accounts/" in html
    api = ApiClient(manager)
    body = api.get("/api/v1/analytics/clv").json()
    assert body["run"] == run.pk and body["result"]["bgnbd"]["r"] == run.result["bgnbd"]["r"]
    first = api.get("/api/v1/analytics/clv/customers", {"limit": 40}).json()
    assert len(first["items"]) == 40 and first["next_cursor"]
    clvs = [float(i["clv"]) for i in first["items"]]
    assert clvs == sorted(clvs, reverse=True)
    seen = {i["account_id"] for i in first["items"]}
    cursor = first["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        page = api.get("/api/v1/analytics/clv/customers", {"limit": 40, "cursor": cursor}).json()
    assert len(queries) <= 12  # no N+1: the same few queries whatever the page size
    assert not seen & {i["account_id"] for i in page["items"]}
    assert float(page["items"][0]["clv"]) <= clvs[-1]
    bad = api.get("/api/v1/analytics/clv/customers", {"sort": "nope"})
    assert bad.status_code == 400 and "sort" in problem_fields(bad)


def test_a_rep_gets_404_for_the_company_wide_page_and_api(
    make_orders: Callable[..., list[Any]], make_user: Callable[..., Any]
) -> None:
    make_orders()
    _refresh()
    rep = make_user("sales_rep")
    client = Client()
    client.force_login(rep)
    assert client.get("/analytics/clv/").status_code == 404
    api = ApiClient(rep)
    assert api.get("/api/v1/analytics/clv").status_code == 404
    assert api.get("/api/v1/analytics/clv/customers").status_code == 404
    assert api.post("/api/v1/analytics/runs", {"kind": "clv"}).status_code == 404


def test_refresh_goes_through_the_core_runs_endpoint(
    make_user: Callable[..., Any], company_currency: str
) -> None:
    manager = make_user("sales_manager")
    response = ApiClient(manager).post("/api/v1/analytics/runs", {"kind": "clv", "params": {"horizon": 26}})
    assert response.status_code == 202 and response.json()["kind"] == "clv"


def test_page_before_the_first_run_says_so(make_user: Callable[..., Any]) -> None:
    client = Client()
    client.force_login(make_user("sales_manager"))
    response = client.get("/analytics/clv/")
    assert response.status_code == 200 and "No lifetime values yet" in response.content.decode()
