"""Field validation shared by the account and contact services (the UI, API, import and demo all pass here)."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput


def default_region() -> str:
    return getattr(settings, "CRM_DEFAULT_PHONE_REGION", "ES")


def phone_normalize(value: str) -> str:
    """A phone number in E.164 (+34911234567); raises ValueError when it cannot be a phone number."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, default_region())
    except phonenumbers.NumberParseException:
        raise ValueError(_("Enter a valid phone number, e.g. +34 912 345 678.")) from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(_("Enter a valid phone number, e.g. +34 912 345 678."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def clean_phones(data: dict[str, Any], fields: tuple[str, ...], errors: dict[str, list[str]]) -> None:
    for name in fields:
        if name not in data:
            continue
        try:
            data[name] = phone_normalize(data[name] or "")
        except ValueError as exc:
            errors[name] = [str(exc)]


def clean_list(
    data: dict[str, Any], name: str, kind: str, errors: dict[str, list[str]], limit: int = 20
) -> None:
    if name not in data:
        return
    raw = data[name] or []
    if isinstance(raw, str):
        raw = [p for p in raw.replace(",", "\n").splitlines()]
    items = [str(v).strip() for v in raw if str(v).strip()]
    if len(items) > limit:
        errors[name] = [_("Use at most %(n)s values.") % {"n": limit}]
        return
    out: list[str] = []
    for item in items:
        try:
            if kind == "email":
                validate_email(item)
                item = item.lower()
            else:
                item = phone_normalize(item)
        except ValidationError:
            errors[name] = [_("“%(value)s” is not a valid email address.") % {"value": item}]
            return
        except ValueError as exc:
            errors[name] = [str(exc)]
            return
        if item not in out:
            out.append(item)
    data[name] = out


def full_clean_or_raise(
    instance: models.Model, errors: dict[str, list[str]], exclude: tuple[str, ...] = ()
) -> None:
    """Model validation (lengths, choices, email, URL) merged with the errors found so far."""
    try:
        instance.full_clean(
            exclude=[*exclude, "owner", "parent", "primary_account", "full_name"], validate_unique=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name not in errors:
                errors[name] = [str(m) for m in messages]
    if errors:
        raise InvalidInput(field_errors=errors)


def reject_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
