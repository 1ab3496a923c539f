"""One imported row at a time: normalise and check each value (the same rules as the forms and the API)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from crm.contacts.services.bulk_load.fields import ACCOUNT_LOAD_FIELDS, CONTACT_LOAD_FIELDS
from crm.contacts.services.validation import phone_normalize
from crm.core.loading import LoadField

_url = URLValidator()


def _eager_email_validator() -> EmailValidator:
    """Django's email validator (validate_email), with its regexes compiled now instead of behind lazy objects
    (the lazy proxy costs more than the match when a million addresses are checked)."""
    validator = EmailValidator()
    for name in ("user_regex", "domain_regex", "literal_regex"):
        lazy = getattr(EmailValidator, name)
        setattr(validator, name, re.compile(lazy.pattern, lazy.flags))
    return validator


_validate_email = _eager_email_validator()
_SEPARATORS = str.maketrans("", "", " .-()/\u00a0")
_E164 = re.compile(r"^\+[1-9]\d{6,16}$")


@cache
def _possible_lengths(country_code: int) -> frozenset[int] | None:
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None or metadata.general_desc is None:
        return None
    lengths = set(metadata.general_desc.possible_length or ()) | set(
        metadata.general_desc.possible_length_local_only or ()
    )
    return frozenset(lengths) or None


def _phone(text: str) -> str:
    """phone_normalize, with a fast path for numbers already written in international form (+34 612 345 678):
    the country code and the number's length checked against the same phonenumbers metadata that
    `is_possible_number` uses. Anything else goes through phonenumbers.parse."""
    compact = text.strip().translate(_SEPARATORS)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _E164.match(compact):
        digits = compact[1:]
        for size in (1, 2, 3):
            code = int(digits[:size])
            if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                lengths = _possible_lengths(code)
                if lengths is not None and len(digits) - size in lengths and digits[size] != "0":
                    return compact
                break
    return phone_normalize(text)


@dataclass(frozen=True)
class _Rule:
    kind: str
    max_length: int
    collapse: bool
    choices: frozenset[str]


def _rules(fields: tuple[LoadField, ...]) -> dict[str, _Rule]:
    return {
        f.name: _Rule(
            kind=f.kind,
            max_length=f.max_length or 0,
            collapse=bool(f.max_length and f.max_length <= 200),
            choices=frozenset(f.choices.values) if f.choices is not None else frozenset(),
        )
        for f in fields
    }


def _too_long(limit: int, size: int) -> list[str]:
    return [
        _("Ensure this value has at most %(limit)d characters (it has %(show)d).")
        % {"limit": limit, "show": size}
    ]


def _clean(rules: dict[str, _Rule], row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in row.items():
        rule = rules[name]
        kind = rule.kind
        if kind == "text" or kind == "user" or kind == "ref":
            text = " ".join(str(value).split()) if rule.collapse else str(value).strip()
            if rule.max_length and len(text) > rule.max_length:
                errors[name] = _too_long(rule.max_length, len(text))
                continue
            out[name] = text.lower() if kind == "user" else text
        elif kind == "email":
            text = str(value).strip().lower()
            try:
                _validate_email(text)
            except ValidationError:
                errors[name] = [_("“%(value)s” is not a valid email address.") % {"value": text[:100]}]
                continue
            out[name] = text
        elif kind == "phone":
            try:
                out[name] = _phone(str(value))
            except ValueError as exc:
                errors[name] = [str(exc)]
        elif kind == "url":
            text = str(value).strip()
            if "://" not in text:
                text = "https://" + text
            try:
                _url(text)
            except ValidationError:
                errors[name] = [_("Enter a valid URL.")]
                continue
            out[name] = text
        elif kind == "choice":
            if value not in rule.choices:
                errors[name] = [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(rule.choices))}
                ]
                continue
            out[name] = value
        else:  # date, bool: already typed by the reader
            out[name] = value
    return out, errors


CONTACT_RULES = _rules(CONTACT_LOAD_FIELDS)
ACCOUNT_RULES = _rules(ACCOUNT_LOAD_FIELDS)


def contact_load_clean(*, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One imported contact row: normalised values (emails lower-case, phones E.164) and per-field errors."""
    return _clean(CONTACT_RULES, row)


def account_load_clean(*, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    return _clean(ACCOUNT_RULES, row)


# --- the upsert ---------------------------------------------------------------------------------------------
