"""The refresh runners on a real database (SQLite, and PostgreSQL with DATABASE_URL): the stored per-account
figures equal the pandas computation; bad data fails clearly and stores nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.apps import apps

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.core.transactions import day_number, transactions_load
from crm.analytics.customers.tests.reference import cohort_reference, frame, pareto_reference, rfm_reference

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-30"


def run(kind: str, **params: Any) -> Any:
    return analysis_run_execute(run_id=analysis_run_request(kind=kind, params=params, actor=None).pk)


def test_transactions_load_reads_the_orders_that_stand(make_orders: Any) -> None:
    data = make_orders(11)
    tx = transactions_load()
    order = np.lexsort((tx.amount, tx.day, tx.customer))
    expected = np.lexsort((data["amount"], data["day"], data["customer"]))
    assert tx.customer[order].tolist() == data["customer"][expected].tolist()
    assert tx.day[order].tolist() == data["day"][expected].tolist()
    np.testing.assert_allclose(tx.amount[order], data["amount"][expected])
    until = dt.date(2025, 3, 1)
    assert len(transactions_load(until=until)) == int((data["day"] <= day_number(until)).sum())


def test_transactions_load_converts_other_currencies_at_the_rate_of_the_day(make_orders: Any) -> None:
    currency = apps.get_model("catalog", "Currency")
    rate = apps.get_model("catalog", "ExchangeRate")
    order = apps.get_model("sales", "Order")
    data = make_orders(12, orders=5, accounts=2)
    usd = currency.objects.create(code="USD", name="Dollar")
    rate.objects.create(currency=usd, valid_on=dt.date(2024, 1, 1), rate=Decimal("2"))
    rate.objects.create(currency=usd, valid_on=dt.date(2025, 6, 1), rate=Decimal("4"))
    account_id = data["accounts"][0].pk
    for number, day in (("U1", dt.date(2025, 5, 31)), ("U2", dt.date(2025, 6, 1))):
        order.objects.create(
            number=number,
            account_id=account_id,
            owner=data["owner"],
            currency="USD",
            total=Decimal("100"),
            ordered_on=day,
        )
    tx = transactions_load()
    got = {(int(d), round(float(a), 2)) for d, a in zip(tx.day, tx.amount, strict=True)}
    assert (day_number(dt.date(2025, 5, 31)), 50.0) in got and (day_number(dt.date(2025, 6, 1)), 25.0) in got


def test_a_currency_without_a_rate_fails_the_run_clearly(make_orders: Any) -> None:
    currency = apps.get_model("catalog", "Currency")
    order = apps.get_model("sales", "Order")
    data = make_orders(13, orders=20, accounts=5)
    currency.objects.create(code="GBP", name="Pound")
    order.objects.create(
        number="G1",
        account_id=data["accounts"][0].pk,
        owner=data["owner"],
        currency="GBP",
        total=Decimal("10"),
        ordered_on=dt.date(2025, 2, 1),
    )
    result = run("rfm", as_of=AS_OF)
    assert result.status == RunStatus.FAILED
    assert "no exchange rate for GBP on or before 2025-02-01" in result.error
    assert not CustomerInsight.objects.exists()


def test_rfm_refresh_stores_the_pandas_figures(make_orders: Any) -> None:
    data = make_orders(1)
    result = run("rfm", as_of=AS_OF, compare_months=3)
    assert result.status == RunStatus.DONE, result.error
    ref = rfm_reference(
        frame(data["customer"], data["day"], data["amount"]), day_number(dt.date(2026, 6, 30))
    )
    stored = {i.account_id: i for i in CustomerInsight.objects.all()}
    assert sorted(stored) == ref.index.tolist()
    for account_id, row in ref.iterrows():
        insight = stored[account_id]
        assert (insight.r_score, insight.f_score, insight.m_score) == (row["r"], row["f"], row["m"])
        assert insight.rfm_segment == row["segment"]
        assert insight.recency_days == row["recency"] and insight.purchases == row["frequency"]
        assert insight.last_purchase_on == dt.date(1970, 1, 1) + dt.timedelta(days=int(row["last"]))
        assert insight.rfm_computed_at is not None
    segments = {s["segment"]: s for s in result.result["segments"]}
    for key, group in ref.groupby("segment"):
        assert segments[key]["customers"] == len(group)
        assert segments[key]["revenue"] == pytest.approx(group["monetary"].sum(), abs=0.01)
    assert result.result["transitions"]["since"] == "2026-03-30"
    assert sum(map(sum, result.result["transitions"]["matrix"])) == len(ref)


def test_pareto_refresh_stores_the_pandas_classes(make_orders: Any) -> None:
    data = make_orders(2)
    result = run("pareto", as_of=AS_OF, a_percent=70)
    assert result.status == RunStatus.DONE, result.error
    ref = pareto_reference(frame(data["customer"], data["day"], data["amount"]), a=0.7)
    stored = {i.account_id: i for i in CustomerInsight.objects.all()}
    for account_id, row in ref.iterrows():
        assert stored[account_id].abc_class == row["abc"]
        assert stored[account_id].revenue == Decimal(str(round(row["revenue"], 2))).quantize(Decimal("0.01"))
        assert stored[account_id].revenue_rank_share == pytest.approx(row["cumulative"])
    top20 = next(t for t in result.result["top"] if t["percent"] == 20)
    revenue = ref["revenue"].sort_values(ascending=False)
    assert top20["revenue_share"] == pytest.approx(
        revenue.iloc[: int(np.ceil(0.2 * len(revenue)))].sum() / revenue.sum()
    )
    assert result.result["curve"][20][1] == pytest.approx(top20["revenue_share"], abs=1e-6)


def test_cohorts_refresh_equals_pandas(make_orders: Any) -> None:
    data = make_orders(3)
    result = run("cohorts", as_of=AS_OF)
    assert result.status == RunStatus.DONE, result.error
    active, revenue = cohort_reference(frame(data["customer"], data["day"], data["amount"]))
    cohorts = result.result["cohorts"]
    assert [c["month"][:7] for c in cohorts] == [str(p) for p in active.index]
    for c, period in zip(cohorts, active.index, strict=True):
        assert c["active"][0] == c["customers"]
        for k, value in enumerate(c["active"]):
            assert value == int(active.loc[period].get(k, 0))
            assert c["revenue"][k] == pytest.approx(float(revenue.loc[period].get(k, 0.0)), abs=0.01)
    stored = CustomerInsight.objects.exclude(cohort_month=None).count()
    assert stored == len(set(data["customer"].tolist()))


def test_cohorts_refresh_clears_the_month_of_accounts_that_lost_all_their_orders(make_orders: Any) -> None:
    """An account whose orders were all cancelled or deleted since the last run has no cohort any more; the
    other figures stored on it (another analysis') stay."""
    order = apps.get_model("sales", "Order")
    data = make_orders(14, orders=120, accounts=12)
    assert run("cohorts", as_of=AS_OF).status == RunStatus.DONE
    buyers = sorted(set(data["customer"].tolist()))
    cancelled, deleted, kept = buyers[0], buyers[1], buyers[2]
    CustomerInsight.objects.filter(account_id=cancelled).update(rfm_segment="loyal")
    before_kept = CustomerInsight.objects.get(account_id=kept).cohort_month
    assert CustomerInsight.objects.get(account_id=cancelled).cohort_month is not None
    order.objects.filter(account_id=cancelled).update(status="cancelled")
    order.objects.filter(account_id=deleted).update(deleted_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))

    result = run("cohorts", as_of=AS_OF)

    assert result.status == RunStatus.DONE, result.error
    months = dict(CustomerInsight.objects.values_list("account_id", "cohort_month"))
    assert months[cancelled] is None and months[deleted] is None
    assert months[kept] == before_kept
    assert CustomerInsight.objects.exclude(cohort_month=None).count() == len(buyers) - 2
    assert CustomerInsight.objects.get(account_id=cancelled).rfm_segment == "loyal"


