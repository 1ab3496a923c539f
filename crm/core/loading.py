"""What an app offers to bulk loaders (imports): the fields a row may carry, and the outcome of one batch.

The apps describe their loadable fields with `LoadField`; the import machinery (crm.integrations) turns file
cells into Python values by `kind` and hands clean rows to the app's `<entity>_bulk_upsert` service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# kinds: text · email · phone · url · date · datetime · bool · int · choice · user (an email) · ref (a name or
# an external id of a related record, resolved by the owning app)
LOAD_KINDS = frozenset(
    {"text", "email", "phone", "url", "date", "datetime", "bool", "int", "choice", "user", "ref"}
)


@dataclass(frozen=True)
class LoadField:
    name: str
    label: Any
    kind: str = "text"
    max_length: int | None = None
    choices: Any = None  # a TextChoices class for kind "choice"
    synonyms: tuple[str, ...] = ()  # other header names (English and Spanish) that mean this field


@dataclass
class LoadResult:
    """The outcome of one `…_bulk_upsert` batch, by position of the row in the batch."""

    created_ids: list[int] = field(default_factory=list)
    # records the batch changed: (id, the values of the changed fields before the change, JSON-able)
    updated: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # created · updated · unchanged · failed
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def from_jsonable(model: type[models.Model], name: str, value: Any) -> Any:
    if value is None:
        return None
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return value
