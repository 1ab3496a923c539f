"""Turns domain errors into the one-paragraph messages the `crm` commands print (never a traceback)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError

from crm.core.errors import DomainError


def command_error(exc: DomainError) -> CommandError:
    """`InvalidInput` with field errors becomes one line per field: `email: Enter a valid email address.`"""
    if exc.field_errors:
        lines = [
            f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in exc.field_errors.items()
        ]
        return CommandError("\n".join(lines))
    return CommandError(exc.message)


def database_error(exc: DatabaseError) -> CommandError:
    return CommandError(f"The database is not ready ({exc}). Run `crm migrate` first.")
