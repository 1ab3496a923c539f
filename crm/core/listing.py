"""Filtering, sorting and keyset pagination for every list — the web UI and the API share it.

An app describes its list once (`ListSpec`: which filters, which sort keys, which fields `q` searches) and its
selector calls `spec.apply(...)` then `paginate(...)`. Unknown filters and sort keys raise `InvalidInput`, so the
API answers 400 with the parameter named, never 500. Pages are keyset (cursor) pages: no OFFSET, ever.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput

COUNT_CAP = 10_000
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
RESERVED = frozenset({"q", "sort", "cursor", "limit", "columns", "view", "format", "page_size"})


@dataclass(frozen=True)
class FilterField:
    """One filter. `kind`: text, choice, bool, date, datetime, int, number, fk, user, tag."""

    name: str
    path: str
    kind: str
    label: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    # for kind="tag": a callable (values) -> Q selecting the records that carry any of these tags
    tag_q: Callable[[list[str]], Q] | None = None
    # a filter another (higher) layer adds with list_filter_register: `path` is on that layer's own model, and
    # `wrap` turns the condition built on it into one on the listed records (e.g. `pk__in` a subquery)
    wrap: Callable[[Q], Q] | None = None
    # for kind="fk": the allowed ids and their labels, read when the filter is used (an unknown id is refused
    # naming it, and the list page offers them in a select); "none" selects the rows without one
    options: Callable[[], Sequence[tuple[int, str]]] | None = field(default=None, compare=False)


_REGISTERED_FILTERS: dict[str, dict[str, FilterField]] = {}


def list_filter_register(*, object_type: str, field: FilterField) -> None:
    """Add a filter to every list of `object_type` (call from `AppConfig.ready()`): a higher layer filters a
    lower one's list by its own figures without the lower layer importing it."""
    _REGISTERED_FILTERS.setdefault(object_type, {})[field.name] = field


def registered_filters(object_type: str) -> tuple[FilterField, ...]:
    return tuple(_REGISTERED_FILTERS.get(object_type, {}).values())


@dataclass(frozen=True)
class SortField:
    name: str
    path: str
    label: Any = ""
    # a nullable column: empty values sort as the lowest on both engines and the cursor can carry a None
    nullable: bool = False


@dataclass(frozen=True)
class CustomFieldInfo:
    key: str
    field_type: str
    choice_values: tuple[str, ...] = ()


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    sort: str
    limit: int

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


