"""Errors every domain raises; the edges (views, API, CLI) turn them into answers."""

from __future__ import annotations

import django.core.exceptions
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request. `message` is shown to the user; `code` is stable."""

    code = "domain_error"
    status = 400
    default_message = _("The request was refused.")

    def __init__(self, message: object = None, *, field_errors: dict[str, list[str]] | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.field_errors = field_errors or {}
        super().__init__(self.message)


class RecordNotFound(DomainError, Http404):
    """The record does not exist, or the user may not see it (both answer the same, 404)."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError, django.core.exceptions.PermissionDenied):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class InvalidInput(DomainError):
    """Validation failed; `field_errors` names each field and its problem."""

    code = "invalid"
    status = 422
    default_message = _("Some fields are not valid.")


class ConcurrentEdit(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this record in the meantime. Reload and try again.")


class RestoreConflict(DomainError):
    """A record cannot come back from the recycle bin: a live record took one of its unique values meanwhile."""

    code = "restore_conflict"
    status = 409
    default_message = _(
        "This record cannot be restored: another record already uses one of its unique values."
    )