def test_a_failed_cohorts_run_keeps_the_months_stored(make_orders: Any) -> None:
    order = apps.get_model("sales", "Order")
    data = make_orders(15, orders=60, accounts=6)
    assert run("cohorts", as_of=AS_OF).status == RunStatus.DONE
    before = dict(CustomerInsight.objects.values_list("account_id", "cohort_month"))
    order.objects.filter(account_id__in=[a.pk for a in data["accounts"]]).update(status="cancelled")

    result = run("cohorts", as_of=AS_OF)

    assert result.status == RunStatus.FAILED and result.error == "There are no purchases to analyse."
    assert dict(CustomerInsight.objects.values_list("account_id", "cohort_month")) == before


@pytest.mark.parametrize("kind", ["rfm", "pareto", "cohorts"])
def test_no_orders_fails_clearly_and_keeps_what_was_stored(kind: str, make_orders: Any) -> None:
    data = make_orders(4, orders=0, accounts=2)
    CustomerInsight.objects.create(account=data["accounts"][0], rfm_segment="loyal", abc_class="A")
    result = run(kind, as_of=AS_OF)
    assert result.status == RunStatus.FAILED and result.error == "There are no purchases to analyse."
    insight = CustomerInsight.objects.get()
    assert (insight.rfm_segment, insight.abc_class) == ("loyal", "A")


@pytest.mark.parametrize("kind", ["rfm", "pareto"])
def test_a_single_customer_fails_clearly_and_stores_nothing(kind: str, make_orders: Any) -> None:
    make_orders(5, orders=6, accounts=1)
    result = run(kind, as_of=AS_OF)
    assert result.status == RunStatus.FAILED and "1 customer" in result.error
    assert not CustomerInsight.objects.exists()


def test_bad_parameters_fail_clearly(make_orders: Any) -> None:
    make_orders(6, orders=30, accounts=8)
    assert "YYYY-MM-DD" in run("rfm", as_of="30/06/2026").error
    assert "a_percent" in run("pareto", a_percent="abc").error
    assert not CustomerInsight.objects.exists()
