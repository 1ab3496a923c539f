"""The builder's query string ⇄ a definition, and a computed pivot as what the page shows: formatted cells in
the user's locale, each a link to the records behind it, and the chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.analytics.core.charts import Bar, Series, bar_chart, line_chart
from crm.analytics.pivot.engine import OTHER, PivotResult
from crm.core.ui.formats import format_money, format_number

BUILDER_KEYS = ("object", "row", "row2", "column", "aggregate", "field", "filters")


def definition_from_query(query: QueryDict) -> dict[str, Any]:
    """The builder form's fields as a definition (validated later by `definition_parse`)."""
    aggregate = query.get("aggregate") or "count"
    field = query.get("field") or ""
    filters: dict[str, Any] = {}
    for line in (query.get("filters") or "").replace("&", "\n").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.strip():
            filters.setdefault(name.strip(), []).append(value.strip())
    return {
        "object": query.get("object") or "opportunities",
        "rows": [v for v in (query.get("row"), query.get("row2")) if v],
        "columns": [query.get("column")] if query.get("column") else [],
        "measure": aggregate if aggregate == "count" else f"{aggregate}:{field}",
        "filters": {k: v[0] if len(v) == 1 else v for k, v in filters.items()},
    }


def query_from_definition(data: dict[str, Any]) -> dict[str, str]:
    """A saved definition as the builder's fields."""
    rows = list(data.get("rows") or [])
    aggregate, _sep, field = str(data.get("measure") or "count").partition(":")
    filters = data.get("filters") or {}
    lines = []
    for name, value in filters.items():
        for v in value if isinstance(value, list) else [value]:
            lines.append(f"{name}={v}")
    return {
        "object": str(data.get("object") or ""),
        "row": rows[0] if rows else "",
        "row2": rows[1] if len(rows) > 1 else "",
        "column": (data.get("columns") or [""])[0],
        "aggregate": aggregate,
        "field": field,
        "filters": "\n".join(lines),
    }


def builder_query(fields: dict[str, str]) -> str:
    return urlencode({k: v for k, v in fields.items() if v})


@dataclass
class Cell:
    text: str
    url: str = ""


@dataclass
class Row:
    labels: list[str]
    cells: list[Cell]
    total: Cell
    is_subtotal: bool


def _shown_members(result: PivotResult) -> dict[int, list[str]]:
    """Each axis' member keys on show (not "Other"), in order: the rows' from the lines, the column's."""
    nrows = len(result.definition.rows)
    shown: dict[int, list[str]] = {i: [] for i in range(nrows + (1 if result.has_columns else 0))}
    for line in result.lines:
        for i, m in enumerate(line.members):
            if m.key != OTHER and m.key not in shown[i]:
                shown[i].append(m.key)
    if result.has_columns:
        shown[nrows] = [c.key for c in result.columns if c.key != OTHER]
    return shown


def shown_from_query(query: QueryDict) -> dict[int, list[str]]:
    """The members on show per axis that an "Other" link carries (`x0`, `x1`, `x2`)."""
    return {i: query.getlist(f"x{i}") for i in range(3) if query.getlist(f"x{i}")}


def _format(value: Any, result: PivotResult) -> str:
    if value is None:
        return "—"
    if result.value_kind == "money":
        return format_money(value, result.currency)
    if result.value_kind == "count":
        return format_number(value)
    return format_number(value, 2)


def table(result: PivotResult, query: str) -> dict[str, Any]:
    """Header labels, rows (subtotals marked) and the totals line, each cell linked to its records."""
    records = reverse("analytics_pivot:records")
    has_cols = result.has_columns
    nrows = len(result.definition.rows)
    shown = _shown_members(result)

    def url(keys: list[str]) -> str:
        params = [("k", k) for k in keys]
        for i, k in enumerate(keys):  # "Other": the records of none of the members on show
            if k == OTHER:
                params += [(f"x{i}", m) for m in shown[i]]
        return f"{records}?{query}&{urlencode(params)}"

    rows = []
    previous = None  # the first row member of the line above: shown once per group
    for line in result.lines:
        keys = [m.key for m in line.members] + ["*"] * (nrows - len(line.members))
        labels = [m.label for m in line.members]
        if line.is_subtotal:
            labels = [_("%(name)s subtotal") % {"name": labels[0]}, ""]
            previous = None
        elif nrows == 2:
            first = line.members[0].key
            if first == previous:
                labels[0] = ""
            previous = first
        cells = (
            [
                Cell(_format(v, result), url([*keys, c.key]))
                for v, c in zip(line.values, result.columns, strict=True)
            ]
            if has_cols
            else []
        )
        rows.append(
            Row(
                labels + [""] * (nrows - len(labels)),
                cells,
                Cell(_format(line.total, result), url(keys)),
                line.is_subtotal,
            )
        )
    totals = (
        [
            Cell(_format(v, result), url(["*"] * nrows + [c.key]))
            for v, c in zip(result.column_totals, result.columns, strict=True)
        ]
        if has_cols
        else []
    )
    return {
        "row_labels": [str(a.dimension.label) for a in result.definition.rows],
        "columns": [c.label for c in result.columns] if has_cols else [],
        "rows": rows,
        "totals": totals,
        "grand_total": Cell(_format(result.grand_total, result), url(["*"] * nrows)),
    }


def chart(result: PivotResult, query: str) -> Any:
    """A line chart when the rows are dates (a series per column member, at most six), else bars of the
    row totals (the first row dimension)."""
    d = result.definition
    leaf = [line for line in result.lines if not line.is_subtotal and len(line.members) == 1]
    if len(d.rows) == 2:
        leaf = [line for line in result.lines if line.is_subtotal]
    if not leaf:
        return ""
    title = str(d.source.label)
    fmt = lambda v: _format(v, result)  # noqa: E731
    if d.rows[0].dimension.is_date:
        labels = [line.members[0].label for line in leaf]
        if result.has_columns and len(d.rows) == 1 and len(result.columns) <= 6:
            series = [
                Series(
                    name=c.label,
                    values=[float(line.values[i]) if line.values[i] is not None else None for line in leaf],
                )
                for i, c in enumerate(result.columns)
            ]
        else:
            series = [
                Series(
                    name=_("Total"),
                    values=[float(line.total) if line.total is not None else None for line in leaf],
                )
            ]
        return line_chart(labels=labels, series=series, title=title, value_format=lambda v: fmt(v))
    bars = [
        Bar(label=line.members[0].label, value=float(line.total or 0), display=fmt(line.total))
        for line in leaf[:24]
    ]
    return bar_chart(bars, title=title, horizontal=True, value_format=lambda v: fmt(v))
