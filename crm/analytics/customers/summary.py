"""Per-customer aggregates of the transactions (NumPy, no Python loop over rows): the common first step of the
RFM, Pareto and cohort computations.

Customers come out in ascending id order; that order also breaks ties wherever a rank is taken (the documented
`rank(method="first")` of the pandas reference computation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.analytics.core.customer_totals import CustomerTotals
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions

_DENSE_FACTOR = (
    8  # ids up to 8× the number of orders are counted in place (bincount); sparser ids are renumbered
)


@dataclass(frozen=True)
class CustomerSummary:
    ids: np.ndarray  # int64, ascending
    first_day: np.ndarray  # int32
    last_day: np.ndarray  # int32
    purchases: np.ndarray  # int64
    revenue: np.ndarray  # float64
    index: np.ndarray  # int64, per transaction: its customer's position in `ids`

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def transactions_clean(
    tx: Transactions, *, until_day: int | None, keep_negative: bool = False
) -> tuple[Transactions, list[str]]:
    """Keep the transactions up to `until_day` with an amount ≥ 0 (any amount with `keep_negative`: margins);
    say what was left out."""
    warnings: list[str] = []
    keep = np.ones(len(tx), dtype=bool)
    if until_day is not None:
        keep &= tx.day <= until_day
    negative = 0 if keep_negative else int(np.count_nonzero(keep & (tx.amount < 0)))
    if negative:
        warnings.append(_negative_warning(negative))
        keep &= tx.amount >= 0
    if keep.all():
        return tx, warnings
    return Transactions(customer=tx.customer[keep], day=tx.day[keep], amount=tx.amount[keep]), warnings


def _negative_warning(count: int) -> str:
    return ngettext(
        "%(count)s transaction with a negative amount was left out.",
        "%(count)s transactions with a negative amount were left out.",
        count,
    ) % {"count": count}


def _enough(n: int, minimum_customers: int) -> None:
    if n < minimum_customers:
        raise AnalyticsError(
            _("The purchases come from %(count)s customer; ranking customers needs at least %(minimum)s.")
            % {"count": n, "minimum": minimum_customers}
        )


def customer_summary_at(
    totals: CustomerTotals, *, day: int, minimum_customers: int = 2
) -> tuple[CustomerSummary, list[str]]:
    """What `transactions_clean(tx, until_day=day)` and `customer_summary` give, from per-customer totals
    (`index` is empty: there are no transactions behind it). Raises AnalyticsError as `customer_summary`."""
    row = totals.position(day)
    negatives = totals.negatives[row]
    warnings = [_negative_warning(negatives)] if negatives else []
    purchases = totals.purchases[row]
    present = purchases > 0
    if not present.any():
        raise AnalyticsError(_("There are no purchases to analyse."))
    _enough(int(np.count_nonzero(present)), minimum_customers)
    summary = CustomerSummary(
        ids=totals.ids[present],
        first_day=totals.first_day[present],
        last_day=totals.last_day[row][present],
        purchases=purchases[present],
        revenue=totals.revenue[row][present],
        index=np.empty(0, dtype=np.int64),
    )
    return summary, warnings


def customer_summary(tx: Transactions, *, minimum_customers: int = 2) -> CustomerSummary:
    """First and last purchase day, number of purchases and revenue of every customer in `tx`. Raises
    AnalyticsError when there are no transactions or fewer customers than a ranking needs."""
    if len(tx) == 0:
        raise AnalyticsError(_("There are no purchases to analyse."))
    customer = tx.customer
    low, high = int(customer.min()), int(customer.max())
    if low >= 0 and high < _DENSE_FACTOR * len(tx) + 1024:
        size = high + 1
        purchases = np.bincount(customer, minlength=size)
        present = np.flatnonzero(purchases)
        slot = np.full(size, -1, dtype=np.int64)
        slot[present] = np.arange(present.shape[0])
        index = slot[customer]
        ids = present.astype(np.int64)
        purchases = purchases[present]
    else:
        unique = np.unique(customer, return_inverse=True)
        ids, index = unique[0], np.asarray(unique[1], dtype=np.int64)
        purchases = np.bincount(index)
    n = ids.shape[0]
    _enough(n, minimum_customers)
    # to the cent: sums in another order differ in the last bits, which must not reorder equal customers
    revenue = np.round(np.bincount(index, weights=tx.amount, minlength=n), 2)
    last_day = np.full(n, np.iinfo(np.int32).min, dtype=np.int32)
    np.maximum.at(last_day, index, tx.day)
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, index, tx.day)
    return CustomerSummary(
        ids=ids,
        first_day=first_day,
        last_day=last_day,
        purchases=purchases.astype(np.int64),
        revenue=revenue,
        index=index,
    )


def rank_first(values: np.ndarray) -> np.ndarray:
    """1..n ranks, ascending, ties in array order (pandas `rank(method="first")`)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.shape[0], dtype=np.float64)
    ranks[order] = np.arange(1, values.shape[0] + 1, dtype=np.float64)
    return ranks


def quantile_scores(ranks: np.ndarray, bins: int = 5) -> np.ndarray:
    """pandas `qcut(ranks, bins, labels=1..bins)`: equal-frequency bins on the ranks, right-closed."""
    edges = np.percentile(ranks, np.linspace(0, 1, bins + 1) * 100)
    scores = np.searchsorted(edges[1:-1], ranks, side="left") + 1
    return scores.astype(np.int16)
