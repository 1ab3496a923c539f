"""What a pivot can be built on: each object, the permission-scoped QuerySet its owning app's selector gives for a
user and the list-filter grammar, the dimensions it can be grouped by and the fields it can measure.

The objects register themselves in `crm.analytics.pivot.sources.catalogue` (loaded by `AppConfig.ready()`).
A dimension's `path` is an ORM path grouped in SQL; its label comes from `choices`, from `labels(ids)` (a
selector of the owning app, run on the few members shown) or is the value itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

# kinds of dimension
DATE = "date"  # a DateField: bucketed without a time zone
DATETIME = "datetime"  # a DateTimeField: bucketed in the current time zone
USER = "user"
TEAM = "team"
CHOICE = "choice"
FK = "fk"
CUSTOM = "custom"
TEXT = "text"

BUCKETS = ("day", "week", "month", "quarter", "year")
AGGREGATES = ("count", "sum", "avg", "min", "max", "distinct")


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    path: str
    kind: str
    choices: tuple[tuple[str, Any], ...] = ()
    # {id: label} for the members shown (ids as grouped), from the owning app's selector
    labels: Callable[[list[Any]], Mapping[Any, str]] | None = field(default=None, compare=False)

    @property
    def is_date(self) -> bool:
        return self.kind in (DATE, DATETIME)


@dataclass(frozen=True)
class Measure:
    """A field that can be summed, averaged… (`currency_path`: money, converted to the company currency)."""

    key: str
    label: str | Promise
    path: str
    currency_path: str = ""

    @property
    def is_money(self) -> bool:
        return bool(self.currency_path)


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    object_type: str  # the permission to view it
    # (user, filter params) -> the records the user may see, filtered (raises InvalidInput on a bad filter)
    query: Callable[..., QuerySet[Any]] = field(compare=False)
    dimensions: tuple[Dimension, ...] = ()
    measures: tuple[Measure, ...] = ()
    # fields a "distinct count" may count (the measures' paths can always be counted too)
    distinct: tuple[Measure, ...] = ()
    custom_object_type: str = ""  # its custom fields become dimensions ("custom.<key>")
    filter_names: tuple[str, ...] = ()  # the list filters it accepts (for the builder's help)
    list_url_name: str = ""  # the records' list page

    def dimension_map(self) -> dict[str, Dimension]:
        return {d.key: d for d in self.dimensions}

    def measure_map(self) -> dict[str, Measure]:
        return {m.key: m for m in self.measures}

    def distinct_map(self) -> dict[str, Measure]:
        return {m.key: m for m in (*self.measures, *self.distinct)}


_SOURCES: dict[str, Source] = {}


def source_register(source: Source) -> None:
    _SOURCES[source.key] = source


def source_get(key: str) -> Source | None:
    return _SOURCES.get(key)


def sources() -> list[Source]:
    return list(_SOURCES.values())
