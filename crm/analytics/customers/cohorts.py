"""Acquisition cohorts: customers grouped by the calendar month of their first purchase; for each cohort and each
month since (0 = the acquisition month), how many of its customers bought (retention) and what they spent.

Definition (the page and the pandas reference test use the same one): retention[c][k] = customers of cohort c
with at least one purchase in calendar month c + k, divided by the cohort's size; revenue[c][k] = the sum of
those purchases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from crm.analytics.customers.summary import CustomerSummary


@dataclass(frozen=True)
class CohortTable:
    months: list[dt.date]  # the cohorts' first days, ascending
    sizes: list[int]
    active: list[list[int]]  # active[c][k] customers; k up to the last month with data
    revenue: list[list[float]]
    customer_month: np.ndarray  # per customer (summary order): months since 1970-01 of the first purchase


def month_number(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 → calendar months since 1970-01."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_date(number: int) -> dt.date:
    return dt.date(1970 + number // 12, number % 12 + 1, 1)


def cohort_table(summary: CustomerSummary, *, day: np.ndarray, amount: np.ndarray) -> CohortTable:
    """`day`/`amount` are the transactions `summary` was built from (same order as `summary.index`)."""
    first_month = month_number(summary.first_day)
    tx_month = month_number(day)
    start = int(first_month.min())
    end = int(tx_month.max())
    span = end - start + 1
    cohort = first_month - start  # per customer
    since = tx_month - first_month[summary.index]  # per transaction, ≥ 0
    cell = cohort[summary.index] * span + since
    revenue = np.bincount(cell, weights=amount, minlength=span * span).reshape(span, span)
    # active customers: one count per distinct (customer, month since)
    pair = np.unique(summary.index * span + since)
    active = np.bincount(cohort[pair // span] * span + pair % span, minlength=span * span).reshape(span, span)
    sizes = np.bincount(cohort, minlength=span)
    months, size_list, active_rows, revenue_rows = [], [], [], []
    for c in range(span):
        if sizes[c] == 0:
            continue
        width = span - c  # months from the cohort to the last month with data
        months.append(month_date(start + c))
        size_list.append(int(sizes[c]))
        active_rows.append(active[c, :width].astype(int).tolist())
        revenue_rows.append([round(float(v), 2) for v in revenue[c, :width]])
    return CohortTable(
        months=months,
        sizes=size_list,
        active=active_rows,
        revenue=revenue_rows,
        customer_month=first_month,
    )
