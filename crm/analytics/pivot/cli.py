"""`crm analytics pivot …` (compute a pivot, print CSV or JSON) and `crm analytics report run ID`."""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from django.core.management.base import CommandError

from crm.analytics.pivot.definition import filters_parse
from crm.analytics.pivot.export import csv_stream, result_json
from crm.analytics.pivot.selectors import pivot_compute
from crm.core.errors import InvalidInput


def pivot_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--object",
        required=True,
        help="opportunities, orders, invoice_lines, payments, activities, accounts, contacts, leads",
    )
    parser.add_argument(
        "--rows",
        required=True,
        help="dimensions, comma-separated (a date takes :day|week|month|quarter|year)",
    )
    parser.add_argument("--columns", default="", help="one dimension")
    parser.add_argument(
        "--measure",
        default="count",
        help="count | sum:FIELD | avg:FIELD | min:FIELD | max:FIELD | distinct:FIELD",
    )
    parser.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE", help="a list filter")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--user", default="", help="compute as this user (email); default: every record")


class _System:
    """The operator at the console: reads every record (like the other `crm` data commands)."""

    pk = None
    team_id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    language = ""


def _user(email: str) -> Any:
    if not email:
        return _System()
    from crm.core.identity.selectors import user_get_by_email

    user = user_get_by_email(email=email)
    if user is None:
        raise CommandError(f"no user {email}")
    return user


def _print(result: Any, fmt: str, stdout: IO[str]) -> None:
    if fmt == "json":
        stdout.write(json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in csv_stream(result):
            stdout.write(line)


def _errors(exc: InvalidInput) -> CommandError:
    detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items()) or exc.message
    return CommandError(detail)


def pivot_command(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> int:
    try:
        data = {
            "object": options["object"],
            "rows": options["rows"],
            "columns": options["columns"],
            "measure": options["measure"],
            "filters": filters_parse(options["filter"]),
        }
        result = pivot_compute(user=_user(options["user"]), data=data)
    except InvalidInput as exc:
        raise _errors(exc) from None
    _print(result, options["format"], stdout)
    return 0


def report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["run"])
    parser.add_argument("id", type=int, help="the saved report")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")


def report_command(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> int:
    from crm.analytics.pivot.models import SavedReport

    report = SavedReport.objects.filter(pk=options["id"]).select_related("owner").first()
    if report is None:
        raise CommandError(f"no saved report {options['id']}")
    try:
        result = pivot_compute(user=report.owner, data=report.definition)  # as its owner sees it
    except InvalidInput as exc:
        raise _errors(exc) from None
    _print(result, options["format"], stdout)
    return 0
