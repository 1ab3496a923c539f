"""`crm purchases rebuild`: recompute the per-account purchase summary from the orders (existing data, bulk
loads)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.sales.services.purchases import account_purchases_rebuild


class Command(BaseCommand):
    help = "The per-account purchase summary: `rebuild` recomputes every row from the orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = account_purchases_rebuild()
        self.stdout.write(
            f"Rebuilt the purchase summary: {rows:,} rows in {time.perf_counter() - started:.1f} s."
        )
