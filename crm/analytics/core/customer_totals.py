"""Per-customer purchase totals as of one or more days: what RFM (now and N months ago) needs, without every
order row in memory.

    totals = customer_totals_load(cutoffs=[as_of, before])   # from the database
    totals = customer_totals_compute(tx, cutoffs=[...])      # from transactions in memory (files, the reference)

`customer_totals_load` lets the database group the orders in the company currency per account and return the
orders in other currencies row by row in the same scan (see `crm.sales.selectors.order_totals`); those are
converted at the rate of their day exactly as `transactions_load` converts them. Both give the same figures as `customer_summary` over
`transactions_clean(tx, until_day=cutoff)` for each cutoff: orders with a negative amount are left out (and
counted), revenue is rounded to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crm.analytics.core.transactions import Transactions, day_number, transactions_converted
from crm.catalog.selectors import company_currency_get, currency_list

NONE_DAY = np.iinfo(np.int32).min  # last_day of a customer with no purchase yet at that cutoff


@dataclass(frozen=True)
class CustomerTotals:
    cutoffs: tuple[int, ...]  # day numbers (days since 1970-01-01)
    ids: np.ndarray  # int64, ascending: every customer with a purchase on or before the latest cutoff
    first_day: np.ndarray  # int32: first purchase (on or before the latest cutoff)
    last_day: np.ndarray  # int32 (k, n): last purchase on or before cutoff k; NONE_DAY when none
    purchases: np.ndarray  # int64 (k, n)
    revenue: np.ndarray  # float64 (k, n), company currency, to the cent
    negatives: tuple[int, ...]  # per cutoff: transactions left out for a negative amount

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def position(self, day: int) -> int:
        """The row of the cutoff `day` (ValueError when it was not asked for)."""
        return self.cutoffs.index(day)


@dataclass(frozen=True)
class _Sums:
    ids: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    purchases: np.ndarray
    revenue: np.ndarray  # not rounded yet
    negatives: np.ndarray


def customer_totals_compute(tx: Transactions, *, cutoffs: Sequence[int]) -> CustomerTotals:
    """The totals from transactions in memory (NumPy). The revenue is summed in the order of `tx`, as
    `customer_summary` sums it."""
    sums = _sums(tx, tuple(cutoffs))
    return _rounded(tuple(cutoffs), sums, np.round(sums.revenue, 2))


def customer_totals_load(*, cutoffs: Sequence[dt.date]) -> CustomerTotals:
    """The totals of the orders that stand, up to the latest cutoff, from the database. Raises AnalyticsError
    when an order's currency is unknown or has no rate on or before its day (as `transactions_load`)."""
    from crm.sales.selectors.order_totals import order_account_totals

    days = tuple(day_number(c) for c in cutoffs)
    company = company_currency_get().code
    codes = [company] + [c.code for c in currency_list(include_inactive=True) if c.code != company]
    own = order_account_totals(currencies=codes, cutoffs=list(cutoffs))
    other = own.other
    converted = transactions_converted(
        other.account, other.day, other.total, other.currency, codes=codes, company=company
    )
    foreign = _sums(converted, days)
    ids = np.union1d(own.account, foreign.ids)
    k, n = len(days), ids.shape[0]
    mine, theirs = np.searchsorted(ids, own.account), np.searchsorted(ids, foreign.ids)
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    first_day[mine] = own.first_day
    first_day[theirs] = np.minimum(first_day[theirs], foreign.first_day)
    last_day = np.full((k, n), NONE_DAY, dtype=np.int32)
    last_day[:, mine] = own.last_day
    last_day[:, theirs] = np.maximum(last_day[:, theirs], foreign.last_day)
    purchases = np.zeros((k, n), dtype=np.int64)
    purchases[:, mine] = own.purchases
    purchases[:, theirs] += foreign.purchases
    revenue = np.zeros((k, n), dtype=np.float64)
    revenue[:, mine] = own.cents / 100  # exact sums: the float nearest to each sum of cents
    revenue[:, theirs] += foreign.revenue
    negatives = own.negatives + foreign.negatives
    sums = _Sums(ids, first_day, last_day, purchases, revenue, negatives)
    return _rounded(days, sums, np.round(revenue, 2))


def _rounded(cutoffs: tuple[int, ...], sums: _Sums, revenue: np.ndarray) -> CustomerTotals:
    return CustomerTotals(
        cutoffs=cutoffs,
        ids=sums.ids,
        first_day=sums.first_day,
        last_day=sums.last_day,
        purchases=sums.purchases,
        revenue=revenue,
        negatives=tuple(int(x) for x in sums.negatives.tolist()),
    )


def _sums(tx: Transactions, cutoffs: tuple[int, ...]) -> _Sums:
    k = len(cutoffs)
    negative = tx.amount < 0
    negatives = np.array([int(np.count_nonzero(negative & (tx.day <= c))) for c in cutoffs], dtype=np.int64)
    keep = ~negative & (tx.day <= max(cutoffs)) if k else np.zeros(len(tx), dtype=bool)
    customer, day, amount = tx.customer[keep], tx.day[keep], tx.amount[keep]
    ids, index = np.unique(customer, return_inverse=True)
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    n = ids.shape[0]
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, index, day)
    last_day = np.full((k, n), NONE_DAY, dtype=np.int32)
    purchases = np.zeros((k, n), dtype=np.int64)
    revenue = np.zeros((k, n), dtype=np.float64)
    for row, cutoff in enumerate(cutoffs):
        upto = day <= cutoff
        np.maximum.at(last_day[row], index[upto], day[upto])
        purchases[row] = np.bincount(index[upto], minlength=n)
        revenue[row] = np.bincount(index[upto], weights=amount[upto], minlength=n)
    return _Sums(ids.astype(np.int64), first_day, last_day, purchases, revenue, negatives)
