"""The lifetime-value refresh (the `clv` analysis' runner): fit, store per-account figures, summarise for the page.

What it does, in order:
1. Diagnostics: the models are fitted on the orders up to a calibration end (`calibration_end`, default: today
   minus `holdout_weeks`, 26 weeks) and their predictions compared with the repeat purchases actually made after
   it (the holdout chart, per calibration frequency). Skipped, with a note, when the holdout would leave too
   little to fit.
2. The figures: the models are refitted on every order up to today, and each account gets its expected
   purchases over the horizon (`horizon` time units, default 52 weeks), P(alive), expected order value and
   discounted CLV (`discount_rate` a month, default 1 %), stored in CustomerInsight (`clv_computed_at`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.analytics.clv.analysis import ClvFit, ClvOptions, clv_fit, fit_summary, holdout_chart
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext
from crm.analytics.core.services import customer_insights_write
from crm.analytics.core.transactions import day_number, money, transactions_load
from crm.catalog.selectors import company_currency_get
from crm.core.errors import InvalidInput

INSIGHT_COLUMNS = ("expected_purchases", "p_alive", "expected_order_value", "clv")
TOP = 50


def _param(params: dict[str, Any], name: str, default: Any, kind: type) -> Any:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        if kind is dt.date:
            return dt.date.fromisoformat(str(value))
        return kind(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": value}]}
        ) from None


def clv_options(params: dict[str, Any]) -> ClvOptions:
    time_unit = str(params.get("time_unit") or "weeks")
    default_horizon = 52.0 if time_unit == "weeks" else 365.0
    options = ClvOptions(
        time_unit=time_unit,
        horizon=_param(params, "horizon", default_horizon, float),
        discount_rate=_param(params, "discount_rate", 0.01, float),
    )
    options.validate()
    return options


def clv_refresh(*, context: RunContext) -> dict[str, Any]:
    """The runner registered as `clv`."""
    params = context.params
    try:
        options = clv_options(params)
        holdout_weeks = _param(params, "holdout_weeks", 26, int)
        calibration_end = _param(params, "calibration_end", None, dt.date)
    except InvalidInput as exc:  # the run fails with the parameter named, nothing stored changes
        raise AnalyticsError(
            " ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.field_errors.items())
        ) from exc
    today = timezone.localdate()
    observation_end = day_number(today)
    context.progress(5, _("Reading the orders…"))
    tx = transactions_load(until=today)
    if len(tx) == 0:
        raise AnalyticsError(_("There are no orders to analyse yet."))
    cal_day = day_number(calibration_end) if calibration_end else observation_end - 7 * max(holdout_weeks, 0)
    holdout: dict[str, Any] | None = None
    holdout_note = ""
    if cal_day < observation_end:
        context.progress(15, _("Checking the models on a holdout period…"))
        try:
            diagnostic = clv_fit(tx, calibration_end=cal_day, options=options)
        except AnalyticsError as exc:
            holdout_note = exc.message
        else:
            holdout = holdout_chart(
                tx, fit=diagnostic, observation_end=observation_end, time_unit=options.time_unit
            )
            holdout["fit"] = fit_summary(diagnostic)

    def report(percent: int, message: str) -> None:
        context.progress(40 + percent // 2, message)

    fit = clv_fit(tx, calibration_end=observation_end, options=options, progress=report)
    context.progress(80, _("Storing the figures of every account…"))
    written = customer_insights_write(
        columns=INSIGHT_COLUMNS, rows=_insight_rows(fit), computed_field="clv_computed_at"
    )
    values = fit.values
    order = np.argsort(-values.clv, kind="stable")[:TOP]
    return {
        **fit_summary(fit),
        "accounts_written": written,
        "currency": company_currency_get().code,
        "observation_end": today.isoformat(),
        "time_unit": options.time_unit,
        "horizon": options.horizon,
        "discount_rate": options.discount_rate,
        "kpis": {
            "mean_clv": float(values.clv.mean()),
            "total_clv": float(values.clv.sum()),
            "mean_p_alive": float(values.p_alive.mean()),
            "expected_purchases": float(values.expected_purchases.sum()),
            "mean_order_value": float(values.expected_order_value.mean()),
        },
        "holdout": holdout,
        "holdout_note": holdout_note,
        "top": [
            {
                "account": int(fit.summary.customer[i]),
                "clv": float(values.clv[i]),
                "expected_purchases": float(values.expected_purchases[i]),
                "p_alive": float(values.p_alive[i]),
                "expected_order_value": float(values.expected_order_value[i]),
            }
            for i in order
        ],
    }


def _insight_rows(fit: ClvFit) -> Any:
    v = fit.values
    for i, account in enumerate(fit.summary.customer.tolist()):
        yield (
            account,
            float(v.expected_purchases[i]),
            float(v.p_alive[i]),
            money(v.expected_order_value[i]),
            money(v.clv[i]),
        )
