"""`crm quotes expire`: sent quotes whose validity date has passed become expired (the worker runs it daily).
Safe to run any number of times.

crm quotes expire                    # today
crm quotes expire --date 2026-05-31
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.core.audit.context import audit_context
from crm.sales.services.quote_expiry import quotes_expire


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "Quotes: the daily expiry (sent quotes past their validity date become expired)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{expire}")
        expire = sub.add_parser("expire", help="mark the sent quotes past their validity date as expired")
        expire.add_argument("--date", type=_day, default=None, help="the day to run for (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(source="job"):
            run = quotes_expire(today=options.get("date"))
        self.stdout.write(f"Quote expiry for {run.day.isoformat()}:")
        self.stdout.write(
            f"  expired: {len(run.expired)}" + (f" ({', '.join(run.expired)})" if run.expired else "")
        )
