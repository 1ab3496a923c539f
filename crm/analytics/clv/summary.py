"""Transactions → the per-customer summary the lifetime-value models read (vectorised, no Python loop).

The standard conventions (Fader, Hardie & Lee; the `lifetimes` package):
- purchases on the same day count as one transaction (their amounts are summed);
- frequency `x` = repeat purchase days = distinct purchase days − 1;
- recency `t_x` = time between the first and the last purchase, age `T` = time between the first purchase and the
  end of the calibration period, both from each customer's own first purchase;
- time in weeks is days / 7 (fractional);
- monetary value `m` = the mean amount of the repeat purchase days (0 when there is none).

A holdout summary counts, for the customers of the calibration period, the distinct purchase days after the
calibration end up to the end of the observation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crm.analytics.core.transactions import Transactions

TIME_UNITS = {"days": 1.0, "weeks": 7.0}


@dataclass(frozen=True)
class CustomerSummary:
    customer: np.ndarray  # int64 ids, sorted ascending
    frequency: np.ndarray  # float64, repeat purchase days
    recency: np.ndarray  # float64, time units
    age: np.ndarray  # float64 (T), time units
    monetary: np.ndarray  # float64, mean repeat purchase day amount (0 without repeats)
    first_day: np.ndarray  # int32 day numbers
    last_day: np.ndarray  # int32
    total_amount: np.ndarray  # float64, every purchase in the period
    purchase_days: np.ndarray  # int64, distinct purchase days (frequency + 1)

    def __len__(self) -> int:
        return int(self.customer.shape[0])


def _daily(tx: Transactions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (customer, day) with the day's amount summed, sorted by customer then day."""
    customer = np.asarray(tx.customer, dtype=np.int64)
    day = np.asarray(tx.day, dtype=np.int64)
    amount = np.asarray(tx.amount, dtype=np.float64)
    if customer.size == 0:
        return customer, day, amount
    lo, hi = int(day.min()), int(day.max())
    span = hi - lo + 1
    cmin, cmax = int(customer.min()), int(customer.max())
    if (cmax - cmin + 1) * span < 2**62:
        # one int64 key (customer, day): a single sort instead of a lexsort over two keys
        key = (customer - cmin) * span + (day - lo)
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        ukey = key[starts]
        return ukey // span + cmin, ukey % span + lo, np.add.reduceat(amount[order], starts)
    order = np.lexsort((day, customer))
    c, d = customer[order], day[order]
    starts = np.flatnonzero(np.concatenate(([True], (c[1:] != c[:-1]) | (d[1:] != d[:-1]))))
    return c[starts], d[starts], np.add.reduceat(amount[order], starts)


def summary_from_transactions(
    tx: Transactions, *, calibration_end: int, time_unit: str = "weeks"
) -> CustomerSummary:
    """The summary of the purchases made up to `calibration_end` (a day number, inclusive)."""
    scale = TIME_UNITS[time_unit]
    keep = np.asarray(tx.day) <= calibration_end
    if not keep.all():
        tx = Transactions(customer=tx.customer[keep], day=tx.day[keep], amount=tx.amount[keep])
    c, d, a = _daily(tx)
    if c.size == 0:
        empty_f = np.zeros(0, dtype=np.float64)
        empty_i = np.zeros(0, dtype=np.int64)
        return CustomerSummary(c, empty_f, empty_f, empty_f, empty_f, empty_i, empty_i, empty_f, empty_i)
    starts = np.flatnonzero(np.concatenate(([True], c[1:] != c[:-1])))
    ends = np.concatenate((starts[1:], [c.size])) - 1
    days = ends - starts + 1
    first, last = d[starts], d[ends]
    total = np.add.reduceat(a, starts)
    repeat_total = total - a[starts]
    frequency = (days - 1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_total / np.maximum(frequency, 1), 0.0)
    return CustomerSummary(
        customer=c[starts],
        frequency=frequency,
        recency=(last - first) / scale,
        age=(calibration_end - first) / scale,
        monetary=monetary,
        first_day=first,
        last_day=last,
        total_amount=total,
        purchase_days=days,
    )


def holdout_purchases(tx: Transactions, *, customers: np.ndarray, calibration_end: int) -> np.ndarray:
    """For each of `customers` (sorted ids), the distinct purchase days after `calibration_end`."""
    keep = np.asarray(tx.day) > calibration_end
    later = Transactions(customer=tx.customer[keep], day=tx.day[keep], amount=tx.amount[keep])
    c, _d, _a = _daily(later)
    counts = np.zeros(customers.shape[0], dtype=np.int64)
    if c.size == 0 or customers.size == 0:
        return counts
    ids, per = np.unique(c, return_counts=True)
    pos = np.searchsorted(customers, ids)
    pos_ok = pos < customers.size
    matched = pos_ok.copy()
    matched[pos_ok] = customers[pos[pos_ok]] == ids[pos_ok]
    counts[pos[matched]] = per[matched]
    return counts
