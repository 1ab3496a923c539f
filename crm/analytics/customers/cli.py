"""`crm analytics rfm|pareto|cohorts`: the analysis as one JSON object on stdout, from the database (the orders
that stand) or from a transactions file (`--transactions FILE.csv`). Nothing is stored (`crm analytics refresh
KIND` stores)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from crm.analytics.core.customer_totals import CustomerTotals, customer_totals_load
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, transactions_load
from crm.analytics.customers.reports import cohorts_report, pareto_report, rfm_cutoffs, rfm_report
from crm.analytics.customers.services import DEFAULT_COMPARE_MONTHS, param_as_of, param_number


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--transactions", metavar="FILE.csv", help="read this CSV file instead of the database"
    )
    parser.add_argument("--customer-col", default="customer", help="the file's customer id column")
    parser.add_argument("--date-col", default="date", help="the file's purchase date column (YYYY-MM-DD)")
    parser.add_argument("--amount-col", default="amount", help="the file's amount column")
    parser.add_argument(
        "--measure",
        choices=["revenue", "margin"],
        default="revenue",
        help="pareto: rank customers by revenue (default) or by margin (net − cost)",
    )
    parser.add_argument(
        "--cost-col",
        help="pareto --measure margin with --transactions: the file's cost column (margin = amount − cost)",
    )
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="the day the analysis looks from (default today)"
    )
    parser.add_argument(
        "--compare-months", type=int, default=DEFAULT_COMPARE_MONTHS, help="rfm: movement since N months ago"
    )
    parser.add_argument(
        "--a-percent", type=float, default=80, help="pareto: class A up to this revenue share"
    )
    parser.add_argument(
        "--b-percent", type=float, default=95, help="pareto: class B up to this revenue share"
    )
    parser.add_argument("--top", type=float, action="append", default=[], help="pareto: also the top X %%")


def _transactions(options: dict[str, Any], *, measure: str = "revenue") -> Transactions:
    path = options.get("transactions")
    if not path:
        as_of = param_as_of({"as_of": options.get("as_of")})
        return transactions_load(until=as_of, measure=measure)
    if measure == "margin":
        return _margin_from_file(options)
    try:
        from crm.analytics.core.transaction_files import transactions_from_file  # type: ignore[import-not-found]
    except ImportError:
        raise CommandError(
            "reading --transactions files needs crm.analytics.core.transaction_files"
        ) from None
    return transactions_from_file(  # type: ignore[no-any-return]
        path,
        customer_col=options["customer_col"],
        date_col=options["date_col"],
        amount_col=options["amount_col"],
    )


def _margin_from_file(options: dict[str, Any]) -> Transactions:
    """Margins from a file: the amount column less the cost column, row by row. Each column is read and checked
    on its own (a non-numeric or negative cost is named by its line and column); the rows come out in the same
    order both times."""
    cost_col = options.get("cost_col")
    if not cost_col:
        raise AnalyticsError(
            _("--measure margin with --transactions needs --cost-col: the file's cost column.")
        )
    revenue = _transactions({**options, "cost_col": None})
    cost = _transactions({**options, "amount_col": cost_col, "cost_col": None})
    if not (np.array_equal(revenue.customer, cost.customer) and np.array_equal(revenue.day, cost.day)):
        raise AnalyticsError(_("The file changed while it was read; run the command again."))
    return Transactions(customer=revenue.customer, day=revenue.day, amount=revenue.amount - cost.amount)


def _print(stdout: Any, report: dict[str, Any]) -> int:
    stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    return 0


def rfm_command(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    as_of = param_as_of({"as_of": options.get("as_of")})
    months = int(
        param_number(
            {"--compare-months": options["compare_months"]},
            "--compare-months",
            DEFAULT_COMPARE_MONTHS,
            low=1,
            high=60,
        )
    )
    source: Transactions | CustomerTotals
    if options.get("transactions"):
        source = _transactions(options)
    else:  # the database groups the orders per customer itself
        source = customer_totals_load(cutoffs=rfm_cutoffs(as_of=as_of, compare_months=months))
    report, _scores = rfm_report(source, as_of=as_of, compare_months=months)
    return _print(stdout, report)


def pareto_command(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    from crm.analytics.customers.pareto import top_share

    as_of = param_as_of({"as_of": options.get("as_of")})
    a = param_number({"--a-percent": options["a_percent"]}, "--a-percent", 80, low=1, high=99) / 100
    b = param_number({"--b-percent": options["b_percent"]}, "--b-percent", 95, low=1, high=99.9) / 100
    measure = options.get("measure") or "revenue"
    if options.get("cost_col") and measure != "margin":
        raise AnalyticsError(_("--cost-col is for --measure margin."))
    tx = _transactions(options, measure=measure)
    report, result = pareto_report(tx, as_of=as_of, a_share=a, b_share=b, measure=measure)
    for percent in options.get("top") or []:
        value = param_number({"--top": percent}, "--top", 20, low=0.01, high=100)
        report["top"].append(top_share(result, value, key=measure))
    return _print(stdout, report)


def cohorts_command(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    as_of = param_as_of({"as_of": options.get("as_of")})
    report, _table, _ids = cohorts_report(_transactions(options), as_of=as_of)
    return _print(stdout, report)


handlers: dict[str, Callable[[dict[str, Any], Any, Any], int]] = {
    "rfm": rfm_command,
    "pareto": pareto_command,
    "cohorts": cohorts_command,
}
