"""`crm assets expire`: mark the assets whose warranty ended as expired (what the daily job does).

crm assets expire                    # as of today
crm assets expire --date 2027-01-31  # as of another day
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crm.core.audit.context import audit_context
from crm.core.identity.management.commands._errors import database_error
from crm.sales.services.assets import assets_expire


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "The installed base: mark assets whose warranty ended as expired."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{expire}")
        expire = sub.add_parser("expire", help="mark assets whose warranty ended before the day as expired")
        expire.add_argument(
            "--date", type=_day, default=None, help="the day to check against (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_context(source="system", reason="crm assets expire"):
                count = assets_expire(today=options["date"])
        except DatabaseError as exc:
            raise database_error(exc) from None
        self.stdout.write(f"{count} asset(s) marked expired.")
