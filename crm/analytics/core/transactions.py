"""The purchase transactions every customer analysis reads, as NumPy arrays: one entry per order, money in the
company currency at the rate of the order's day.

    tx = transactions_load()            # from the database (orders that stand)
    tx.customer, tx.day, tx.amount      # int64 account ids, int32 days since 1970-01-01, float64 amounts

Files (the CLI's `--transactions FILE.csv`) are read by `transaction_files.py` into the same shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from crm.catalog.selectors import company_currency_get, currency_get, exchange_rate_on

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


def transactions_load(*, until: dt.date | None = None) -> Transactions:
    """The orders that stand, up to `until` (inclusive), converted to the company currency."""
    from crm.sales.selectors.orders import order_transactions

    company = company_currency_get().code
    rates: dict[tuple[str, dt.date], float] = {}
    customers: list[int] = []
    days: list[int] = []
    amounts: list[float] = []
    for account_id, ordered_on, total, currency in order_transactions(until=until):
        amount = float(total)
        if currency != company:
            key = (currency, ordered_on)
            rate = rates.get(key)
            if rate is None:
                rate = rates[key] = float(
                    exchange_rate_on(currency=currency_get(code=currency), on_date=ordered_on)
                )
            amount = amount / rate if rate else 0.0
        customers.append(account_id)
        days.append(day_number(ordered_on))
        amounts.append(amount)
    return Transactions(
        customer=np.asarray(customers, dtype=np.int64),
        day=np.asarray(days, dtype=np.int32),
        amount=np.asarray(amounts, dtype=np.float64),
    )


def money(value: float) -> Decimal:
    """A float amount as a 2-decimal Decimal for storage."""
    return Decimal(repr(round(float(value), 2))).quantize(Decimal("0.01"))
