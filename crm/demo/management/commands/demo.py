from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from crm.demo.services import DEMO_PASSWORD, DEMO_USERS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the bilingual demo data set (users in every role, accounts, contacts, activities, leads)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo is already loaded."
        )
        parser.add_argument("--accounts", type=int, default=200)
        parser.add_argument("--contacts", type=int, default=600)
        parser.add_argument("--activities", type=int, default=3000)
        parser.add_argument("--leads", type=int, default=150)
        parser.add_argument("--opportunities", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            raise CommandError("Demo data is already loaded (admin@demo.crm exists).")
        started = time.monotonic()
        counts = demo_load(
            accounts=options["accounts"],
            contacts=options["contacts"],
            activities=options["activities"],
            leads=options["leads"],
            opportunities=options["opportunities"],
            seed=options["seed"],
            progress=lambda msg: self.stdout.write(f"  … {msg}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {time.monotonic() - started:.0f}s: {counts['accounts']} accounts, "
                f"{counts['contacts']} contacts, {counts['activities']} activities, {counts['products']} products, "
                f"{counts['leads']} leads, {counts['opportunities']} opportunities, {counts['users']} users."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for u in DEMO_USERS:
            self.stdout.write(f"  {u.email:<24} {u.role:<14} {u.name}")
