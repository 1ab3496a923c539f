"""A pivot definition (what the builder form, the API, the CLI and a saved report hold) and its validation.

    {"object": "opportunities", "rows": ["stage"], "columns": ["close_date:month"],
     "measure": "sum:amount", "filters": {"status": "open"}}

`rows`: one or two dimensions (two give subtotals per first-row member); `columns`: none or one. A date
dimension takes a bucket after a colon (day, week, month, quarter, year; month when left out); a custom field
is `custom.<key>`. `measure`: `count`, or `<aggregate>:<field>` with sum, avg, min, max, distinct. `filters`:
the object's list filters (the same grammar as its list page and the API's list endpoint).
Every problem raises InvalidInput naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from crm.analytics.pivot.sources import (
    AGGREGATES,
    BUCKETS,
    CUSTOM,
    Dimension,
    Measure,
    Source,
    source_get,
    sources,
)
from crm.core.errors import InvalidInput

MAX_ROW_DIMENSIONS = 2
MAX_COLUMN_DIMENSIONS = 1
MAX_FILTERS = 30


@dataclass(frozen=True)
class Axis:
    """One dimension as used in a definition (with its date bucket)."""

    dimension: Dimension
    bucket: str = ""

    @property
    def token(self) -> str:
        return f"{self.dimension.key}:{self.bucket}" if self.bucket else self.dimension.key


@dataclass(frozen=True)
class Definition:
    source: Source
    rows: tuple[Axis, ...]
    columns: tuple[Axis, ...]
    aggregate: str
    measure: Measure | None  # None for a plain count
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def measure_token(self) -> str:
        return f"{self.aggregate}:{self.measure.key}" if self.measure else "count"

    def as_json(self) -> dict[str, Any]:
        return {
            "object": self.source.key,
            "rows": [a.token for a in self.rows],
            "columns": [a.token for a in self.columns],
            "measure": self.measure_token,
            "filters": dict(self.filters),
        }


def _custom_dimensions(source: Source) -> dict[str, Dimension]:
    if not source.custom_object_type:
        return {}
    from crm.core.customfields.selectors import custom_field_list

    return {
        f"custom.{d.key}": Dimension(
            f"custom.{d.key}", d.label_for(get_language() or ""), f"custom__{d.key}", CUSTOM
        )
        for d in custom_field_list(object_type=source.custom_object_type)
    }


def dimensions_of(source: Source) -> dict[str, Dimension]:
    """Every dimension of `source`, its custom fields included."""
    return {**source.dimension_map(), **_custom_dimensions(source)}


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ValueError


def _axes(
    raw: Any, name: str, dims: dict[str, Dimension], limit: int, errors: dict[str, list[str]]
) -> tuple[Axis, ...]:
    try:
        tokens = _as_list(raw)
    except ValueError:
        errors[name] = [_("Give a list of dimensions.")]
        return ()
    if len(tokens) > limit:
        errors[name] = [_("Use at most %(n)s dimensions here.") % {"n": limit}]
        return ()
    axes = []
    for token in tokens:
        key, _sep, bucket = token.partition(":")
        dim = dims.get(key)
        if dim is None:
            errors.setdefault(name, []).append(_("Unknown dimension “%(name)s”.") % {"name": key})
            continue
        if dim.is_date:
            bucket = bucket or "month"
            if bucket not in BUCKETS:
                errors.setdefault(name, []).append(
                    _("Unknown date bucket “%(name)s”: use day, week, month, quarter or year.")
                    % {"name": bucket}
                )
                continue
        elif bucket:
            errors.setdefault(name, []).append(
                _("“%(name)s” is not a date: it takes no bucket.") % {"name": key}
            )
            continue
        axes.append(Axis(dim, bucket))
    return tuple(axes)


def definition_parse(data: Any) -> Definition:
    """A validated Definition from JSON-like data; InvalidInput naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput(field_errors={"definition": [_("Give the pivot as an object.")]})
    errors: dict[str, list[str]] = {}
    source = source_get(str(data.get("object") or ""))
    if source is None:
        known = ", ".join(s.key for s in sources())
        raise InvalidInput(
            field_errors={
                "object": [
                    _("Unknown object “%(name)s”: use one of %(known)s.")
                    % {"name": data.get("object") or "", "known": known}
                ]
            }
        )
    dims = dimensions_of(source)
    rows = _axes(data.get("rows"), "rows", dims, MAX_ROW_DIMENSIONS, errors)
    columns = _axes(data.get("columns"), "columns", dims, MAX_COLUMN_DIMENSIONS, errors)
    if not rows and "rows" not in errors:
        errors["rows"] = [_("Choose at least one dimension for the rows.")]
    used = [a.dimension.key for a in (*rows, *columns)]
    if len(set(used)) != len(used):
        errors.setdefault("columns", []).append(_("Use each dimension once."))
    aggregate, measure = _measure(str(data.get("measure") or "count"), source, errors)
    filters = data.get("filters") or {}
    if not isinstance(filters, dict) or len(filters) > MAX_FILTERS:
        errors["filters"] = [_("Give the filters as an object of at most %(n)s names.") % {"n": MAX_FILTERS}]
        filters = {}
    clean_filters: dict[str, Any] = {}
    for name, value in filters.items():
        if isinstance(value, list):
            clean_filters[str(name)] = [str(v) for v in value]
        elif value is None or isinstance(value, dict):
            errors.setdefault("filters", []).append(_("Filter “%(name)s” needs a value.") % {"name": name})
        else:
            clean_filters[str(name)] = str(value)
    if errors:
        raise InvalidInput(field_errors=errors)
    return Definition(source, rows, columns, aggregate, measure, clean_filters)


def _measure(token: str, source: Source, errors: dict[str, list[str]]) -> tuple[str, Measure | None]:
    aggregate, _sep, key = token.strip().partition(":")
    if aggregate not in AGGREGATES:
        errors["measure"] = [
            _("Unknown aggregate “%(name)s”: use count, sum, avg, min, max or distinct.")
            % {"name": aggregate}
        ]
        return "count", None
    if aggregate == "count":
        if key:
            errors["measure"] = [_("A count takes no field: write “count”.")]
        return "count", None
    fields = source.distinct_map() if aggregate == "distinct" else source.measure_map()
    measure = fields.get(key)
    if measure is None:
        known = ", ".join(fields) or "—"
        errors["measure"] = [
            _("Unknown field “%(name)s” for %(aggregate)s: use one of %(known)s.")
            % {"name": key, "aggregate": aggregate, "known": known}
        ]
        return "count", None
    return aggregate, measure


def filters_parse(items: list[str]) -> dict[str, Any]:
    """`["status=open", "close_date__gte=2024-01-01"]` (the CLI's --filter) as a filters object."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(
                field_errors={"filters": [_("Write each filter as NAME=VALUE: “%(item)s”.") % {"item": item}]}
            )
        out.setdefault(name.strip(), []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
