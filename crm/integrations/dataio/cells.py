"""Turning spreadsheet cells into typed values: Spanish and English dates, numbers, yes/no, choice labels."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from crm.core.loading import LoadField

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x", "sí", "si", "s", "verdadero", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "falso", "f"})
_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class CellError(ValueError):
    pass


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case, no accents, single spaces: how headers and labels are compared."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def date_parse(text: str, *, date_order: str) -> dt.datetime | dt.date:
    """31/12/2026 (dmy) · 12/31/2026 (mdy) · 2026-12-31 (always) · optional time 14:30[:00]."""
    match = _DATE.match(text.strip())
    if not match:
        raise CellError(
            _("“%(value)s” is not a date (e.g. %(example)s).")
            % {"value": text[:40], "example": _example(date_order)}
        )
    a, b, c, hh, mm, ss = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        first, second, year = int(a), int(b), int(c)
        if len(c) == 2:
            year += 2000 if year < 70 else 1900
        day, month = (first, second) if date_order == "dmy" else (second, first)
    try:
        if hh is not None:
            return dt.datetime(year, month, day, int(hh), int(mm), int(ss or 0))
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date (e.g. %(example)s).")
            % {"value": text[:40], "example": _example(date_order)}
        ) from None


def _example(date_order: str) -> str:
    return "31/12/2026" if date_order == "dmy" else "12/31/2026"


def number_parse(text: str, *, decimal: str) -> Decimal:
    """1.234,56 (decimal comma) or 1,234.56 (decimal point); spaces and currency signs are ignored."""
    cleaned = re.sub(r"[\s€$£\u00a0']", "", text)
    cleaned = cleaned.replace(".", "").replace(",", ".") if decimal == "," else cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text[:40]}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text[:40]})
    return value


@lru_cache(maxsize=256)
def bool_parse(text: str) -> bool:
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not yes or no.") % {"value": text[:40]})


@lru_cache(maxsize=64)
def _choice_map(choices: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in ("en", "es"):
        with translation.override(lang):
            for value, label in choices.choices:
                out[fold(str(label))] = value
    for value in choices.values:
        out[fold(value)] = value
    return out


@lru_cache(maxsize=1024)
def choice_parse(text: str, choices: Any) -> str:
    found = _choice_map(choices).get(fold(text))
    if found is None:
        labels = ", ".join(str(label) for _v, label in choices.choices)
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": text[:40], "choices": labels}
        )
    return found


def cell_value(raw: Any, field: LoadField, *, date_order: str, decimal: str) -> Any:
    """The value of one non-empty cell for `field` (a str, date, datetime, bool or int); raises CellError."""
    kind = field.kind
    if isinstance(raw, dt.datetime | dt.date):  # XLSX cells come typed
        if kind == "date":
            return raw.date() if isinstance(raw, dt.datetime) else raw
        if kind == "datetime":
            return raw if isinstance(raw, dt.datetime) else dt.datetime.combine(raw, dt.time(9, 0))
        raw = raw.isoformat()
    if isinstance(raw, bool) and kind == "bool":
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if kind == "int":
            if raw != int(raw):
                raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
            return int(raw)
        if kind == "bool":
            return bool(raw)
        raw = str(int(raw)) if raw == int(raw) else str(raw)
    text = str(raw)
    if kind in {"text", "email", "phone", "url", "user", "ref"}:
        return text
    if kind == "date":
        value = date_parse(text, date_order=date_order)
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "datetime":
        value = date_parse(text, date_order=date_order)
        return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(9, 0))
    if kind == "bool":
        return bool_parse(text)
    if kind == "int":
        number = number_parse(text, decimal=decimal)
        if number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": text[:40]})
        return int(number)
    if kind == "choice":
        return choice_parse(text, field.choices)
    raise CellError(text)
