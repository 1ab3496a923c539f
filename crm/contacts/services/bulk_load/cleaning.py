"""One imported row at a time: normalise and check each value (the same rules as the forms and the API)."""

from __future__ import annotations

import re
from collections.abc import Callable
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


def _email_ok(text: str) -> bool:
    """`_validate_email` (Django's validate_email) without the exception on failure, with the verdict on each
    domain remembered (a file holds a million addresses but few domains)."""
    if not text or "@" not in text or len(text) > 320:
        return False
    user_part, domain_part = text.rsplit("@", 1)
    if not _validate_email.user_regex.match(user_part):
        return False
    known = _domains.get(domain_part)
    if known is None:
        known = domain_part in _validate_email.domain_allowlist or bool(
            _validate_email.validate_domain_part(domain_part)
        )
        if len(_domains) >= 10_000:
            _domains.clear()
        _domains[domain_part] = known
    return known


_domains: dict[str, bool] = {}


class _Invalid(Exception):  # a control-flow signal inside this module, never raised outside it
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages


def _too_long(limit: int, size: int) -> list[str]:
    return [
        _("Ensure this value has at most %(limit)d characters (it has %(show)d).")
        % {"limit": limit, "show": size}
    ]


def _converter(field: LoadField) -> Callable[[Any], Any]:
    """The function that turns one typed cell of `field` into its clean value (raises _Invalid): chosen once per
    field, so a row costs one call per cell instead of a walk through every kind."""
    kind = field.kind
    limit = field.max_length or 0
    if kind in {"text", "user", "ref"}:
        collapse = bool(field.max_length and field.max_length <= 200)
        lower = kind == "user"

        def text(value: Any) -> Any:
            out = " ".join(str(value).split()) if collapse else str(value).strip()
            if limit and len(out) > limit:
                raise _Invalid(_too_long(limit, len(out)))
            return out.lower() if lower else out

        return text
    if kind == "email":

        def email(value: Any) -> Any:
            out = str(value).strip().lower()
            if not _email_ok(out):
                raise _Invalid([_("“%(value)s” is not a valid email address.") % {"value": out[:100]}])
            return out

        return email
    if kind == "phone":

        def phone(value: Any) -> Any:
            try:
                return _phone(str(value))
            except ValueError as exc:
                raise _Invalid([str(exc)]) from None

        return phone
    if kind == "url":

        def url(value: Any) -> Any:
            out = str(value).strip()
            if "://" not in out:
                out = "https://" + out
            try:
                _url(out)
            except ValidationError:
                raise _Invalid([_("Enter a valid URL.")]) from None
            return out

        return url
    if kind == "choice":
        choices = frozenset(field.choices.values) if field.choices is not None else frozenset()

        def choice(value: Any) -> Any:
            if value not in choices:
                raise _Invalid([_("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(choices))}])
            return value

        return choice
    return _same  # date, bool: already typed by the reader


def _same(value: Any) -> Any:
    return value


def _converters(fields: tuple[LoadField, ...]) -> dict[str, Callable[[Any], Any]]:
    return {f.name: _converter(f) for f in fields}


def _clean(
    converters: dict[str, Callable[[Any], Any]], row: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in row.items():
        try:
            out[name] = converters[name](value)
        except _Invalid as exc:
            errors[name] = exc.messages
    return out, errors


CONTACT_RULES = _converters(CONTACT_LOAD_FIELDS)
ACCOUNT_RULES = _converters(ACCOUNT_LOAD_FIELDS)


def contact_load_clean(*, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One imported contact row: normalised values (emails lower-case, phones E.164) and per-field errors."""
    return _clean(CONTACT_RULES, row)


def account_load_clean(*, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    return _clean(ACCOUNT_RULES, row)


# --- the upsert ---------------------------------------------------------------------------------------------