@dataclass(frozen=True)
class ListSpec:
    object_type: str
    filters: tuple[FilterField, ...]
    sorts: tuple[SortField, ...]
    default_sort: str
    search_paths: tuple[str, ...] = ()
    custom_fields: Callable[[], list[CustomFieldInfo]] | None = field(default=None, compare=False)

    def all_filters(self) -> tuple[FilterField, ...]:
        """The spec's own filters and those other layers registered for its object type."""
        return self.filters + registered_filters(self.object_type)

    def filter_map(self) -> dict[str, FilterField]:
        return {f.name: f for f in self.all_filters()}

    def sort_map(self) -> dict[str, SortField]:
        return {s.name: s for s in self.sorts}

    # --- filtering ---------------------------------------------------------------------------------------
    def apply(self, qs: QuerySet[Any], params: Mapping[str, Any], *, user: Any = None) -> QuerySet[Any]:
        """Narrow `qs` by the filter parameters; raise InvalidInput naming every unknown or bad parameter."""
        errors: dict[str, list[str]] = {}
        filters = self.filter_map()
        customs: dict[str, CustomFieldInfo] | None = None  # read only when a custom field is filtered on
        for raw_key in _keys(params):
            if raw_key in RESERVED:
                continue
            values = _values(params, raw_key)
            values = [v for v in values if v != ""]
            if not values:
                continue
            name, _sep, op = raw_key.partition("__")
            if customs is None and name.startswith("custom."):
                customs = {c.key: c for c in (self.custom_fields() if self.custom_fields else [])}
            try:
                if name.startswith("custom.") and not op:
                    key = name.removeprefix("custom.")
                    info = customs.get(key) if customs else None
                    if info is None:
                        raise _Unknown()
                    qs = qs.filter(_custom_q(info, values, None))
                    continue
                if name.startswith("custom.") and op:
                    info = customs.get(name.removeprefix("custom.")) if customs else None
                    if info is None:
                        raise _Unknown()
                    qs = qs.filter(_custom_q(info, values, op))
                    continue
                spec = filters.get(name)
                if spec is None:
                    raise _Unknown()
                qs = qs.filter(_field_q(spec, values, op, user))
            except _Unknown:
                errors[raw_key] = [_("Unknown filter “%(name)s”.") % {"name": raw_key}]
            except ValueError as exc:
                errors[raw_key] = [str(exc)]
        q = _first(params, "q")
        if q and self.search_paths:
            term = q.strip()[:200]
            cond = Q()
            for path in self.search_paths:
                cond |= Q(**{f"{path}__icontains": term})
            qs = qs.filter(cond)
        if errors:
            raise InvalidInput(field_errors=errors)
        return qs

    # --- sorting and pages ------------------------------------------------------------------------------
    def resolve_sort(self, sort: str | None) -> tuple[SortField, bool]:
        sort = (sort or self.default_sort).strip()
        descending = sort.startswith("-")
        name = sort.lstrip("-")
        spec = self.sort_map().get(name)
        if spec is None:
            raise InvalidInput(field_errors={"sort": [_("Cannot sort by “%(name)s”.") % {"name": name}]})
        return spec, descending

    def paginate(
        self, qs: QuerySet[Any], *, sort: str | None, cursor: str | None, limit: int | str | None
    ) -> Page:
        spec, descending = self.resolve_sort(sort)
        size = parse_limit(limit)
        if spec.nullable:
            return self._paginate_nullable(qs, spec=spec, descending=descending, cursor=cursor, size=size)
        qs = qs.order_by(f"-{spec.path}", "-id") if descending else qs.order_by(spec.path, "id")
        if cursor:
            value, last_id = decode_cursor(cursor)
            # The keyset OR is only a filter to PostgreSQL and SQLite; the redundant `>=`/`<=` bound gives the
            # sort index a start, so a deep page does not walk the index from the first row.
            if descending:
                qs = qs.filter(
                    Q(**{f"{spec.path}__lt": value}) | Q(**{spec.path: value, "id__lt": last_id}),
                    **{f"{spec.path}__lte": value},
                )
            else:
                qs = qs.filter(
                    Q(**{f"{spec.path}__gt": value}) | Q(**{spec.path: value, "id__gt": last_id}),
                    **{f"{spec.path}__gte": value},
                )
        rows = list(qs[: size + 1])
        next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            next_cursor = encode_cursor(
                _path_value(last, spec.path), last.pk if isinstance(last, Model) else last["id"]
            )
        sort_name = ("-" if descending else "") + spec.name
        return Page(items=rows, next_cursor=next_cursor, sort=sort_name, limit=size)

    def _paginate_nullable(
        self, qs: QuerySet[Any], *, spec: SortField, descending: bool, cursor: str | None, size: int
    ) -> Page:
        """A sort on a nullable column (a lead's score): empty values count as the lowest on both engines —
        first going up, last going down — so the keyset cursor can carry a None."""
        path = spec.path
        if descending:
            qs = qs.order_by(F(path).desc(nulls_last=True), "-id")
        else:
            qs = qs.order_by(F(path).asc(nulls_first=True), "id")
        if cursor:
            value, last_id = decode_cursor(cursor)
            null = Q(**{f"{path}__isnull": True})
            if descending:
                after = (
                    null & Q(id__lt=last_id)
                    if value is None
                    else Q(**{f"{path}__lt": value}) | Q(**{path: value, "id__lt": last_id}) | null
                )
            else:
                after = (
                    (null & Q(id__gt=last_id)) | ~null
                    if value is None
                    else Q(**{f"{path}__gt": value}) | Q(**{path: value, "id__gt": last_id})
                )
            qs = qs.filter(after)
        rows = list(qs[: size + 1])
        next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            next_cursor = encode_cursor(
                _path_value(last, path), last.pk if isinstance(last, Model) else last["id"]
            )
        return Page(
            items=rows, next_cursor=next_cursor, sort=("-" if descending else "") + spec.name, limit=size
        )


