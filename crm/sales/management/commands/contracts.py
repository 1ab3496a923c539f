"""`crm contracts run [--today YYYY-MM-DD]`: draft the contract invoices due, open the renewals due, and end
the contracts past their end date (what the daily job does), printing what it did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crm.core.audit.context import audit_context
from crm.sales.services.contract_renewals import contracts_daily_run


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "Contracts: draft the invoices due, open the renewals due, expire or renew ended contracts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{run}")
        run = sub.add_parser("run", help="what the daily job does")
        run.add_argument("--today", type=_day, default=None, help="the day to run as (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("today") or timezone.localdate()
        with audit_context(actor=None, source="job"):
            billing, renewals = contracts_daily_run(today=today)
        out = self.stdout
        out.write(f"Contracts run for {today.isoformat()}")
        for invoice in billing.invoices:
            contract = invoice.contract
            number = contract.number if contract is not None else "?"
            out.write(
                f"  invoice drafted for {number}: {invoice.lines.count()} line(s), "
                f"{invoice.total} {invoice.currency}"
            )
        for number, opportunity_id in renewals.opened:
            out.write(f"  renewal opened for {number}: opportunity #{opportunity_id}")
        for number in renewals.expired:
            out.write(f"  expired {number}")
        for old, new in renewals.renewed:
            out.write(f"  renewed {old} as {new}")
        for number, why in renewals.failed:
            self.stderr.write(f"  renewal not opened for {number}: {why}")
        out.write(
            f"{billing.count} invoice(s) drafted, {len(renewals.opened)} renewal(s) opened, "
            f"{len(renewals.expired)} expired, {len(renewals.renewed)} renewed"
        )
