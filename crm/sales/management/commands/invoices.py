"""`crm invoices overdue`: flag issued and partially paid invoices past their due date as overdue, and queue
the payment reminders that are due (at most one per CRM_INVOICE_REMINDER_DAYS). Safe to run twice a day.

crm invoices overdue                 # today
crm invoices overdue --date 2026-05-31
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.core.audit.context import audit_context
from crm.sales.services.invoice_reminders import invoices_overdue_run


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "Invoices: the daily overdue run (flags overdue invoices, queues payment reminders)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{overdue}")
        overdue = sub.add_parser("overdue", help="flag overdue invoices and queue the reminders that are due")
        overdue.add_argument("--date", type=_day, default=None, help="the day to run for (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(source="job"):
            run = invoices_overdue_run(today=options.get("date"))
        out = self.stdout
        out.write(f"Overdue run for {run.day.isoformat()}:")
        out.write(
            f"  flagged overdue: {len(run.flagged)}" + (f" ({', '.join(run.flagged)})" if run.flagged else "")
        )
        out.write(
            f"  reminders queued: {len(run.reminded)}"
            + (f" ({', '.join(run.reminded)})" if run.reminded else "")
        )
        if run.without_email:
            out.write(
                f"  no email address to remind: {len(run.without_email)} ({', '.join(run.without_email)})"
            )
