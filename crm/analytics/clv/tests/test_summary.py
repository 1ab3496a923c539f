"""The per-customer summary follows the standard conventions, on a hand-made example."""

from __future__ import annotations

import numpy as np
import pytest

from crm.analytics.clv.summary import holdout_purchases, summary_from_transactions
from crm.analytics.core.transactions import Transactions


def _tx(rows: list[tuple[int, int, float]]) -> Transactions:
    c, d, a = zip(*rows, strict=True)
    return Transactions(
        customer=np.array(c, dtype=np.int64),
        day=np.array(d, dtype=np.int32),
        amount=np.array(a, dtype=np.float64),
    )


EXAMPLE = _tx(
    [
        (7, 100, 10.0),  # customer 7: first purchase day 100 …
        (7, 100, 5.0),  # … a second purchase the same day counts as one transaction (15 that day)
        (7, 114, 20.0),  # repeat 1
        (7, 121, 40.0),  # repeat 2, last before the calibration end
        (7, 130, 99.0),  # after the calibration end (holdout)
        (3, 107, 8.0),  # customer 3: one purchase only
        (3, 135, 1.0),  # holdout
        (3, 135, 2.0),  # holdout, same day: one transaction
        (5, 128, 6.0),  # customer 5 first buys after the calibration end: not in the summary
    ]
)


def test_summary_counts_purchase_days_and_measures_time_from_each_first_purchase() -> None:
    s = summary_from_transactions(EXAMPLE, calibration_end=121, time_unit="weeks")
    assert s.customer.tolist() == [3, 7]
    assert s.frequency.tolist() == [0.0, 2.0]  # repeat purchase days
    assert s.recency.tolist() == [0.0, 3.0]  # (121 - 100) / 7 weeks
    assert s.age.tolist() == pytest.approx([14 / 7, 21 / 7])  # fractional weeks to the calibration end
    assert s.monetary.tolist() == [0.0, 30.0]  # mean of the repeat days (20, 40), not the first (15)
    assert s.total_amount.tolist() == [8.0, 75.0]
    in_days = summary_from_transactions(EXAMPLE, calibration_end=121, time_unit="days")
    assert in_days.recency.tolist() == [0.0, 21.0] and in_days.age.tolist() == [14.0, 21.0]


def test_holdout_counts_distinct_days_after_the_calibration_end_for_calibration_customers() -> None:
    s = summary_from_transactions(EXAMPLE, calibration_end=121)
    assert holdout_purchases(EXAMPLE, customers=s.customer, calibration_end=121).tolist() == [1, 1]


def test_an_empty_period_gives_an_empty_summary() -> None:
    assert len(summary_from_transactions(EXAMPLE, calibration_end=50)) == 0
