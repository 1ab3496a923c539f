"""Per-customer lifetime value: expected purchases over a horizon, P(alive), expected order value and the
discounted value of the purchases expected in each month of the horizon (the approach of `lifetimes`'
`customer_lifetime_value`: expected purchases per month × expected order value / (1 + monthly rate)^month)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.clv.bgnbd import BgNbdParams, bgnbd_expected_purchases_at, bgnbd_p_alive
from crm.analytics.clv.gamma_gamma import GammaGammaParams, gamma_gamma_expected_order_value
from crm.analytics.clv.summary import CustomerSummary
from crm.analytics.core.errors import AnalyticsError

# time units per month (the discounting period)
PERIOD_PER_MONTH = {"weeks": 4.345, "days": 30.0}


@dataclass(frozen=True)
class CustomerValues:
    expected_purchases: np.ndarray
    p_alive: np.ndarray
    expected_order_value: np.ndarray
    clv: np.ndarray


def customer_values(
    *,
    summary: CustomerSummary,
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    horizon: float,
    discount_rate: float,
    time_unit: str,
) -> CustomerValues:
    """`horizon` in time units; `discount_rate` per month (0.01 = 1 % a month)."""
    if gamma_gamma.q <= 1.0:
        raise AnalyticsError(
            _(
                "The Gamma-Gamma fit gives q = %(q).3g ≤ 1: the expected spend is not defined (the amounts are too heavy-tailed for the model)."
            )
            % {"q": gamma_gamma.q}
        )
    x, t_x, T = summary.frequency, summary.recency, summary.age
    order_value = gamma_gamma_expected_order_value(gamma_gamma, x=x, m=summary.monetary)
    month = PERIOD_PER_MONTH[time_unit]
    bounds = np.arange(1, int(np.ceil(horizon / month - 1e-9)) + 1) * month
    bounds[-1:] = np.minimum(bounds[-1:], horizon) if bounds.size else bounds[-1:]
    cumulatives = bgnbd_expected_purchases_at(bgnbd, ts=[*bounds.tolist(), horizon], x=x, t_x=t_x, T=T)
    expected = cumulatives[-1]
    clv = np.zeros(x.shape[0])
    previous = np.zeros(x.shape[0])
    for end, cumulative in zip(bounds.tolist(), cumulatives, strict=False):
        clv += order_value * (cumulative - previous) / (1.0 + discount_rate) ** (end / month)
        previous = cumulative
    values = CustomerValues(
        expected_purchases=expected,
        p_alive=bgnbd_p_alive(bgnbd, x=x, t_x=t_x, T=T),
        expected_order_value=order_value,
        clv=clv,
    )
    for name in ("expected_purchases", "p_alive", "expected_order_value", "clv"):
        if not np.all(np.isfinite(getattr(values, name))):
            raise AnalyticsError(
                _(
                    "The models did not converge to usable figures: they give non-finite %(figure)s for some customers. The data does not suit them (too few customers, or no sign of customers dropping out)."
                )
                % {"figure": name.replace("_", " ")}
            )
    return values
