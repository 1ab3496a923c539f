"""`crm lifecycle rebuild`: recompute every deal's lifecycle row from the documents (existing data, the demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.sales.services.lifecycle import REBUILD_CHUNK, lifecycle_rebuild


class Command(BaseCommand):
    help = "The deals' lifecycle table: `rebuild` recomputes every row from the sales documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--chunk", type=int, default=REBUILD_CHUNK, help="opportunities per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        chunk = max(1, int(options["chunk"]))

        def progress(done: int) -> None:
            self.stderr.write(f"\r{done:,} deals", ending="")
            self.stderr.flush()

        total = lifecycle_rebuild(chunk=chunk, progress=progress)
        self.stderr.write("")
        self.stdout.write(f"Rebuilt the lifecycle of {total:,} deals.")
