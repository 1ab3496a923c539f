"""crm analytics <subcommand> …: the analytics command line (subcommands registered by the analytics modules)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.analytics.core.commands import analytics_commands
from crm.core.errors import DomainError


class Command(BaseCommand):
    help = "Customer analytics and analysis refreshes: crm analytics <subcommand> --help"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="subcommand")
        subparsers.required = True
        for command in analytics_commands():
            sub = subparsers.add_parser(command.name, help=str(command.help), description=str(command.help))
            command.arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        command = next(c for c in analytics_commands() if c.name == name)
        try:
            status = command.handle(options, self.stdout, self.stderr)
        except DomainError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.field_errors.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        if status:
            raise CommandError(f"crm analytics {name} failed", returncode=status)
