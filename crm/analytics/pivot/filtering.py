"""The pivot builder's filter rows — [field ▾] [operator ▾] [value] — and the rows ⇄ the definition's `filters`.

The fields offered are the chosen object's list filters (the grammar its list page and API accept, read from the
owning app's ListSpec), so the rows serialise to exactly the filters a definition has always held: a row is the
filter `name` (no operator) or `name__op`; rows with the same key make a list (any of the values). Filters the
rows cannot show (custom fields, unknown names, an operator the row does not offer) stay in the "advanced" text,
one NAME=VALUE a line, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from crm.analytics.pivot.sources import Source

_RANGE = (("gte", _lazy("from")), ("lte", _lazy("until")), ("gt", _lazy("after")), ("lt", _lazy("before")))
_COMPARE = (("gte", "≥"), ("lte", "≤"), ("gt", ">"), ("lt", "<"))
OPERATORS: dict[str, tuple[tuple[str, Any], ...]] = {
    "choice": (("", _lazy("is")),),
    "bool": (("", _lazy("is")),),
    "user": (("", _lazy("is")),),
    "tag": (("", _lazy("is")),),
    "fk": (("", _lazy("is")),),
    "text": (("", _lazy("contains")), ("exact", _lazy("is exactly"))),
    "date": _RANGE,
    "datetime": _RANGE,
    "number": _COMPARE,
    "int": (("", "="), *_COMPARE[:2]),
}
# kinds whose plain filter takes several comma-separated values (one row each)
_MULTI = frozenset({"choice", "user", "tag", "fk", "int", "text"})


def _spec_of(source_key: str) -> Any:
    """The ListSpec whose filters the source's query applies (None: no rows, only the advanced text)."""
    if source_key == "opportunities":
        from crm.sales.listing import OPPORTUNITY_LIST

        return OPPORTUNITY_LIST
    if source_key == "orders":
        from crm.sales.selectors.orders import ORDER_LIST

        return ORDER_LIST
    if source_key == "invoice_lines":
        from crm.sales.selectors.invoices import INVOICE_LIST

        return INVOICE_LIST
    if source_key == "payments":
        from crm.sales.selectors.invoices import PAYMENT_LIST

        return PAYMENT_LIST
    if source_key == "activities":
        from crm.activities.listing import ACTIVITY_LIST

        return ACTIVITY_LIST
    if source_key in ("accounts", "contacts"):
        from crm.contacts.listing import ACCOUNT_LIST, CONTACT_LIST

        return ACCOUNT_LIST if source_key == "accounts" else CONTACT_LIST
    if source_key == "leads":
        from crm.leads.listing import LEAD_LIST

        return LEAD_LIST
    return None


@dataclass(frozen=True)
class FilterOption:
    """A field a row can filter on: its operators and the widget its value takes."""

    name: str
    label: str
    kind: str
    operators: tuple[tuple[str, Any], ...]
    widget: str  # select, date, number, text
    choices: tuple[tuple[str, str], ...] = ()


def _users() -> tuple[tuple[str, str], ...]:
    from crm.core.identity.selectors import user_choices

    return (("me", _("Me")), ("team", _("My team")), *((str(pk), name) for pk, name in user_choices()))


def _teams() -> tuple[tuple[str, str], ...]:
    from crm.core.identity.selectors import team_list

    return tuple((str(t.pk), t.name) for t in team_list())


def _option(field: Any) -> FilterOption | None:
    kind = field.kind
    if kind not in OPERATORS:
        return None
    choices: tuple[tuple[str, str], ...] = ()
    if kind == "choice":
        widget, choices = "select", tuple((str(v), str(label)) for v, label in field.choices)
    elif kind == "bool":
        widget, choices = "select", (("true", _("Yes")), ("false", _("No")))
    elif kind == "user":
        widget, choices = "select", _users()
    elif kind == "fk" and field.name == "team":
        widget, choices = "select", _teams()
    elif kind in ("date", "datetime"):
        widget = "date"
    elif kind in ("number", "int", "fk"):
        widget = "number"
    else:
        widget = "text"
    return FilterOption(field.name, str(field.label or field.name), kind, OPERATORS[kind], widget, choices)


def filter_options(source: Source | None) -> dict[str, FilterOption]:
    """The fields the rows offer for `source`, by filter name, in the list's order."""
    spec = _spec_of(source.key) if source else None
    if spec is None:
        return {}
    options = (_option(f) for f in spec.all_filters())
    return {o.name: o for o in options if o is not None}


@dataclass(frozen=True)
class FilterRow:
    name: str
    op: str
    value: str
    option: FilterOption | None = None
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}__{self.op}" if self.op else self.name

    @property
    def is_filter(self) -> bool:
        return bool(self.name and self.value.strip())


def rows_from_lists(
    names: list[str], ops: list[str], values: list[str], options: Mapping[str, FilterOption]
) -> list[FilterRow]:
    """The rows as the form sent them, in order (blank ones too: their position names their error slot)."""
    count = max(len(names), len(ops), len(values))

    def at(items: list[str], i: int) -> str:
        return items[i].strip() if i < len(items) else ""

    return [
        FilterRow(at(names, i), at(ops, i), at(values, i), options.get(at(names, i))) for i in range(count)
    ]


def text_lines(text: str) -> list[tuple[str, str]]:
    """The advanced text's NAME=VALUE lines (as `presenters.definition_from_query` reads them)."""
    out = []
    for line in (text or "").replace("&", "\n").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.strip():
            out.append((name.strip(), value.strip()))
    return out


def filters_text(rows: Iterable[FilterRow], advanced: str) -> str:
    """The rows (those with a field and a value) then the advanced lines, as the one filters text."""
    lines = [f"{r.key}={r.value.strip()}" for r in rows if r.is_filter]
    lines += [f"{name}={value}" for name, value in text_lines(advanced)]
    return "\n".join(lines)


def rows_split(text: str, options: Mapping[str, FilterOption]) -> tuple[list[FilterRow], str]:
    """The filters text as rows (what a row can show) and the advanced text (the rest)."""
    rows: list[FilterRow] = []
    rest: list[str] = []
    for key, value in text_lines(text):
        name, _sep, op = key.partition("__")
        option = options.get(name)
        if option is None or op not in {o for o, _label in option.operators}:
            rest.append(f"{key}={value}")
            continue
        parts = [v.strip() for v in value.split(",")] if not op and option.kind in _MULTI else [value]
        rows += [FilterRow(name, op, v, option) for v in parts if v]
    return rows, "\n".join(rest)


def rows_with_errors(
    rows: list[FilterRow], errors: Mapping[str, list[str]]
) -> tuple[list[FilterRow], dict[str, list[str]]]:
    """Each row with the error its filter got (named by the field's label), and the errors no row shows."""
    shown: set[str] = set()
    out = []
    for row in rows:
        messages = errors.get(f"filters.{row.key}") if row.is_filter else None
        if messages:
            label = row.option.label if row.option else row.name
            out.append(replace(row, error=f"{label}: {' '.join(messages)}"))
            shown.add(f"filters.{row.key}")
        else:
            out.append(row)
    return out, {k: v for k, v in errors.items() if k not in shown}


def blank_row(options: Mapping[str, FilterOption], name: str = "") -> FilterRow:
    """A new row: on `name` when it is offered (with its first operator), else with no field chosen yet."""
    option = options.get(name)
    if option is None:
        return FilterRow("", "", "")
    return FilterRow(name, option.operators[0][0], "", option)
