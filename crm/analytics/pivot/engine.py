"""Compute a pivot: one GROUP BY over the permission-scoped records for the cells; subtotals and totals added up
in Python from the cells (a distinct count, which does not add up, asks the database for its totals).

Each axis shows at most `ROW_MEMBERS` / `COLUMN_MEMBERS` members (the biggest by the measure; dates in order,
the latest kept) and folds the rest into "Other". Money is converted to the company currency at today's rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, Sum
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.analytics.pivot.buckets import bucket_expression, bucket_label
from crm.analytics.pivot.cube import Cube
from crm.analytics.pivot.definition import Axis, Definition
from crm.analytics.pivot.sources import CHOICE, CUSTOM, DATETIME
from crm.core.errors import InvalidInput

ROW_MEMBERS = 50
COLUMN_MEMBERS = 24
GROUP_CAP = 50_000  # groups read from the database at most
OTHER = "__other__"
NONE = "__none__"
_CENT = Decimal("0.01")


@dataclass
class Acc:
    """A mergeable aggregate: count, sum, non-null count, min, max (or an exact distinct count)."""

    n: int = 0
    s: Decimal = Decimal(0)
    c: int = 0
    lo: Decimal | None = None
    hi: Decimal | None = None
    distinct: int | None = None

    def merge(self, other: Acc) -> None:
        self.n += other.n
        self.s += other.s
        self.c += other.c
        if other.lo is not None and (self.lo is None or other.lo < self.lo):
            self.lo = other.lo
        if other.hi is not None and (self.hi is None or other.hi > self.hi):
            self.hi = other.hi
        self.distinct = None  # distinct counts do not add up: totals are asked for separately


@dataclass(frozen=True)
class Member:
    key: str  # serialised: ISO date, id, value, NONE or OTHER
    label: str


@dataclass
class Line:
    """A line of the table: members (one per row dimension; a subtotal line has fewer) and its values."""

    members: tuple[Member, ...]
    values: list[Any]
    total: Any
    is_subtotal: bool = False


@dataclass
class PivotResult:
    definition: Definition
    columns: list[Member]
    lines: list[Line]
    column_totals: list[Any]
    grand_total: Any
    value_kind: str  # "money", "count" or "number"
    currency: str
    folded: bool = False  # some members went into "Other"
    notes: list[str] = field(default_factory=list)

    @property
    def has_columns(self) -> bool:
        return bool(self.definition.columns)


def _key_of(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _dimension_expression(axis: Axis) -> Any:
    dim = axis.dimension
    if dim.is_date:
        return bucket_expression(dim.path, axis.bucket, is_datetime=dim.kind == DATETIME)
    if dim.kind == CUSTOM:
        return KeyTextTransform(dim.key.removeprefix("custom."), "custom")
    return F(dim.path)


def _measure_annotations(definition: Definition) -> dict[str, Any]:
    m = definition.measure
    if definition.aggregate == "count" or m is None:
        return {"n": Count("pk")}
    if definition.aggregate == "distinct":
        return {"n": Count("pk"), "d": Count(m.path, distinct=True)}
    out: dict[str, Any] = {"n": Count("pk")}
    if definition.aggregate in ("sum", "avg"):
        out |= {"s": Sum(m.path), "c": Count(m.path)}
    elif definition.aggregate == "min":
        out["lo"] = Min(m.path)
    else:
        out["hi"] = Max(m.path)
    return out


class _Rates:
    """Units of each currency per unit of the company currency, today (read once per currency)."""

    def __init__(self) -> None:
        from crm.catalog.selectors import company_currency_get

        self.company = company_currency_get().code
        self._rates: dict[str, Decimal] = {self.company: Decimal(1)}

    def convert(self, value: Any, code: str | None) -> Decimal | None:
        if value is None:
            return None
        amount = Decimal(value)
        code = (code or self.company).upper()
        if code not in self._rates:
            from crm.catalog.selectors import currency_get, exchange_rate_on

            try:
                self._rates[code] = exchange_rate_on(
                    currency=currency_get(code=code), on_date=timezone.localdate()
                )
            except Exception as exc:  # a currency without a rate: say which
                raise InvalidInput(field_errors={"measure": [str(getattr(exc, "message", exc))]}) from exc
        rate = self._rates[code]
        return amount / rate if rate else Decimal(0)


def _acc_of(row: dict[str, Any], rates: _Rates | None, currency: str | None) -> Acc:
    def conv(v: Any) -> Decimal | None:
        if v is None:
            return None
        return rates.convert(v, currency) if rates else Decimal(v)

    return Acc(
        n=row.get("n") or 0,
        s=conv(row.get("s")) or Decimal(0),
        c=row.get("c") or 0,
        lo=conv(row.get("lo")),
        hi=conv(row.get("hi")),
        distinct=row.get("d"),
    )


def _value(acc: Acc | None, definition: Definition, is_money: bool) -> Any:
    if acc is None:
        return None
    agg = definition.aggregate
    if agg == "count":
        return acc.n
    if agg == "distinct":
        return acc.distinct
    if agg == "sum":
        v: Decimal | None = acc.s if acc.c else None
    elif agg == "avg":
        v = acc.s / acc.c if acc.c else None
    elif agg == "min":
        v = acc.lo
    else:
        v = acc.hi
    return v.quantize(_CENT) if v is not None else None


def _grouped(
    qs: Any,
    keys: dict[str, Any],
    definition: Definition,
    currency_path: str,
    measures: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    names = list(keys)
    if currency_path:
        names.append("_cur")
        keys = {**keys, "_cur": F(currency_path)}
    rows = list(
        qs.order_by()
        .annotate(**keys)
        .values(*names)
        .annotate(**(measures or _measure_annotations(definition)))[: GROUP_CAP + 1]
    )
    if len(rows) > GROUP_CAP:
        raise InvalidInput(
            field_errors={
                "rows": [
                    _(
                        "Too many combinations to show: use coarser date buckets, fewer dimensions or a filter."
                    )
                ]
            }
        )
    return rows


def pivot_run(*, qs: Any, definition: Definition, cube: Cube | None = None) -> PivotResult:
    """The pivot of `definition` over `qs` (the records the user may see, already filtered) — or over the
    `cube`'s cells of the same records when given (`cube.cube_for`): the same rows come out of either."""
    axes = (*definition.rows, *definition.columns)
    m = definition.measure
    is_money = bool(m and m.is_money and definition.aggregate not in ("count", "distinct"))
    rates = _Rates() if is_money else None
    currency_path = m.currency_path if (m and is_money) else ""
    names = [f"k{i}" for i in range(len(axes))]
    expressions = {n: _dimension_expression(a) for n, a in zip(names, axes, strict=True)}

    if cube is not None:
        expressions = {n: cube.expression(a) for n, a in zip(names, axes, strict=True)}
        grouped = _grouped(
            cube.qs,
            expressions,
            definition,
            cube.currency_path if currency_path else "",
            cube.annotations(definition),
        )
    else:
        grouped = _grouped(qs, expressions, definition, currency_path)

    cells: dict[tuple[str, ...], Acc] = {}
    raw_values: dict[str, dict[str, Any]] = {n: {} for n in names}
    for row in grouped:
        key = tuple(_key_of(row[n]) for n in names)
        for n, k in zip(names, key, strict=True):
            raw_values[n][k] = row[n]
        acc = _acc_of(row, rates, row.get("_cur"))
        if key in cells:
            cells[key].merge(acc)
            if definition.aggregate == "distinct":  # several currencies never apply to distinct; keep exact
                cells[key].distinct = None
        else:
            cells[key] = acc

    distinct_totals = (
        _distinct_totals(qs, definition, expressions, names) if definition.aggregate == "distinct" else None
    )

    # rank each axis' members and fold the tail into "Other"
    folded = False
    kept: list[list[str]] = []
    for i, axis in enumerate(axes):
        limit = ROW_MEMBERS if i < len(definition.rows) else COLUMN_MEMBERS
        totals: dict[str, Acc] = {}
        for key, acc in cells.items():
            totals.setdefault(key[i], Acc()).merge(acc)
        if distinct_totals is not None:
            for k, v in distinct_totals.get(("axis", i), {}).items():
                totals.setdefault(k, Acc()).distinct = v
        members = list(totals)
        if axis.dimension.is_date:
            members.sort(key=lambda k: (k == NONE, k))
            if len(members) > limit:
                members = members[-limit:]
        elif axis.dimension.kind == CHOICE:  # in the order the choices are defined
            position = {str(v): i for i, (v, _label) in enumerate(axis.dimension.choices)}
            members.sort(key=lambda k: (position.get(k, len(position)), k))
            members = members[:limit]
        else:  # the biggest first
            members.sort(key=lambda k: (k == NONE, -(_sort_value(totals[k], definition)), k))
            members = members[:limit]
        if len(members) < len(totals):
            folded = True
        kept.append(members)

    keep_sets = [set(k) for k in kept]
    folded_cells: dict[tuple[str, ...], Acc] = {}
    for key, acc in cells.items():
        fkey = tuple(k if k in keep_sets[i] else OTHER for i, k in enumerate(key))
        if fkey in folded_cells:
            folded_cells[fkey].merge(acc)
        else:
            folded_cells[fkey] = Acc(
                acc.n, acc.s, acc.c, acc.lo, acc.hi, acc.distinct if fkey == key else None
            )
    for i in range(len(axes)):
        if any(key[i] == OTHER for key in folded_cells):
            kept[i].append(OTHER)

    labels = [_labels(axis, kept[i], raw_values[names[i]]) for i, axis in enumerate(axes)]
    nrows = len(definition.rows)
    column_members = (
        [Member(k, labels[nrows][k]) for k in kept[nrows]] if definition.columns else [Member("", _("Total"))]
    )
    result_lines = _lines(definition, folded_cells, kept, labels, column_members, is_money, distinct_totals)
    col_totals: list[Any] = []
    grand = Acc()
    for acc in folded_cells.values():
        grand.merge(acc)
    for cm in column_members:
        acc = Acc()
        for key, a in folded_cells.items():
            if not definition.columns or key[nrows] == cm.key:
                acc.merge(a)
        if distinct_totals is not None:
            acc.distinct = (
                distinct_totals.get(("col",), {}).get(cm.key)
                if definition.columns
                else distinct_totals.get(("all",), {}).get("")
            )
        col_totals.append(_value(acc, definition, is_money))
    if distinct_totals is not None:
        grand.distinct = distinct_totals.get(("all",), {}).get("")
    value_kind = (
        "money" if is_money else ("count" if definition.aggregate in ("count", "distinct") else "number")
    )
    return PivotResult(
        definition=definition,
        columns=column_members,
        lines=result_lines,
        column_totals=col_totals,
        grand_total=_value(grand, definition, is_money),
        value_kind=value_kind,
        currency=rates.company if rates else "",
        folded=folded,
    )


