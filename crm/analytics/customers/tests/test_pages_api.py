"""The pages (charts, drill-downs, locale), the API endpoints, the CLI, and who may see them."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.core.api.tests.client import ApiClient

pytestmark = pytest.mark.django_db


def refresh(kind: str) -> None:
    run = analysis_run_execute(
        run_id=analysis_run_request(kind=kind, params={"as_of": "2026-06-30"}, actor=None).pk
    )
    assert run.status == RunStatus.DONE, run.error


@pytest.mark.parametrize(
    ("kind", "charts", "drill"),
    [
        (
            "rfm",
            (
                'data-chart="segment-customers"',
                'data-chart="segment-revenue"',
                'data-table="grid"',
                'data-table="movement"',
            ),
            "?rfm_segment=",
        ),
        ("pareto", ('data-chart="pareto-curve"', 'data-table="classes"', 'data-table="top"'), "?abc_class=A"),
        ("cohorts", ('data-chart="cohort-heatmap"', 'data-table="cohorts"'), "?cohort__gte="),
    ],
)
def test_the_page_shows_its_charts_and_drill_downs(
    kind: str, charts: tuple[str, ...], drill: str, make_orders: Any, make_user: Any
) -> None:
    make_orders(21)
    refresh(kind)
    client = Client()
    client.force_login(make_user("sales_manager"))
    html = client.get(f"/analytics/{kind}/").content.decode()
    for marker in charts:
        assert marker in html
    assert html.count("<svg") >= 1 and "/accounts/" + drill in html.replace("&amp;", "&")
    assert "Computed" in html


def test_numbers_follow_the_users_language(make_orders: Any, make_user: Any) -> None:
    make_orders(22, orders=3000, accounts=1500)
    refresh("rfm")
    manager = make_user("sales_manager")
    client = Client()
    client.force_login(manager)
    english = client.get("/analytics/rfm/").content.decode()
    customers = CustomerInsight.objects.count()
    assert customers >= 1000 and f'data-kpi="customers">{customers:,}<' in english  # 1,306
    manager.language = "es"
    manager.save(update_fields=["language"])
    spanish = client.get("/analytics/rfm/").content.decode()
    assert f'data-kpi="customers">{customers:,}<'.replace(",", ".") in spanish  # 1.306


def test_a_page_not_computed_yet_says_so(make_user: Any, company_currency: str) -> None:
    client = Client()
    client.force_login(make_user("sales_manager"))
    html = client.get("/analytics/pareto/").content.decode()
    assert "Not computed yet" in html and "Compute now" in html


@pytest.mark.parametrize("kind", ["rfm", "pareto", "cohorts"])
def test_a_sales_rep_gets_404_on_pages_and_api(kind: str, make_user: Any, company_currency: str) -> None:
    rep = make_user("sales_rep")
    client = Client()
    client.force_login(rep)
    assert client.get(f"/analytics/{kind}/").status_code == 404
    assert ApiClient(rep).get(f"/api/v1/analytics/{kind}").status_code == 404


def test_api_returns_the_latest_result_and_when_it_was_computed(make_orders: Any, make_user: Any) -> None:
    make_orders(23)
    refresh("pareto")
    api = ApiClient(make_user("sales_manager"))
    body = api.get("/api/v1/analytics/pareto", {"top": 30}).json()
    assert body["computed_at"] and body["currency"] == "EUR" and not body["refreshing"]
    assert body["result"]["top_chosen"] == {"percent": 30, "revenue_share": body["result"]["curve"][30][1]}
    assert api.get("/api/v1/analytics/pareto", {"top": 0}).status_code in (400, 422)
    empty = api.get("/api/v1/analytics/cohorts").json()
    assert empty["result"] is None and empty["computed_at"] is None


def test_cli_prints_one_json_object_from_the_database(make_orders: Any) -> None:
    make_orders(24)
    for kind in ("rfm", "pareto", "cohorts"):
        out = StringIO()
        call_command("analytics", kind, "--as-of", "2026-06-30", stdout=out)
        body = json.loads(out.getvalue())
        assert body["as_of"] == "2026-06-30" and body["customers"] > 0
    assert not CustomerInsight.objects.exists()  # the CLI stores nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rfm"], "There are no purchases to analyse."),
        (["pareto", "--as-of", "yesterday"], "YYYY-MM-DD"),
        (["pareto", "--a-percent", "99", "--b-percent", "50"], "A limit to the B limit"),
    ],
)
def test_cli_bad_input_is_a_clear_error(args: list[str], message: str, company_currency: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("analytics", *args, stdout=StringIO(), stderr=StringIO())


def test_cli_reads_a_transactions_file(tmp_path: Any, company_currency: str) -> None:
    pytest.importorskip("crm.analytics.core.transaction_files")
    path = tmp_path / "tx.csv"
    path.write_text("cust,when,value\na,2026-01-05,10\nb,2026-02-01,20.5\na,2026-03-01,5\nc,2026-03-02,1\n")
    out = StringIO()
    options = [
        "--transactions",
        str(path),
        "--customer-col",
        "cust",
        "--date-col",
        "when",
        "--amount-col",
        "value",
    ]
    call_command("analytics", "pareto", *options, "--as-of", "2026-06-30", stdout=out)
    body = json.loads(out.getvalue())
    assert body["customers"] == 3 and body["revenue"] == 36.5
    with pytest.raises(CommandError, match="nope"):
        call_command(
            "analytics", "rfm", "--transactions", str(path), "--customer-col", "nope", stdout=StringIO()
        )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        call_command("analytics", "rfm", "--transactions", str(empty), stdout=StringIO())
    one = tmp_path / "one.csv"
    one.write_text("customer,date,amount\n7,2026-01-01,3\n7,2026-02-01,4\n")
    with pytest.raises(CommandError, match="1 customer"):
        call_command("analytics", "rfm", "--transactions", str(one), stdout=StringIO())
