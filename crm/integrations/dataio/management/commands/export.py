"""`crm export contacts|accounts --format csv|xlsx [--output FILE]`: the whole list (or filtered) to a file.

crm export contacts --format xlsx --output contacts.xlsx --filter owner=3 --sort -updated_at
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from crm.core.errors import DomainError
from crm.integrations.dataio.management.commands._output import command_error, progress_line, user_for
from crm.integrations.dataio.services import export_write

OBJECTS = {"contacts": "contacts.contact", "accounts": "contacts.account"}


class Command(BaseCommand):
    help = "Export contacts or accounts as CSV or XLSX (streamed: constant memory)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("object", choices=list(OBJECTS))
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", metavar="FILE", help="write here (default: standard output, CSV only)"
        )
        parser.add_argument(
            "--user", metavar="EMAIL", help="export what this user may export (default: everything)"
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a list filter, as in the list's address (repeatable)",
        )
        parser.add_argument("--sort", default="", help="a sort key of the list, '-' first for descending")
        parser.add_argument(
            "--columns", default="", help="comma-separated column keys (default: every column)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_for(options["user"]) if options["user"] else None
        params = QueryDict(mutable=True)
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter {item!r}: write NAME=VALUE.")
            params.appendlist(name.strip(), value)
        if options["sort"]:
            params["sort"] = options["sort"]
        if options["columns"]:
            params["columns"] = options["columns"]
        output = options["output"]
        if options["format"] == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE.")
        try:
            if output:
                with open(output, "wb") as out:
                    rows = export_write(
                        user=user,
                        object_type=OBJECTS[options["object"]],
                        params=params,
                        file_format=options["format"],
                        out=out,
                        progress=lambda n: progress_line(self.stderr._out, n, None, "rows"),
                    )
            else:
                rows = export_write(
                    user=user,
                    object_type=OBJECTS[options["object"]],
                    params=params,
                    file_format="csv",
                    out=sys.stdout.buffer,
                )
        except DomainError as exc:
            raise command_error(exc) from None
        if getattr(self.stderr._out, "isatty", lambda: False)():
            self.stderr.write("")
        self.stderr.write(f"exported: {rows} rows" + (f" to {output}" if output else ""))
