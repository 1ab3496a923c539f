"""Locale-aware formatting of money, numbers and dates for the active Django language.

Used by the ``crm_ui`` template tags; usable from views and exports too.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel import numbers as babel_numbers
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.utils import timezone, translation
from django.utils.dateformat import DateFormat, TimeFormat
from django.utils.formats import get_format
from django.utils.html import avoid_wrapping
from django.utils.timesince import timesince
from django.utils.translation import gettext

EMPTY = "—"


def babel_locale() -> str:
    """The Babel locale for the active language ("es", "en", "pt_BR")."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_money(value: Any, currency: str | None = None) -> str:
    """``1234.56, "EUR"`` → ``€1,234.56`` (en) / ``1.234,56 €`` (es). None → "—"."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    code = (currency or getattr(settings, "DEFAULT_CURRENCY", "EUR") or "EUR").upper()
    try:
        return babel_numbers.format_currency(amount, code, locale=babel_locale())
    except (babel_numbers.UnknownCurrencyError, ValueError):
        return f"{babel_numbers.format_decimal(amount, locale=babel_locale())} {code}"


def format_number(value: Any, decimals: int | None = None) -> str:
    """``12345`` → ``12,345`` (en) / ``12.345`` (es). ``decimals`` fixes the number of fraction digits."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    if decimals is None:
        return babel_numbers.format_decimal(number, locale=babel_locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=babel_locale())


def format_percent(value: Any, decimals: int = 0) -> str:
    """``0.256`` → ``26%`` (en) / ``26 %`` (es)."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    locale = Locale.parse(babel_locale())
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (decimals, decimals)
    return babel_numbers.format_percent(number, format=pattern, locale=locale)


def _as_local(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


# The relative phrases are built from Django's own humanize strings, but each translated template is looked up
# once per (language, unit, count) instead of through lazy proxies on every call: a list draws 50 of these.
_UNITS = ("year", "month", "week", "day", "hour", "minute")
_UNIT_MARKERS = {unit: unit + " %(num)d" for unit in _UNITS}
_PHRASES: dict[tuple[str, str, str, int], str] = {}
_EXACT_FORMATS: dict[tuple[str, str], list[tuple[bool, str]]] = {}
_FORMAT_PIECE = re.compile(r"(?<!\\)([a-zA-Z])")


def _phrase(kind: str, unit: str, count: int) -> str:
    """One translated relative phrase ("3 days ago", "in 2 hours"), memoised per language."""
    key = (translation.get_language() or "", kind, unit, count)
    phrase = _PHRASES.get(key)
    if phrase is None:
        strings = NaturalTimeFormatter.time_strings
        if kind in {"past-day", "future-day"}:
            substrings = (
                NaturalTimeFormatter.past_substrings
                if kind == "past-day"
                else NaturalTimeFormatter.future_substrings
            )
            delta = avoid_wrapping(str(substrings[unit] % {"num": count}))
            phrase = str(strings[kind]) % {"delta": delta}
        else:
            phrase = str(strings[kind] % {"count": count})
        if len(_PHRASES) < 10_000:
            _PHRASES[key] = phrase
    return phrase


def _first_unit(d: dt.datetime, now: dt.datetime) -> tuple[str, int]:
    """The largest non-zero calendar unit between d and now (d before now), as Django's timesince(depth=1)."""
    marker = timesince(d, now, time_strings=_UNIT_MARKERS, depth=1)
    unit, _, count = marker.replace("\xa0", " ").partition(" ")
    return unit, int(count)


def _compiled_format(fmt: str) -> list[tuple[bool, str]]:
    """A Django date format split once into (is_code, text) pieces (what `dateformat.format` splits per call)."""
    key = (translation.get_language() or "", fmt)
    pieces = _EXACT_FORMATS.get(key)
    if pieces is None:
        pieces = []
        for i, piece in enumerate(_FORMAT_PIECE.split(str(get_format(fmt)))):
            if i % 2:
                pieces.append((True, piece))
            elif piece:
                pieces.append((False, _FORMAT_ESCAPE.sub(r"\1", piece)))
        _EXACT_FORMATS[key] = pieces
    return pieces


_FORMAT_ESCAPE = re.compile(r"\\(.)")


def format_exact(value: dt.date) -> str:
    """The full date (and time) in the active language: "March 3, 2025, 2:05 p.m." / "3 de marzo de 2025 a las 14:05"."""
    value = _as_local(value)
    if isinstance(value, dt.datetime):
        formatter: DateFormat | TimeFormat = DateFormat(value)
        pieces = _compiled_format("DATETIME_FORMAT")
    else:
        formatter = DateFormat(value)
        pieces = _compiled_format("DATE_FORMAT")
    return "".join(str(getattr(formatter, text)()) if is_code else text for is_code, text in pieces)


def format_relative(value: dt.date, *, now: dt.datetime | None = None) -> str:
    """A short relative time in the active language, past or future: "3 days ago", "in 2 hours"."""
    if isinstance(value, dt.datetime):
        return _relative_datetime(value, now=now)
    return _relative_date(value, now=now)


def _relative_datetime(value: dt.datetime, *, now: dt.datetime | None) -> str:
    if now is None:
        now = timezone.now() if timezone.is_aware(value) else dt.datetime.now()
    if value <= now:
        delta = now - value
        if delta.days:
            return _phrase("past-day", *_first_unit(value, now))
        if delta.seconds < 60:
            return gettext("now")
        if delta.seconds < 3600:
            return _phrase("past-minute", "", delta.seconds // 60)
        return _phrase("past-hour", "", delta.seconds // 3600)
    delta = value - now
    if delta.days:
        return _phrase("future-day", *_first_unit(now, value))
    if delta.seconds < 60:
        return gettext("now")
    if delta.seconds < 3600:
        return _phrase("future-minute", "", delta.seconds // 60)
    return _phrase("future-hour", "", delta.seconds // 3600)


def _relative_date(value: dt.date, *, now: dt.datetime | None) -> str:
    today = (
        timezone.localdate(now)
        if now is not None and timezone.is_aware(now)
        else (now.date() if now is not None else timezone.localdate())
    )
    days = (value - today).days
    if days == 0:
        return gettext("today")
    if days == -1:
        return gettext("yesterday")
    if days == 1:
        return gettext("tomorrow")
    start = dt.datetime.combine(today, dt.time())
    target = dt.datetime.combine(value, dt.time())
    if days < 0:
        return _phrase("past-day", *_first_unit(target, start))
    return _phrase("future-day", *_first_unit(start, target))


def initials_for(user: Any) -> str:
    """Two letters for an avatar: "Ana María López" → "AL"; falls back to the e-mail address."""
    if user is None:
        return "?"
    name = ""
    if isinstance(user, str):
        name = user
    else:
        name = str(getattr(user, "full_name", "") or getattr(user, "name", "") or "")
        if not name:
            get_full_name = getattr(user, "get_full_name", None)
            name = str(get_full_name() if callable(get_full_name) else "")
        if not name:
            name = str(getattr(user, "email", "") or "").split("@")[0].replace(".", " ").replace("_", " ")
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()