def _sort_value(acc: Acc, definition: Definition) -> float:
    v = _value(acc, definition, False)
    return float(v) if v is not None else float("-inf")


def _labels(axis: Axis, keys: Iterable[str], raw: dict[str, Any]) -> dict[str, str]:
    dim = axis.dimension
    out: dict[str, str] = {}
    real = [raw[k] for k in keys if k not in (OTHER, NONE)]
    names = dict(dim.labels(real)) if dim.labels else {}
    choices = {str(v): str(label) for v, label in dim.choices}
    for k in keys:
        if k == OTHER:
            out[k] = _("Other")
        elif k == NONE:
            out[k] = _("(none)")
        elif dim.is_date:
            out[k] = bucket_label(raw[k], axis.bucket)
        elif dim.labels:
            out[k] = names.get(raw[k], k)
        elif k == "":
            out[k] = _("(none)")
        else:
            out[k] = choices.get(k, k)
    return out


def _lines(
    definition: Definition,
    cells: dict[tuple[str, ...], Acc],
    kept: list[list[str]],
    labels: list[dict[str, str]],
    columns: list[Member],
    is_money: bool,
    distinct_totals: dict[tuple[Any, ...], dict[Any, Any]] | None,
) -> list[Line]:
    nrows = len(definition.rows)
    has_cols = bool(definition.columns)
    # the row keys present, in the kept order
    order = {i: {k: pos for pos, k in enumerate(kept[i])} for i in range(nrows)}
    row_keys = sorted(
        {key[:nrows] for key in cells}, key=lambda rk: tuple(order[i][k] for i, k in enumerate(rk))
    )

    def line_for(prefix: tuple[str, ...], is_subtotal: bool) -> Line:
        n = len(prefix)
        per_col = {c.key: Acc() for c in columns}
        total = Acc()
        for key, acc in cells.items():
            if key[:n] != prefix:
                continue
            ckey = key[nrows] if has_cols else ""
            per_col[ckey].merge(acc)
            total.merge(acc)
        if distinct_totals is not None:
            if n == nrows and not is_subtotal:
                for ckey, acc in per_col.items():
                    cell = cells.get((*prefix, ckey) if has_cols else prefix)
                    acc.distinct = cell.distinct if cell else None
                total.distinct = distinct_totals.get(("row",), {}).get(prefix)
            else:
                total.distinct = distinct_totals.get(("row1",), {}).get(prefix)
                for ckey, acc in per_col.items():
                    acc.distinct = distinct_totals.get(("row1col",), {}).get((*prefix, ckey))
            if not has_cols:
                per_col[""].distinct = total.distinct
        members = tuple(Member(k, labels[i][k]) for i, k in enumerate(prefix))
        return Line(
            members=members,
            values=[_value(per_col[c.key], definition, is_money) for c in columns],
            total=_value(total, definition, is_money),
            is_subtotal=is_subtotal,
        )

    lines: list[Line] = []
    if nrows == 1:
        return [line_for(rk, False) for rk in row_keys]
    current: str | None = None
    for rk in row_keys:
        if current is not None and rk[0] != current:
            lines.append(line_for((current,), True))
        current = rk[0]
        lines.append(line_for(rk, False))
    if current is not None:
        lines.append(line_for((current,), True))
    return lines


