"""`crm token create|list|revoke`: personal access tokens for the API.

`create` prints only the secret on stdout (so `TOKEN=$(crm token create --user me@example.com)` works); what
the token is and that it is shown only once goes to stderr.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from crm.core.audit.context import audit_context
from crm.core.errors import DomainError, RecordNotFound
from crm.core.identity import selectors, services
from crm.core.identity.management.commands._errors import command_error, database_error

if TYPE_CHECKING:
    from crm.core.identity.models import User


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"--expires-days must be a whole number of days, at least 1 (got {value!r}).")
    return number


class Command(BaseCommand):
    help = "Create, list and revoke API access tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="create a token and print its secret (shown only once)")
        create.add_argument("--user", required=True, metavar="EMAIL", help="the user the token acts as")
        create.add_argument("--name", default="cli", help="what the token is for (default: cli)")
        create.add_argument(
            "--scopes", default="read,write", help="comma-separated: read,write (default: both)"
        )
        create.add_argument("--expires-days", default=None, help="days until it expires (default: never)")
        listing = sub.add_parser("list", help="the user's live tokens")
        listing.add_argument("--user", required=True, metavar="EMAIL")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", help="the token id (see `crm token list`)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_context(source="system", reason="crm token"):
                getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise command_error(exc) from None
        except DatabaseError as exc:
            raise database_error(exc) from None

    def _user(self, email: str) -> User:
        user = selectors.user_get_by_email(email=email)
        if user is None:
            raise CommandError(f"No user with the email {email!r}.")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        if not scopes:
            raise CommandError("--scopes: give at least one of read, write.")
        expires_at: dt.datetime | None = None
        if options["expires_days"] is not None:
            expires_at = timezone.now() + dt.timedelta(days=_positive_int(options["expires_days"]))
        token, secret = services.token_create(
            actor=None, user=user, name=options["name"], scopes=scopes, expires_at=expires_at
        )
        self.stderr.write(
            f"Token #{token.pk} {token.name!r} for {user.email} (scopes: {','.join(token.scopes)}; "
            f"expires: {token.expires_at.isoformat() if token.expires_at else 'never'}). "
            "Store it now: it is not shown again."
        )
        self.stdout.write(secret)

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        tokens = list(selectors.token_list(user=user))
        if not tokens:
            self.stderr.write(f"{user.email} has no live tokens.")
            return
        self.stdout.write(
            f"{'ID':>6}  {'NAME':<24} {'PREFIX':<11} {'SCOPES':<11} {'CREATED':<17} {'LAST USED':<17} EXPIRES"
        )
        for t in tokens:
            self.stdout.write(
                f"{t.pk:>6}  {t.name[:24]:<24} {t.prefix:<11} {','.join(t.scopes):<11} {_when(t.created_at):<17} "
                f"{_when(t.last_used_at):<17} {_when(t.expires_at) if t.expires_at else 'never'}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        try:
            token_id = int(options["id"])
        except ValueError:
            raise CommandError(f"The token id must be a number (got {options['id']!r}).") from None
        try:
            services.token_revoke(actor=None, token_id=token_id)
        except RecordNotFound:
            raise CommandError(f"No live token with id {token_id}.") from None
        self.stderr.write(f"Token #{token_id} revoked.")


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
