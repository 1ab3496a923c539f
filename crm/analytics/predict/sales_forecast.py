"""Sales forecast: the monthly revenue (the orders that stand, by the day they were placed, in the company
currency — realised sales, the same transactions the customer analyses read) forecast for the next months by
additive Holt-Winters (seasonal.py), with its rolling-origin backtest error next to the naive baselines', and
the pipeline-weighted forecast: the open deals' amount × probability by expected close month.

The month under way is left out of the series (it is not complete); the forecast starts with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext
from crm.analytics.core.transactions import day_date
from crm.analytics.predict.history import transactions
from crm.analytics.predict.seasonal import MIN_MONTHS, SEASON, backtest, holt_winters_fit
from crm.catalog.errors import ExchangeRateMissing
from crm.catalog.selectors import company_currency_get, currency_get, exchange_rate_on
from crm.core.errors import RecordNotFound
from crm.sales.selectors.opportunities import opportunity_open_weighted_by_month

KIND = "sales_forecast"
HORIZONS = (3, 6, 12, 18, 24)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_revenue(*, until: dt.date) -> tuple[list[dt.date], np.ndarray]:
    """The complete months up to (not including) the month of `until`, first month with an order on, and the
    revenue of each (zero for a month without orders)."""
    current = month_start(until)
    tx = transactions(until=current - dt.timedelta(days=1))
    if len(tx) == 0:
        return [], np.zeros(0)
    first = month_start(day_date(int(tx.day.min())))
    months: list[dt.date] = []
    m = first
    while m < current:
        months.append(m)
        m = month_add(m, 1)
    # month number since 1970 of each order, relative to the first month: one bincount over all orders
    month_of = tx.day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first_index = (first.year - 1970) * 12 + first.month - 1
    revenue = np.bincount(month_of - first_index, weights=tx.amount, minlength=len(months))[: len(months)]
    return months, revenue


def pipeline_by_month(*, since: dt.date) -> tuple[dict[dt.date, float], dict[dt.date, float], list[str]]:
    """Open amount and weighted amount per expected close month in the company currency (today's rates), and
    the currencies left out for want of a rate."""
    company = company_currency_get()
    today = timezone.localdate()
    rates: dict[str, float | None] = {}
    amounts: dict[dt.date, float] = defaultdict(float)
    weighted: dict[dt.date, float] = defaultdict(float)
    skipped: set[str] = set()
    for month, currency, amount, weight in opportunity_open_weighted_by_month(since=since):
        if currency not in rates:
            try:
                rates[currency] = (
                    1.0
                    if currency == company.code
                    else float(exchange_rate_on(currency=currency_get(code=currency), on_date=today))
                )
            except (ExchangeRateMissing, RecordNotFound):
                rates[currency] = None
        rate = rates[currency]
        if not rate:
            skipped.add(currency)
            continue
        amounts[month_start(month)] += float(amount) / rate
        weighted[month_start(month)] += float(weight) / rate
    return dict(amounts), dict(weighted), sorted(skipped)


def _horizon(params: dict[str, Any]) -> int:
    try:
        horizon = int(params.get("horizon", 12))
    except (TypeError, ValueError):
        horizon = -1
    if horizon not in HORIZONS:
        raise AnalyticsError(
            _("Choose a horizon of %(choices)s months.") % {"choices": ", ".join(map(str, HORIZONS))}
        )
    return horizon


def sales_forecast_refresh(*, context: RunContext) -> dict[str, Any]:
    """The runner (registered as "sales_forecast")."""
    horizon = _horizon(context.params)
    as_of_raw = context.params.get("as_of")
    try:
        as_of = dt.date.fromisoformat(as_of_raw) if as_of_raw else timezone.localdate()
    except (TypeError, ValueError):
        raise AnalyticsError(_("Give the as-of day as YYYY-MM-DD.")) from None
    context.progress(10, _("Reading the orders…"))
    months, revenue = monthly_revenue(until=as_of)
    if len(months) < MIN_MONTHS:
        raise AnalyticsError(
            _("The forecast needs at least %(min)s complete months of orders; there are %(n)s.")
            % {"min": MIN_MONTHS, "n": len(months)}
        )
    warnings: list[str] = []
    if len(months) < 2 * SEASON:
        warnings.append(
            _(
                "Only %(n)s months of history: a season needs two full years, so this forecast follows the "
                "trend only."
            )
            % {"n": len(months)}
        )
    if not np.any(revenue[-SEASON:] > 0):
        raise AnalyticsError(_("There were no orders in the last 12 months: nothing to forecast from."))
    context.progress(30, _("Fitting the seasonal model…"))
    fit = holt_winters_fit(revenue)
    forecast = np.maximum(fit.forecast(horizon), 0.0)
    context.progress(50, _("Backtesting…"))
    test = backtest(revenue, horizon=3, origins=12)
    if test is not None and test.mae > min(test.naive_mae, test.seasonal_naive_mae):
        warnings.append(_("In the backtest the model did worse than a naive forecast: read it with care."))
    context.progress(80, _("Weighting the open pipeline…"))
    start = month_start(as_of)
    future = [month_add(start, k) for k in range(horizon)]
    amounts, weighted, skipped = pipeline_by_month(since=start)
    if skipped:
        warnings.append(
            _("Open deals in %(codes)s are left out of the pipeline: there is no exchange rate.")
            % {"codes": ", ".join(skipped)}
        )
    shown = months[-24:]
    return {
        "as_of": as_of.isoformat(),
        "horizon": horizon,
        "currency": company_currency_get().code,
        "history": [
            {"month": m.isoformat(), "revenue": round(float(v), 2)}
            for m, v in zip(shown, revenue[-24:], strict=True)
        ],
        "forecast": [
            {
                "month": m.isoformat(),
                "revenue": round(float(v), 2),
                "pipeline": round(amounts.get(m, 0.0), 2),
                "weighted": round(weighted.get(m, 0.0), 2),
            }
            for m, v in zip(future, forecast, strict=True)
        ],
        "months": len(months),
        "model": {
            "seasonal": fit.seasonal,
            "alpha": fit.alpha,
            "beta": fit.beta,
            "gamma": fit.gamma,
        },
        "backtest": None
        if test is None
        else {
            "origins": test.origins,
            "horizon": test.horizon,
            "mae": round(test.mae, 2),
            "mape": None if test.mape is None else round(test.mape, 4),
            "naive_mae": round(test.naive_mae, 2),
            "seasonal_naive_mae": round(test.seasonal_naive_mae, 2),
        },
        "total_forecast": round(float(forecast.sum()), 2),
        "total_weighted": round(sum(weighted.get(m, 0.0) for m in future), 2),
        "warnings": warnings,
    }