def _distinct_totals(
    qs: Any, definition: Definition, expressions: dict[str, Any], names: list[str]
) -> dict[tuple[Any, ...], dict[Any, Any]]:
    """Exact distinct counts of the totals (they do not add up from the cells): per row, per column, per
    first-row member (and per first-row member and column), per axis member (for ranking) and overall."""
    m = definition.measure
    assert m is not None
    nrows = len(definition.rows)
    has_cols = bool(definition.columns)
    row_names = names[:nrows]
    col_names = names[nrows:]

    def counts(group: list[str]) -> dict[Any, int]:
        if not group:
            return {"": qs.order_by().aggregate(d=Count(m.path, distinct=True))["d"]}
        rows = (
            qs.order_by()
            .annotate(**{g: expressions[g] for g in group})
            .values(*group)
            .annotate(d=Count(m.path, distinct=True))
        )
        out: dict[Any, int] = {}
        for row in rows[: GROUP_CAP + 1]:
            key = tuple(_key_of(row[g]) for g in group)
            out[key if len(key) > 1 else key[0]] = row["d"]
        return out

    out: dict[tuple[Any, ...], dict[Any, Any]] = {("all",): counts([])}
    by_row = counts(row_names)
    out[("row",)] = {(k if isinstance(k, tuple) else (k,)): v for k, v in by_row.items()}
    if has_cols:
        out[("col",)] = counts(col_names)
    if nrows == 2:
        out[("row1",)] = {(k,): v for k, v in counts(row_names[:1]).items()}
        if has_cols:
            out[("row1col",)] = counts([row_names[0], *col_names])
        out[("axis", 1)] = counts(row_names[1:])
    out[("axis", 0)] = counts(row_names[:1])
    if has_cols:
        out[("axis", nrows)] = out[("col",)]
    return out
