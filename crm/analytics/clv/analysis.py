"""The lifetime-value analysis from transactions to per-customer figures, shared by the refresh job and the CLI:
summary → BG/NBD and Gamma-Gamma fits → expected purchases, P(alive), expected order value, discounted CLV, and
the holdout diagnostic (predicted vs actual repeat purchases after the calibration end, by frequency)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.clv.bgnbd import BgNbdParams, bgnbd_expected_purchases, bgnbd_fit
from crm.analytics.clv.gamma_gamma import GammaGammaParams, gamma_gamma_fit
from crm.analytics.clv.summary import (
    TIME_UNITS,
    CustomerSummary,
    holdout_purchases,
    summary_from_transactions,
)
from crm.analytics.clv.valuation import CustomerValues, customer_values
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, day_date

MIN_CUSTOMERS = 2
MIN_REPEAT_CUSTOMERS = 2
BUCKETS = 7  # calibration frequencies 0 … 6 and "7+"


@dataclass(frozen=True)
class ClvOptions:
    time_unit: str = "weeks"
    horizon: float = 52.0  # in time units
    discount_rate: float = 0.01  # per month

    def validate(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.time_unit not in TIME_UNITS:
            errors["time_unit"] = [_("Use weeks or days.")]
        if not (np.isfinite(self.horizon) and self.horizon > 0):
            errors["horizon"] = [_("Give a horizon greater than zero.")]
        if not (np.isfinite(self.discount_rate) and 0 <= self.discount_rate < 1):
            errors["discount_rate"] = [_("Give a monthly discount rate between 0 and 1 (0.01 is 1 %).")]
        if errors:
            from crm.core.errors import InvalidInput

            raise InvalidInput(field_errors=errors)


@dataclass(frozen=True)
class ClvFit:
    summary: CustomerSummary
    bgnbd: BgNbdParams
    gamma_gamma: GammaGammaParams
    values: CustomerValues
    calibration_end: int

    @property
    def warnings(self) -> list[str]:
        return [*self.bgnbd.warnings, *self.gamma_gamma.warnings]


def _check_transactions(tx: Transactions) -> None:
    if len(tx) == 0:
        raise AnalyticsError(_("There are no transactions to analyse."))
    if not np.all(np.isfinite(tx.amount)) or np.any(tx.amount < 0):
        raise AnalyticsError(
            _(
                "Some transaction amounts are negative or not numbers; the spend model needs amounts of zero or more."
            )
        )


def clv_fit(
    tx: Transactions,
    *,
    calibration_end: int,
    options: ClvOptions,
    progress: Callable[[int, str], None] | None = None,
) -> ClvFit:
    """Fit both models on the purchases up to `calibration_end` (a day number) and value every customer."""
    report = progress or (lambda _p, _m: None)
    options.validate()
    _check_transactions(tx)
    summary = summary_from_transactions(tx, calibration_end=calibration_end, time_unit=options.time_unit)
    if len(summary) < MIN_CUSTOMERS:
        raise AnalyticsError(
            _(
                "Lifetime value needs purchases by at least %(n)s customers up to %(date)s; there are %(found)s."
            )
            % {"n": MIN_CUSTOMERS, "date": day_date(calibration_end).isoformat(), "found": len(summary)}
        )
    repeat = int(np.count_nonzero((summary.frequency > 0) & (summary.monetary > 0)))
    if repeat < MIN_REPEAT_CUSTOMERS:
        raise AnalyticsError(
            _(
                "Lifetime value needs at least %(n)s customers who bought again (on another day) up to %(date)s; there are %(found)s."
            )
            % {"n": MIN_REPEAT_CUSTOMERS, "date": day_date(calibration_end).isoformat(), "found": repeat}
        )
    report(30, _("Fitting the purchase model (BG/NBD)…"))
    bgnbd = bgnbd_fit(x=summary.frequency, t_x=summary.recency, T=summary.age)
    report(50, _("Fitting the spend model (Gamma-Gamma)…"))
    gamma_gamma = gamma_gamma_fit(x=summary.frequency, m=summary.monetary)
    report(60, _("Valuing every customer…"))
    values = customer_values(
        summary=summary,
        bgnbd=bgnbd,
        gamma_gamma=gamma_gamma,
        horizon=options.horizon,
        discount_rate=options.discount_rate,
        time_unit=options.time_unit,
    )
    return ClvFit(
        summary=summary, bgnbd=bgnbd, gamma_gamma=gamma_gamma, values=values, calibration_end=calibration_end
    )


def holdout_chart(tx: Transactions, *, fit: ClvFit, observation_end: int, time_unit: str) -> dict[str, Any]:
    """Predicted vs actual repeat purchases between the calibration end and `observation_end`, averaged per
    calibration frequency (0 … 6, 7+): the standard calibration/holdout check of BG/NBD."""
    s = fit.summary
    length = (observation_end - fit.calibration_end) / TIME_UNITS[time_unit]
    actual = holdout_purchases(tx, customers=s.customer, calibration_end=fit.calibration_end)
    predicted = bgnbd_expected_purchases(fit.bgnbd, t=length, x=s.frequency, t_x=s.recency, T=s.age)
    bucket = np.minimum(s.frequency.astype(np.int64), BUCKETS)
    customers = np.bincount(bucket, minlength=BUCKETS + 1)
    actual_sum = np.bincount(bucket, weights=actual, minlength=BUCKETS + 1)
    predicted_sum = np.bincount(bucket, weights=predicted, minlength=BUCKETS + 1)
    rows = []
    for k in range(BUCKETS + 1):
        if customers[k] == 0:
            continue
        rows.append(
            {
                "frequency": f"{k}+" if k == BUCKETS else str(k),
                "customers": int(customers[k]),
                "actual": float(actual_sum[k] / customers[k]),
                "predicted": float(predicted_sum[k] / customers[k]),
            }
        )
    return {
        "calibration_end": day_date(fit.calibration_end).isoformat(),
        "observation_end": day_date(observation_end).isoformat(),
        "length": float(length),
        "buckets": rows,
        "actual_total": float(actual.sum()),
        "predicted_total": float(predicted.sum()),
    }


def fit_summary(fit: ClvFit) -> dict[str, Any]:
    """The CLI's and the page's description of a fit."""
    return {
        "customers": len(fit.summary),
        "repeat_customers": int(np.count_nonzero(fit.summary.frequency > 0)),
        "bgnbd": fit.bgnbd.as_dict(),
        "gamma_gamma": fit.gamma_gamma.as_dict(),
        "warnings": fit.warnings,
    }
