"""Pareto by margin: the NumPy figures equal a plain pandas computation (negative margins included), the refresh
adds the margin view while the stored ABC class stays by revenue, and the page, API and CLI show it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.models import AnalysisRun, CustomerInsight
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.core.transactions import Transactions, day_number
from crm.analytics.customers.reports import pareto_report
from crm.analytics.customers.tests.reference import frame, margin_pareto_reference, pareto_reference
from crm.core.api.tests.client import ApiClient

AS_OF = dt.date(2026, 6, 30)


def margins(seed: int, orders: int, customers: int) -> Transactions:
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, customers + 1, orders).astype(np.int64) * 7
    day = rng.integers(day_number(dt.date(2024, 1, 1)), day_number(AS_OF) + 1, orders).astype(np.int32)
    amount = np.round(rng.lognormal(4, 1.0, orders) - 45, 2)  # about a third of the orders lose money
    return Transactions(customer=ids, day=day, amount=amount)


@pytest.mark.parametrize(("seed", "orders", "customers"), [(31, 6000, 800), (32, 90, 12), (33, 40, 25)])
def test_margin_pareto_equals_pandas(seed: int, orders: int, customers: int) -> None:
    tx = margins(seed, orders, customers)
    report, result = pareto_report(tx, as_of=AS_OF, a_share=0.7, b_share=0.9, measure="margin")
    ref = margin_pareto_reference(frame(tx.customer, tx.day, tx.amount), a=0.7, b=0.9)
    assert result.summary.ids.tolist() == ref.index.tolist()
    np.testing.assert_allclose(result.summary.revenue, ref["margin"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(result.cumulative_share, ref["cumulative"].to_numpy(), rtol=1e-9)
    assert result.abc.tolist() == ref["abc"].tolist()
    # negative customers are kept and sit at the tail: the curve passes 100 % and ends at exactly 100 %
    negative = ref[ref["margin"] < 0]
    assert report["negative_customers"] == len(negative)
    assert report["negative_margin"] == pytest.approx(negative["margin"].sum(), abs=0.01)
    assert report["peak_share"] == pytest.approx(ref["cumulative"].max(), abs=1e-6)
    assert (report["peak_share"] > 1) == (len(negative) > 0)
    assert report["curve"][-1][1] == pytest.approx(1.0)
    assert report["orders"] == orders and not report["warnings"]
    by_margin = ref["margin"].sort_values(ascending=False)
    top20 = next(t for t in report["top"] if t["percent"] == 20)
    k = int(np.ceil(0.2 * len(by_margin)))
    assert top20["margin_share"] == pytest.approx(by_margin.iloc[:k].sum() / by_margin.sum())
    assert sum(c["customers"] for c in report["classes"]) == len(ref)


def test_a_total_margin_that_is_not_positive_is_refused_clearly() -> None:
    tx = Transactions(
        customer=np.array([1, 2, 3], dtype=np.int64),
        day=np.full(3, day_number(AS_OF), dtype=np.int32),
        amount=np.array([10.0, -30.0, 5.0]),
    )
    with pytest.raises(AnalyticsError, match=r"total margin is -15\.00"):
        pareto_report(tx, as_of=AS_OF, measure="margin")


# --- on the database -------------------------------------------------------------------------------------------
def refresh(**params: Any) -> Any:
    run = analysis_run_execute(
        run_id=analysis_run_request(kind="pareto", params={"as_of": "2026-06-30", **params}, actor=None).pk
    )
    assert run.status == RunStatus.DONE, run.error
    return run


@pytest.mark.django_db
def test_refresh_adds_the_margin_view_and_keeps_the_stored_class_by_revenue(make_orders: Any) -> None:
    data = make_orders(41)
    run = refresh(a_percent=75)
    view = run.result["margin"]
    ref = margin_pareto_reference(frame(data["customer"], data["day"], data["margin"]), a=0.75)
    assert view["measure"] == "margin" and view["customers"] == len(ref)
    assert view["margin"] == pytest.approx(ref["margin"].sum(), abs=0.01)
    classes = {c["abc_class"]: c for c in view["classes"]}
    for cls, group in ref.groupby("abc"):
        assert classes[cls]["customers"] == len(group)
        assert classes[cls]["margin"] == pytest.approx(group["margin"].sum(), abs=0.01)
    assert view["negative_customers"] == int((ref["margin"] < 0).sum())
    by_revenue = pareto_reference(frame(data["customer"], data["day"], data["amount"]), a=0.75)
    stored = dict(CustomerInsight.objects.values_list("account_id", "abc_class"))
    assert stored == by_revenue["abc"].to_dict()  # the class on each account is by revenue


@pytest.mark.django_db
def test_a_negative_total_margin_keeps_the_revenue_figures_and_says_why(
    company_currency: str, make_user: Any
) -> None:
    account, order = apps.get_model("contacts", "Account"), apps.get_model("sales", "Order")
    owner = make_user("sales_manager")
    a, b = account.objects.create(name="A", owner=owner), account.objects.create(name="B", owner=owner)
    for n, (who, net, cost) in enumerate([(a, "100", "150"), (b, "50", "20")]):
        order.objects.create(
            number=f"N{n}",
            account=who,
            owner=owner,
            currency=company_currency,
            total=Decimal(net),
            net_total=Decimal(net),
            cost_total=Decimal(cost),
            ordered_on=dt.date(2026, 1, 1),
        )
    run = refresh()
    assert "total margin is -20.00" in run.result["margin"]["error"]
    assert CustomerInsight.objects.filter(abc_class="A").count() == 2  # by revenue: 100 then 50 of 150
    client = Client()
    client.force_login(owner)
    html = client.get("/analytics/pareto/?measure=margin").content.decode()
    assert 'data-state="margin-error"' in html and "-20.00" in html


@pytest.mark.django_db
def test_page_and_api_show_the_margin_view(make_orders: Any, make_user: Any) -> None:
    make_orders(42)
    run = refresh()
    manager = make_user("sales_manager")
    client = Client()
    client.force_login(manager)
    html = client.get("/analytics/pareto/", {"measure": "margin", "top": 10}).content.decode()
    assert 'data-measure="margin"' in html and 'data-note="margin"' in html
    assert 'data-kpi="negative_customers"' in html and "above 100 %" in html
    assert (
        "/accounts/?abc_class=" not in html
    )  # classes by margin are a view: no drill-down to stored classes
    assert "/accounts/?abc_class=" in client.get("/analytics/pareto/").content.decode()

    api = ApiClient(manager)
    body = api.get("/api/v1/analytics/pareto", {"measure": "margin", "top": 10}).json()
    assert body["result"] == {
        **run.result["margin"],
        "top_chosen": {"percent": 10, "margin_share": run.result["margin"]["curve"][10][1]},
    }
    assert api.get("/api/v1/analytics/pareto").json()["result"]["measure"] == "revenue"
    assert api.get("/api/v1/analytics/pareto", {"measure": "profit"}).status_code in (400, 422)

    # a result computed before margins existed: the page and the API say there is no margin view yet
    AnalysisRun.objects.filter(pk=run.pk).update(
        result={k: v for k, v in run.result.items() if k != "margin"}
    )
    html = client.get("/analytics/pareto/?measure=margin").content.decode()
    assert 'data-state="margin-missing"' in html
    assert api.get("/api/v1/analytics/pareto", {"measure": "margin"}).json()["result"] is None


@pytest.mark.django_db
def test_cli_ranks_by_margin_from_the_database(make_orders: Any) -> None:
    data = make_orders(43)
    out = StringIO()
    call_command(
        "analytics", "pareto", "--measure", "margin", "--top", "33", "--as-of", "2026-06-30", stdout=out
    )
    body = json.loads(out.getvalue())
    ref = margin_pareto_reference(frame(data["customer"], data["day"], data["margin"]))
    assert body["measure"] == "margin" and body["margin"] == pytest.approx(ref["margin"].sum(), abs=0.01)
    assert body["top"][-1]["percent"] == 33 and "margin_share" in body["top"][-1]
    assert not CustomerInsight.objects.exists()


@pytest.mark.django_db
def test_cli_ranks_a_file_by_amount_less_cost_and_names_bad_costs(
    tmp_path: Any, company_currency: str
) -> None:
    path = tmp_path / "tx.csv"
    path.write_text(
        "cust,when,value,cost\na,2026-01-05,10,4\nb,2026-02-01,20.5,25\na,2026-03-01,5,1\nc,2026-03-02,8,0\n"
    )
    base = [
        "pareto",
        "--transactions",
        str(path),
        "--customer-col",
        "cust",
        "--date-col",
        "when",
        "--amount-col",
        "value",
    ]
    out = StringIO()
    call_command(
        "analytics", *base, "--measure", "margin", "--cost-col", "cost", "--as-of", "2026-06-30", stdout=out
    )
    body = json.loads(out.getvalue())
    assert body["margin"] == pytest.approx(10 - 4 + 5 - 1 + 8 - 0 + 20.5 - 25)
    assert body["negative_customers"] == 1 and body["peak_share"] > 1
    with pytest.raises(CommandError, match="needs --cost-col"):
        call_command("analytics", *base, "--measure", "margin", stdout=StringIO())
    with pytest.raises(CommandError, match="--cost-col is for --measure margin"):
        call_command("analytics", *base, "--cost-col", "cost", stdout=StringIO())
    for bad, message in (("x1", "is not a number"), ("-2", "is negative")):
        broken = tmp_path / "broken.csv"
        broken.write_text(f"cust,when,value,cost\na,2026-01-05,10,4\nb,2026-02-01,20,{bad}\n")
        argv = [*base[:2], str(broken), *base[3:]]
        with pytest.raises(CommandError, match=f"Line 3.*{bad}.*column “cost”.*{message}|Line 3.*{message}"):
            call_command("analytics", *argv, "--measure", "margin", "--cost-col", "cost", stdout=StringIO())