class _Unknown(Exception):
    pass


def parse_limit(limit: int | str | None) -> int:
    if limit in (None, ""):
        return DEFAULT_LIMIT
    try:
        size = int(limit)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(field_errors={"limit": [_("Enter a whole number.")]}) from None
    if size < 1 or size > MAX_LIMIT:
        raise InvalidInput(
            field_errors={"limit": [_("Use a number between 1 and %(max)s.") % {"max": MAX_LIMIT}]}
        )
    return size


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counting at most `cap` (+1 to know it was capped): never a full COUNT(*) on big tables."""
    n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


# --- cursors ----------------------------------------------------------------------------------------------
def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        payload = {"t": "dt", "v": value.isoformat(), "i": pk}
    elif isinstance(value, dt.date):
        payload = {"t": "d", "v": value.isoformat(), "i": pk}
    elif isinstance(value, Decimal):
        payload = {"t": "dec", "v": str(value), "i": pk}
    else:
        payload = {"t": "v", "v": value, "i": pk}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        kind, value, pk = payload["t"], payload["v"], int(payload["i"])
        if kind == "dt":
            value = dt.datetime.fromisoformat(value)
        elif kind == "d":
            value = dt.date.fromisoformat(value)
        elif kind == "dec":
            value = Decimal(value)
        return value, pk
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError, InvalidOperation):
        raise InvalidInput(field_errors={"cursor": [_("This cursor is not valid.")]}) from None


# --- helpers -----------------------------------------------------------------------------------------------
def _keys(params: Mapping[str, Any]) -> Iterable[str]:
    return list(params.keys())


def _values(params: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if getlist else params.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    out: list[str] = []
    for item in items:
        out.extend(str(v).strip() for v in str(item).split(","))
    return out


def _first(params: Mapping[str, Any], key: str) -> str:
    values = _values(params, key) if key != "q" else [str(params.get(key) or "")]
    return values[0] if values else ""


def _path_value(obj: Any, path: str) -> Any:
    if isinstance(obj, dict):
        return obj[path]
    value = obj
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _parse(kind: str, value: str, user: Any) -> Any:
    if kind in {"int", "fk", "user"}:
        if kind == "user" and value == "me" and user is not None:
            return user.pk
        if value in {"none", "null"}:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
    if kind == "bool":
        if value.lower() in {"1", "true", "yes", "on"}:
            return True
        if value.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(_("Use true or false."))
    if kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        return parsed
    if kind == "datetime":
        if len(value) <= 10:  # a plain date: the whole day, in the user's time zone (see _field_q)
            parsed_d = parse_date(value)
            if parsed_d is None:
                raise ValueError(_("Enter a date as YYYY-MM-DD."))
            return parsed_d
        parsed_dt = parse_datetime(value)
        if parsed_dt is None:
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        if timezone.is_naive(parsed_dt):
            parsed_dt = timezone.make_aware(parsed_dt)
        return parsed_dt
    return value


def _field_q(spec: FilterField, values: list[str], op: str, user: Any) -> Q:
    cond = _plain_q(spec, values, op, user)
    return spec.wrap(cond) if spec.wrap is not None else cond


def _plain_q(spec: FilterField, values: list[str], op: str, user: Any) -> Q:
    if spec.kind == "number":
        if op not in {"gte", "lte", "gt", "lt"}:
            raise _Unknown()
        try:
            return Q(**{f"{spec.path}__{op}": Decimal(values[0].replace(",", "."))})
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if spec.kind == "tag":
        assert spec.tag_q is not None
        if op:
            raise _Unknown()
        return spec.tag_q(values)
    if spec.kind == "text":
        if op not in {"", "contains", "exact"}:
            raise _Unknown()
        lookup = "iexact" if op == "exact" else "icontains"
        cond = Q()
        for v in values:
            cond |= Q(**{f"{spec.path}__{lookup}": v})
        return cond
    if spec.kind == "choice":
        allowed = {str(c[0]) for c in spec.choices}
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": bad[0]})
        if op not in {"", "in"}:
            raise _Unknown()
        return Q(**{f"{spec.path}__in": values})
    if spec.kind in {"date", "datetime"}:
        if op not in {"gte", "lte", "gt", "lt"}:
            raise _Unknown()
        value = _parse(spec.kind, values[0], user)
        if spec.kind == "datetime" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            # whole local days as a range on the column itself, so its index is used
            start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
            next_day = start + dt.timedelta(days=1)
            bound = {
                "gte": ("gte", start),
                "gt": ("gte", next_day),
                "lte": ("lt", next_day),
                "lt": ("lt", start),
            }
            lookup, moment = bound[op]
            return Q(**{f"{spec.path}__{lookup}": moment})
        return Q(**{f"{spec.path}__{op}": value})
    if spec.kind == "bool":
        if op:
            raise _Unknown()
        return Q(**{spec.path: _parse("bool", values[0], user)})
    # int / fk / user
    if op not in {"", "in", "gte", "lte"}:
        raise _Unknown()
    if spec.kind == "user" and "team" in values and user is not None:
        # "my team": everyone in the user's team (the user alone when they have none)
        from crm.core.identity.permissions import user_team_member_ids

        values = [v for v in values if v != "team"] + [str(pk) for pk in user_team_member_ids(user)]
    parsed = [_parse(spec.kind, v, user) for v in values]
    if spec.options is not None:
        if op not in {"", "in"}:
            raise _Unknown()
        known = {pk for pk, _label in spec.options()}
        bad = [v for v, p in zip(values, parsed, strict=True) if p is not None and p not in known]
        if bad:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": bad[0]})
        cond = Q(**{f"{spec.path}__in": [p for p in parsed if p is not None]})
        return cond | Q(**{f"{spec.path}__isnull": True}) if None in parsed else cond
    if op in {"gte", "lte"}:
        return Q(**{f"{spec.path}__{op}": parsed[0]})
    if parsed == [None]:
        return Q(**{f"{spec.path}__isnull": True})
    return Q(**{f"{spec.path}__in": [p for p in parsed if p is not None]})


def _custom_q(info: CustomFieldInfo, values: list[str], op: str | None) -> Q:
    path = f"custom__{info.key}"
    ft = info.field_type
    if ft in {"number", "money"}:
        try:
            numbers = [float(v.replace(",", ".")) for v in values]
        except ValueError:
            raise ValueError(_("Enter a number.")) from None
        if op in {"gte", "lte", "gt", "lt"}:
            return Q(**{f"{path}__{op}": numbers[0]})
        if op:
            raise _Unknown()
        return Q(**{f"{path}__in": numbers})
    if ft == "date":
        for v in values:
            if parse_date(v) is None:
                raise ValueError(_("Enter a date as YYYY-MM-DD."))
        if op in {"gte", "lte", "gt", "lt"}:
            return Q(**{f"{path}__{op}": values[0]})
        if op:
            raise _Unknown()
        return Q(**{f"{path}__in": values})
    if op:
        raise _Unknown()
    if ft == "boolean":
        return Q(**{path: _parse("bool", values[0], None)})
    if ft == "user":
        return Q(**{f"{path}__in": [_parse("int", v, None) for v in values]})
    if ft == "choice":
        bad = [v for v in values if v not in info.choice_values]
        if bad:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": bad[0]})
        return Q(**{f"{path}__in": values})
    if ft == "multi_choice":
        bad = [v for v in values if v not in info.choice_values]
        if bad:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": bad[0]})
        cond = Q()
        for v in values:
            cond |= Q(**{f"{path}__icontains": json.dumps(v)})
        return cond
    cond = Q()
    for v in values:
        cond |= Q(**{f"{path}__icontains": v})
    return cond
