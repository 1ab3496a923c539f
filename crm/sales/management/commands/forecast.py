"""`crm forecast rebuild`: recompute the forecast's summary and the opportunity cube from the opportunities
(existing data, bulk loads); `--only forecast` or `--only cube` rebuilds one of them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.sales.services.forecast import forecast_summary_rebuild
from crm.sales.services.opportunity_cube import opportunity_cube_rebuild


class Command(BaseCommand):
    help = (
        "The opportunities' summaries: `rebuild` recomputes every cell of the forecast summary and of the "
        "opportunity cube (the pivot's) from the opportunities."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--only", choices=["forecast", "cube"], help="rebuild only this summary")

    def handle(self, *args: Any, **options: Any) -> None:
        only = options.get("only")
        if only in (None, "forecast"):
            started = time.perf_counter()
            cells = forecast_summary_rebuild()
            seconds = time.perf_counter() - started
            self.stdout.write(f"Rebuilt the forecast summary: {cells:,} cells in {seconds:.1f}s.")
        if only in (None, "cube"):
            started = time.perf_counter()
            cells = opportunity_cube_rebuild()
            seconds = time.perf_counter() - started
            self.stdout.write(f"Rebuilt the opportunity cube: {cells:,} cells in {seconds:.1f}s.")
