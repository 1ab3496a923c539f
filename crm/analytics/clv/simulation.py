"""Customers simulated from BG/NBD and Gamma-Gamma with known parameters: the ground truth of the parameter
recovery test and the benchmark's data."""

from __future__ import annotations

import numpy as np

from crm.analytics.core.transactions import Transactions


def simulate_transactions(
    *,
    customers: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    v: float,
    days: int,
    seed: int = 0,
    first_day: int = 19_000,
    time_unit_days: float = 7.0,
) -> Transactions:
    """Each customer makes a first purchase on a day uniformly spread over the first half of `days`, then repeat
    purchases at exponential gaps (rate λ ~ Gamma(r, α) per time unit of `time_unit_days` days) until they drop
    out (after each repeat purchase with probability π ~ Beta(a, b)) or the period (day numbers 0 … days − 1)
    ends. Purchase times are rounded to whole days, so two purchases on one day count as one transaction; every purchase's amount is Gamma(p, ν)-distributed
    around the customer's mean, ν ~ Gamma(q, v)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, customers) / time_unit_days  # per day
    drop = rng.beta(a, b, customers)
    nu = rng.gamma(q, 1.0 / v, customers)
    start = rng.integers(0, days // 2, customers).astype(np.float64)
    ids = np.arange(customers, dtype=np.int64)
    out_c, out_t = [ids], [start]
    alive = ids.copy()
    now = start.copy()
    horizon = days - 1.0  # the end of the last day's number: T = days - 1 - start exactly
    while alive.size:
        now = now + rng.exponential(1.0, alive.size) / lam[alive]
        ok = now <= horizon
        # the purchase happens only for customers still within the period; it is their dropout chance after
        alive, now = alive[ok], now[ok]
        out_c.append(alive)
        out_t.append(now)
        stays = rng.random(alive.size) >= drop[alive]
        alive, now = alive[stays], now[stays]
    customer = np.concatenate(out_c)
    # to the nearest day: an unbiased recency (flooring would shorten it by half a day and bias α by ~4 %)
    time = np.rint(np.concatenate(out_t)).astype(np.int64)
    amount = rng.gamma(p, 1.0 / nu[customer])
    order = np.lexsort((time, customer))
    return Transactions(
        customer=customer[order], day=(time[order] + first_day).astype(np.int32), amount=amount[order]
    )
