"""Date buckets (day, week, month, quarter, year) as SQL expressions that work on SQLite and PostgreSQL, their
ranges (for drilling down) and their labels in the user's locale.

A DateField is bucketed with native SQL on both engines (SQLite's `strftime`, PostgreSQL's `date_trunc`) — SQLite's
generic Trunc calls a Python function per row, too slow over a million rows. A DateTimeField is bucketed by
Django's Trunc in the current time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from django.db.models import DateField, Func
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.ui.formats import babel_locale

_SQLITE = {
    "day": "date({col})",
    "week": "date({col}, '-' || ((CAST(strftime('%w', {col}) AS INTEGER) + 6) % 7) || ' days')",
    "month": "strftime('%Y-%m-01', {col})",
    "quarter": (  # printf would turn an empty date into '0000-00-01'
        "CASE WHEN {col} IS NULL THEN NULL ELSE printf('%04d-%02d-01', CAST(strftime('%Y', {col}) AS INTEGER), "
        "((CAST(strftime('%m', {col}) AS INTEGER) - 1) / 3) * 3 + 1) END"
    ),
    "year": "strftime('%Y-01-01', {col})",
}


class DateBucket(Func):
    """The first day of the bucket holding a DATE column (as a date on PostgreSQL, ISO text on SQLite)."""

    output_field = DateField()

    def __init__(self, expression: Any, bucket: str) -> None:
        super().__init__(expression)
        self.bucket = bucket

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # type: ignore[override]  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(date_trunc('{self.bucket}', {sql}) AS date)", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # a literal % is written %% in SQL run with parameters (Django's debug cursor formats it with them)
        template = _SQLITE[self.bucket].replace("%", "%%")
        return template.replace("{col}", sql), params * template.count("{col}")

    def convert_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        if isinstance(value, dt.datetime):
            return value.date()
        return value

    def get_db_converters(self, connection: Any) -> list[Any]:
        return [self.convert_value]


def bucket_expression(path: str, bucket: str, *, is_datetime: bool) -> Any:
    if is_datetime:
        return Trunc(path, bucket, output_field=DateField(), tzinfo=timezone.get_current_timezone())
    return DateBucket(path, bucket)


def bucket_end(start: dt.date, bucket: str) -> dt.date:
    """The first day after the bucket starting on `start`."""
    if bucket == "day":
        return start + dt.timedelta(days=1)
    if bucket == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[bucket]
    month0 = start.month - 1 + months
    return dt.date(start.year + month0 // 12, month0 % 12 + 1, 1)


def bucket_label(start: dt.date, bucket: str) -> str:
    locale = babel_locale()
    if bucket == "day":
        return format_date(start, "medium", locale=locale)
    if bucket == "week":
        return _("Week of %(date)s") % {"date": format_date(start, "short", locale=locale)}
    if bucket == "month":
        return format_date(start, "MMM y", locale=locale)
    if bucket == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return str(start.year)


def bucket_filter(path: str, start: dt.date, bucket: str, *, is_datetime: bool) -> dict[str, Any]:
    """The ORM filter selecting the records in the bucket (time-zone aware for a DateTimeField)."""
    end = bucket_end(start, bucket)
    if is_datetime:
        tz = timezone.get_current_timezone()
        low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        high = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
        return {f"{path}__gte": low, f"{path}__lt": high}
    return {f"{path}__gte": start, f"{path}__lt": end}
