"""The NumPy figures equal a plain pandas computation on the same random data (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, day_number
from crm.analytics.customers.cohorts import cohort_table, month_date
from crm.analytics.customers.pareto import abc_totals, pareto_compute, top_share
from crm.analytics.customers.rfm import SEGMENTS, rfm_scores, rfm_segment_totals, rfm_transitions
from crm.analytics.customers.summary import customer_summary, transactions_clean
from crm.analytics.customers.tests.reference import (
    cohort_reference,
    frame,
    pareto_reference,
    rfm_reference,
    top_share_reference,
)

AS_OF = dt.date(2026, 6, 30)


def random_transactions(seed: int, orders: int, customers: int, *, sparse: bool = False) -> Transactions:
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, customers + 1, orders)
    if sparse:
        ids = ids * 10_000_019  # ids far apart: the renumbering path
    start = day_number(dt.date(2023, 1, 1))
    day = rng.integers(start, day_number(AS_OF) + 30, orders).astype(np.int32)  # some after "as of"
    amount = np.round(rng.lognormal(4, 1.2, orders), 2)
    amount[rng.random(orders) < 0.01] *= -1  # a few refunds, left out
    amount[0] = -abs(amount[0])
    return Transactions(customer=ids.astype(np.int64), day=day, amount=amount)


@pytest.mark.parametrize(
    ("seed", "orders", "customers", "sparse"),
    [(1, 5000, 700, False), (2, 20000, 3001, True), (3, 97, 13, False), (4, 12, 7, False)],
)
def test_rfm_equals_pandas(seed: int, orders: int, customers: int, sparse: bool) -> None:
    tx = random_transactions(seed, orders, customers, sparse=sparse)
    scores = rfm_scores(tx, as_of=AS_OF)
    ref = rfm_reference(frame(tx.customer, tx.day, tx.amount), day_number(AS_OF))
    assert scores.summary.ids.tolist() == ref.index.tolist()
    assert scores.recency.tolist() == ref["recency"].tolist()
    assert scores.summary.purchases.tolist() == ref["frequency"].tolist()
    np.testing.assert_allclose(scores.summary.revenue, ref["monetary"].to_numpy(), rtol=1e-9)
    assert scores.r.tolist() == ref["r"].tolist()
    assert scores.f.tolist() == ref["f"].tolist()
    assert scores.m.tolist() == ref["m"].tolist()
    assert [SEGMENTS[s] for s in scores.segment] == ref["segment"].tolist()
    totals = {t["segment"]: t for t in rfm_segment_totals(scores)}
    for key, group in ref.groupby("segment"):
        assert totals[key]["customers"] == len(group)
        assert totals[key]["revenue"] == pytest.approx(group["monetary"].sum(), abs=0.01)
    assert scores.warnings  # the refunds were reported


def test_transitions_count_every_customer_once() -> None:
    tx = random_transactions(5, 8000, 900)
    now = rfm_scores(tx, as_of=AS_OF)
    before = rfm_scores(tx, as_of=dt.date(2025, 12, 31))
    matrix = rfm_transitions(before, now)
    ref_now = rfm_reference(frame(tx.customer, tx.day, tx.amount), day_number(AS_OF))
    ref_then = rfm_reference(frame(tx.customer, tx.day, tx.amount), day_number(dt.date(2025, 12, 31)))
    joined = ref_now[["segment"]].join(ref_then[["segment"]].rename(columns={"segment": "segment_then"}))
    for (then, now_seg), group in joined.fillna("none").groupby(["segment_then", "segment"]):
        row = SEGMENTS.index(then) if then != "none" else len(SEGMENTS)
        assert matrix[row][SEGMENTS.index(now_seg)] == len(group)
    assert sum(map(sum, matrix)) == len(ref_now)


@pytest.mark.parametrize(("seed", "sparse"), [(6, False), (7, True)])
def test_pareto_equals_pandas(seed: int, sparse: bool) -> None:
    tx = random_transactions(seed, 6000, 800, sparse=sparse)
    clean, _warnings = transactions_clean(tx, until_day=None)
    result = pareto_compute(customer_summary(clean))
    ref = pareto_reference(frame(tx.customer, tx.day, tx.amount))
    assert result.summary.ids.tolist() == ref.index.tolist()
    np.testing.assert_allclose(result.cumulative_share, ref["cumulative"].to_numpy(), rtol=1e-9)
    assert result.abc.tolist() == ref["abc"].tolist()
    df = frame(tx.customer, tx.day, tx.amount)
    for percent in (1, 20, 33.3, 100):
        assert top_share(result, percent)["revenue_share"] == pytest.approx(top_share_reference(df, percent))
    totals = {t["abc_class"]: t for t in abc_totals(result)}
    for cls, group in ref.groupby("abc"):
        assert totals[cls]["customers"] == len(group)


def test_cohorts_equal_pandas() -> None:
    tx = random_transactions(8, 6000, 900)
    clean, _warnings = transactions_clean(tx, until_day=None)
    summary = customer_summary(clean)
    table = cohort_table(summary, day=clean.day, amount=clean.amount)
    active, revenue = cohort_reference(frame(tx.customer, tx.day, tx.amount))
    assert [m.strftime("%Y-%m") for m in table.months] == [str(p) for p in active.index]
    for c, period in enumerate(active.index):
        for k, value in enumerate(table.active[c]):
            expected = int(active.loc[period].get(k, 0))
            assert value == expected
            assert table.revenue[c][k] == pytest.approx(float(revenue.loc[period].get(k, 0.0)), abs=0.01)
    df = frame(tx.customer, tx.day, tx.amount)
    df = df[df.amount >= 0]
    first = pd.to_datetime(df.groupby("customer")["day"].min(), unit="D").dt.to_period("M").sort_index()
    assert [month_date(int(m)).strftime("%Y-%m") for m in table.customer_month] == [str(p) for p in first]


def test_no_purchases_and_a_single_customer_are_refused_clearly() -> None:
    empty = Transactions(np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0))
    with pytest.raises(AnalyticsError, match="no purchases"):
        rfm_scores(empty, as_of=AS_OF)
    one = Transactions(np.array([4, 4]), np.array([day_number(AS_OF)] * 2, np.int32), np.array([1.0, 2.0]))
    with pytest.raises(AnalyticsError, match="1 customer"):
        rfm_scores(one, as_of=AS_OF)
