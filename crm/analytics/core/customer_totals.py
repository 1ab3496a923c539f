"""Per-customer purchase totals as of one or more days: what RFM (now and N months ago) needs, without every
order row in memory.

    totals = customer_totals_load(cutoffs=[as_of, before])   # from the database
    totals = customer_totals_compute(tx, cutoffs=[...])      # from transactions in memory (files, the reference)

`customer_totals_load` lets the database group the orders per account (see
`crm.sales.selectors.order_totals`): each order's stored total in the company currency (`Order.company_total`,
the float `transactions_load` computes for it) summed as it is; the orders without one converted in the query
at the rate of their day with the same float division. Both give the same figures as `customer_summary` over
`transactions_clean(tx, until_day=cutoff)` for each cutoff: orders with a negative amount are left out (and
counted), revenue is rounded to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, day_number, transactions_load
from crm.catalog.selectors import company_currency_get, currency_list, exchange_rate_history

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
    """The totals of the orders that stand, up to the latest cutoff, grouped in the database (see
    `crm.sales.selectors.order_totals`). Raises AnalyticsError when an order's currency is unknown or has no
    rate on or before its day, with the message of `transactions_load`."""
    from crm.sales.selectors.order_totals import order_account_totals

    days = tuple(day_number(c) for c in cutoffs)
    company = company_currency_get().code
    codes = [company] + [c.code for c in currency_list(include_inactive=True) if c.code != company]
    histories = {code: exchange_rate_history(code=code) for code in codes[1:]}
    if any(rate <= 0 for history in histories.values() for _on, rate in history):
        # a rate of zero or below (never set through the catalog's services): the row path knows what to do
        return customer_totals_compute(transactions_load(until=max(cutoffs)), cutoffs=days)
    rates = {
        code: ([on for on, _r in history], [float(rate) for _on, rate in history])
        for code, history in histories.items()
    }
    found = order_account_totals(currencies=codes, rates=rates, cutoffs=list(cutoffs))
    if found.unknown_currency:
        raise AnalyticsError(_("Some orders are in a currency the catalog does not have."))
    if found.unconverted:
        transactions_load(until=max(cutoffs))  # names the currency and the first day without a rate
        raise AnalyticsError(_("Some orders are in a currency without an exchange rate on their day."))
    k = len(days)
    sums = _Sums(
        ids=found.account,
        first_day=found.first_day,
        last_day=found.last_day,
        purchases=found.purchases,
        revenue=found.cents / 100 + found.converted,  # the cents' sum exactly, plus the converted orders
        negatives=found.negatives.reshape(k),
    )
    return _rounded(days, sums, np.round(sums.revenue, 2))


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
