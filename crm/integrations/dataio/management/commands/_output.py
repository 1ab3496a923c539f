"""Shared by `crm import` and `crm export`: domain errors as one-line messages, a progress line on a TTY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from crm.core.errors import DomainError


def command_error(exc: DomainError) -> CommandError:
    if exc.field_errors:
        return CommandError(
            "\n".join(
                f"{field}: {' '.join(str(m) for m in messages)}"
                for field, messages in exc.field_errors.items()
            )
        )
    return CommandError(exc.message)


def progress_line(stream: Any, done: int, total: int | None, noun: str) -> None:
    """`\\r12,000 / 1,000,000 rows (1%)` on a terminal; nothing when the output is a file or a pipe."""
    if not getattr(stream, "isatty", lambda: False)():
        return
    if total:
        stream.write(f"\r{done:,} / {total:,} {noun} ({done * 100 // max(total, 1)}%)")
    else:
        stream.write(f"\r{done:,} {noun}")
    stream.flush()


def user_for(email: str | None) -> Any:
    from crm.core.identity.selectors import user_list

    users = user_list(is_active=True)
    if email:
        user = users.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No active user with the email {email!r}.")
        return user
    user = users.filter(is_superuser=True).order_by("id").first()
    if user is None:
        raise CommandError("Give --user EMAIL: the user the records are imported as (their default owner).")
    return user
