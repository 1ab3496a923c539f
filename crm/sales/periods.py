"""Billing periods of recurring contract lines: calendar months from an anchor day, without drift.

A monthly line of a contract starting on 31 January is billed 31 Jan–27 Feb, 28 Feb–30 Mar, 31 Mar–29 Apr, …:
every period starts `n` months after the contract's start (clamped to the month's last day), never after the
previous period's clamped day, so a short month does not pull every later period forward."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from crm.catalog.enums import BillingPeriod

PERIOD_MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.YEARLY: 12}


def period_months(billing_period: str) -> int:
    return PERIOD_MONTHS.get(BillingPeriod(billing_period), 1)


def months_add(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months, clamped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_start_next(*, anchor: dt.date, current: dt.date, billing_period: str) -> dt.date:
    """The start of the period after the one starting on `current` (periods counted from `anchor`)."""
    step = period_months(billing_period)
    elapsed = (current.year - anchor.year) * 12 + current.month - anchor.month
    k = max(elapsed // step, 0)
    candidate = months_add(anchor, k * step)
    while candidate <= current:
        k += 1
        candidate = months_add(anchor, k * step)
    return candidate


def period_end(*, anchor: dt.date, start: dt.date, billing_period: str, last_day: dt.date) -> dt.date:
    """The last day of the period starting on `start`, never after `last_day` (the contract's end)."""
    following = period_start_next(anchor=anchor, current=start, billing_period=billing_period)
    return min(following - dt.timedelta(days=1), last_day)


def yearly_factor(billing_period: str) -> Decimal:
    """How many billings of a line make one year (12 monthly, 4 quarterly, 1 yearly)."""
    return Decimal(12 // period_months(billing_period))
