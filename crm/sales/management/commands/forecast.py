"""`crm forecast rebuild`: recompute the forecast's summary from the opportunities (existing data, bulk loads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.sales.services.forecast import forecast_summary_rebuild


class Command(BaseCommand):
    help = "The forecast's summary: `rebuild` recomputes every cell from the opportunities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        cells = forecast_summary_rebuild()
        self.stdout.write(f"Rebuilt the forecast summary: {cells:,} cells.")
