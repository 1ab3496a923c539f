"""`crm territories rematch`: match every account's primary address against the territories again, now, in this
process (the job the territory screens queue does the same). Progress on stderr, the summary on stdout.

crm territories rematch [--batch 2000]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crm.contacts.models import TerritoryRematch
from crm.contacts.services.territories import territory_rematch_now
from crm.core.audit.context import audit_context
from crm.core.errors import DomainError
from crm.core.identity.management.commands._errors import command_error, database_error


def _batch(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--batch must be a whole number (got {value!r}).") from None
    if not 1 <= number <= 50_000:
        raise CommandError("--batch must be between 1 and 50000.")
    return number


class Command(BaseCommand):
    help = "Match every account's primary address against the territories again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{rematch}")
        rematch = sub.add_parser("rematch", help="re-match every account now (progress on stderr)")
        rematch.add_argument("--batch", type=_batch, default=2000, help="accounts per batch (2000)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_context(source="system", reason="crm territories rematch"):
                run = territory_rematch_now(
                    reason="crm territories rematch", batch=options["batch"], progress=self._progress
                )
        except DomainError as exc:
            raise command_error(exc) from None
        except DatabaseError as exc:
            raise database_error(exc) from None
        self.stdout.write(
            f"{run.status}: {run.seen} accounts matched, {run.changed} changed territory (run {run.pk})."
        )

    def _progress(self, run: TerritoryRematch) -> None:
        self.stderr.write(f"{run.percent:3d}%  {run.seen} accounts, {run.changed} changed")
