"""Validation shared by the catalog's services (the UI, API and demo data all pass here)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from crm.catalog.money import decimal_parse
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_is_admin


def require_admin(actor: Any) -> None:
    """Currencies, exchange rates and taxes are settings: administrators only (None: the system)."""
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()


def reject_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})


def clean_text(data: dict[str, Any], name: str, errors: dict[str, list[str]], *, required: bool) -> None:
    """Collapse whitespace; a required field left blank is an error."""
    if name not in data:
        return
    data[name] = " ".join(str(data[name] or "").split())
    if required and not data[name]:
        errors[name] = [_("This field is required.")]


def clean_decimal(
    data: dict[str, Any],
    name: str,
    errors: dict[str, list[str]],
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    above_zero: bool = False,
) -> None:
    """A Decimal (never a float) within bounds, or a field error saying what is wrong."""
    if name not in data:
        return
    value = decimal_parse(data[name])
    if value is None:
        errors[name] = [_("Enter a number, e.g. 12.50.")]
        return
    if above_zero and value <= 0:
        errors[name] = [_("Enter a number greater than zero.")]
    elif minimum is not None and value < minimum:
        if minimum == 0:
            errors[name] = [_("Enter a number that is not negative.")]
        else:
            errors[name] = [_("Enter a number of at least %(min)s.") % {"min": minimum}]
    elif maximum is not None and value > maximum:
        errors[name] = [_("Enter a number of at most %(max)s.") % {"max": maximum}]
    data[name] = value


def full_clean_or_raise(
    instance: models.Model, errors: dict[str, list[str]], exclude: tuple[str, ...] = ()
) -> None:
    """Model validation (lengths, choices, digits) merged with the errors found so far; raise if any."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name not in errors:
                errors[name] = [str(m) for m in messages]
    if errors:
        raise InvalidInput(field_errors=errors)


@contextlib.contextmanager
def unique_or_field_error(field: str, message: str) -> Iterator[None]:
    """The unique constraint is the backstop of the services' checks: a concurrent insert that wins the race
    still answers with a field error, and the caller's transaction stays usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise InvalidInput(field_errors={field: [message]}) from None
