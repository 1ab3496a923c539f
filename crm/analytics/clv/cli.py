"""`crm analytics clv`: fit BG/NBD and Gamma-Gamma on the orders in the database (default) or on a CSV file and
print one JSON object:

    crm analytics clv --transactions tx.csv --customer-col C --date-col D --amount-col A \
        --calibration-end 2026-06-30 [--time-unit weeks|days] [--horizon N] [--per-customer OUT.csv]

    {"customers": n, "bgnbd": {"r", "alpha", "a", "b", "log_likelihood"}, "gamma_gamma": {"p", "q", "v"}, …}

The models are fitted on the purchases up to the calibration end (default: the last purchase day). When there
are purchases after it, "holdout" compares predicted and actual repeat purchases. `--per-customer` writes each
customer's summary and figures. Warnings (a parameter at the limit of its range) go to stderr. Nothing is stored.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
from typing import IO, Any

import numpy as np
from django.core.management.base import CommandError

from crm.analytics.clv.analysis import ClvOptions, clv_fit, fit_summary, holdout_chart
from crm.analytics.clv.summary import holdout_purchases
from crm.analytics.core.transactions import Transactions, day_number


def clv_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--transactions", metavar="FILE.csv", help="read this CSV instead of the database")
    parser.add_argument("--customer-col", default="customer", help="the file's customer id column")
    parser.add_argument("--date-col", default="date", help="the file's purchase date column (YYYY-MM-DD)")
    parser.add_argument("--amount-col", default="amount", help="the file's amount column")
    parser.add_argument("--calibration-end", metavar="YYYY-MM-DD", help="fit on purchases up to this day")
    parser.add_argument("--time-unit", choices=["weeks", "days"], default="weeks")
    parser.add_argument(
        "--horizon",
        type=float,
        default=None,
        help="expected purchases and CLV over N time units (default: 52 weeks / 365 days)",
    )
    parser.add_argument(
        "--discount-rate", type=float, default=0.01, help="monthly discount rate of the CLV (default 0.01)"
    )
    parser.add_argument(
        "--per-customer", metavar="OUT.csv", help="write every customer's figures to this CSV"
    )


def _date(value: str) -> int:
    try:
        return day_number(dt.date.fromisoformat(value))
    except ValueError:
        raise CommandError(f"--calibration-end {value!r}: write the date as YYYY-MM-DD") from None


def clv_command(options: dict[str, Any], stdout: IO[str], stderr: Any) -> int:
    labels = None
    if options["transactions"]:
        from crm.analytics.core.transaction_files import transactions_from_file

        loaded = transactions_from_file(
            options["transactions"],
            customer_col=options["customer_col"],
            date_col=options["date_col"],
            amount_col=options["amount_col"],
        )
        labels = loaded.labels
        tx = Transactions(customer=loaded.customer, day=loaded.day, amount=loaded.amount)
    else:
        from crm.analytics.core.transactions import transactions_load

        tx = transactions_load()
    time_unit = options["time_unit"]
    horizon = (
        options["horizon"] if options["horizon"] is not None else (52.0 if time_unit == "weeks" else 365.0)
    )
    clv_options = ClvOptions(time_unit=time_unit, horizon=horizon, discount_rate=options["discount_rate"])
    last_day = int(tx.day.max()) if len(tx) else 0
    calibration_end = _date(options["calibration_end"]) if options["calibration_end"] else last_day
    fit = clv_fit(tx, calibration_end=calibration_end, options=clv_options)
    for warning in fit.warnings:
        stderr.write(f"warning: {warning}\n")
    out = fit_summary(fit)
    out.pop("warnings")
    out["bgnbd"] = {k: out["bgnbd"][k] for k in ("r", "alpha", "a", "b", "log_likelihood")}
    out["gamma_gamma"] = {k: out["gamma_gamma"][k] for k in ("p", "q", "v")}
    out["gamma_gamma_log_likelihood"] = fit.gamma_gamma.log_likelihood
    out["warnings"] = fit.warnings
    if last_day > calibration_end:
        out["holdout"] = holdout_chart(tx, fit=fit, observation_end=last_day, time_unit=time_unit)
    if options["per_customer"]:
        _write_per_customer(options["per_customer"], tx=tx, fit=fit, labels=labels)
    stdout.write(json.dumps(out, allow_nan=False) + "\n")
    return 0


def _write_per_customer(path: str, *, tx: Transactions, fit: Any, labels: np.ndarray | None) -> None:
    s, v = fit.summary, fit.values
    actual = holdout_purchases(tx, customers=s.customer, calibration_end=fit.calibration_end)
    ids = labels[s.customer] if labels is not None else s.customer
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "customer",
                    "frequency",
                    "recency",
                    "T",
                    "monetary_value",
                    "expected_purchases",
                    "p_alive",
                    "expected_order_value",
                    "clv",
                    "holdout_purchases",
                ]
            )
            for row in zip(
                ids.tolist(),
                s.frequency.tolist(),
                s.recency.tolist(),
                s.age.tolist(),
                s.monetary.tolist(),
                v.expected_purchases.tolist(),
                v.p_alive.tolist(),
                v.expected_order_value.tolist(),
                v.clv.tolist(),
                actual.tolist(),
                strict=True,
            ):
                writer.writerow([_cell(x) for x in row])
    except OSError as exc:
        raise CommandError(f"--per-customer {path}: {exc.strerror}") from None


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    text = str(value)
    # spreadsheet-safe: a cell that starts like a formula is escaped
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
