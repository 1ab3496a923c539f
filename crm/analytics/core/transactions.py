"""The purchase transactions every customer analysis reads, as NumPy arrays: one entry per order, money in the
company currency at the rate of the order's day.

    tx = transactions_load()            # from the database (orders that stand)
    tx.customer, tx.day, tx.amount      # int64 account ids, int32 days since 1970-01-01, float64 amounts

Files (the CLI's `--transactions FILE.csv`) are read by `transaction_files.py` into the same shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
from crm.catalog.selectors import company_currency_get, currency_list, exchange_rate_history

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Transactions:
    customer: np.ndarray  # int64
    day: np.ndarray  # int32, days since EPOCH
    amount: np.ndarray  # float64, company currency

    def __len__(self) -> int:
        return int(self.customer.shape[0])

    @property
    def customers(self) -> int:
        return int(np.unique(self.customer).shape[0]) if len(self) else 0


def day_number(value: dt.date) -> int:
    return (value - EPOCH).days


def day_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def transactions_load(*, until: dt.date | None = None, measure: str = "revenue") -> Transactions:
    """The orders that stand, up to `until` (inclusive), converted to the company currency at the rate of each
    order's day (vectorised: one rate lookup per currency, not per order). `measure` "revenue" reads each
    order's total, "margin" its net total − cost of its lines (a line without a known cost counts at zero).
    Raises AnalyticsError when an order's currency has no rate on or before its day."""
    return transactions_load_measures(until=until, measures=(measure,))[measure]


def transactions_load_measures(
    *, until: dt.date | None = None, measures: Sequence[str]
) -> dict[str, Transactions]:
    """`transactions_load` for several measures from one read of the orders (the Pareto run takes revenue and
    margin together); the transactions share their customer and day arrays."""
    from crm.sales.selectors.orders import order_transaction_columns

    company = company_currency_get().code
    codes = [c.code for c in currency_list(include_inactive=True)]
    customer, day, amounts, currency = order_transaction_columns(
        until=until, currencies=codes, measures=measures
    )
    if (currency < 0).any():
        raise AnalyticsError(_("Some orders are in a currency the catalog does not have."))
    for index in np.unique(currency).tolist():
        code = codes[index]
        if code == company:
            continue
        mask = currency == index
        rates = _rates_on(code, day[mask])
        for amount in amounts.values():
            amount[mask] = amount[mask] / rates
    return {m: Transactions(customer=customer, day=day, amount=amounts[m]) for m in measures}


def _rates_on(code: str, days: np.ndarray) -> np.ndarray:
    """The rate of `code` in force on each day (the latest dated on or before it)."""
    history = exchange_rate_history(code=code)
    valid = np.array([day_number(on) for on, _rate in history], dtype=np.int64)
    rates = np.array([float(rate) for _on, rate in history], dtype=np.float64)
    position = np.searchsorted(valid, days, side="right") - 1
    if position.shape[0] and int(position.min()) < 0:
        first = day_date(int(days[position < 0].min()))
        raise AnalyticsError(
            _("There is no exchange rate for %(code)s on or before %(day)s.")
            % {"code": code, "day": first.isoformat()}
        )
    found = rates[position]
    found[found == 0] = np.inf  # a zero rate converts to nothing, as before
    return found


def money(value: float) -> Decimal:
    """A float amount as a 2-decimal Decimal for storage."""
    return Decimal(repr(round(float(value), 2))).quantize(Decimal("0.01"))
