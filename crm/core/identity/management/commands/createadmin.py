"""`crm createadmin --email E --password P [--name N]`: the first administrator, without the web UI.

Non-interactive when both --email and --password are given (or CRM_ADMIN_PASSWORD is set); otherwise it
asks on the terminal. An email that already has a user is refused and nothing changes.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crm.core.audit.context import audit_context
from crm.core.errors import DomainError
from crm.core.identity import selectors, services
from crm.core.identity.enums import RoleKey
from crm.core.identity.management.commands._errors import command_error, database_error


class Command(BaseCommand):
    help = "Create an administrator (a superuser with the Administrator role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="", help="the login email")
        parser.add_argument(
            "--password", default="", help="the password (or set CRM_ADMIN_PASSWORD; asked for when missing)"
        )
        parser.add_argument("--name", default="", help="full name (default: Administrator)")

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"].strip()
        password: str = options["password"] or os.environ.get("CRM_ADMIN_PASSWORD", "")
        name: str = options["name"].strip()
        interactive = sys.stdin.isatty()

        if not email:
            if not interactive:
                raise CommandError("--email is required (no terminal to ask on).")
            email = input("Email: ").strip()
        if not name and interactive and not (options["email"] and password):
            name = input("Full name [Administrator]: ").strip()
        if not password:
            if not interactive:
                raise CommandError("--password is required (no terminal to ask on).")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords do not match.")

        try:
            role = selectors.role_get_by_key(key=RoleKey.ADMINISTRATOR.value)
            if role is None:
                raise CommandError("The Administrator role is missing. Run `crm migrate` first.")
            with audit_context(source="system", reason="crm createadmin"):
                user = services.user_create(
                    actor=None,
                    email=email,
                    full_name=name or "Administrator",
                    password=password,
                    role=role,
                    is_superuser=True,
                )
        except DomainError as exc:
            raise command_error(exc) from None
        except DatabaseError as exc:
            raise database_error(exc) from None
        self.stdout.write(f"Administrator {user.email} created. Sign in at /.")
