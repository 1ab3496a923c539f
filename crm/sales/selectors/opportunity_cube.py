"""The opportunity cube (`OpportunityCube`) as a user may read it: the cells of the deals they may see,
narrowed by the opportunity list's filters where the cells can answer them exactly.

Opportunities are visible by their owner alone (`scope_q` on the owner field: own, team, hierarchy or all), so
the cells' owner column scopes them the same. A filter the cells cannot answer exactly — the search box, the
account, the amount, a date not on a month boundary, the creation or update time, a filter another layer
registered — makes `opportunity_cube_query` answer None: the caller reads the deals instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date

from crm.core.errors import InvalidInput
from crm.core.identity.permissions import scope_q
from crm.core.listing import RESERVED, FilterField, ListSpec
from crm.sales.enums import OpportunityStatus
from crm.sales.models import Opportunity, OpportunityCube

OBJECT_TYPE = "sales.opportunity"
# the list filters the cells answer exactly, with the opportunity list's kinds on the cells' own columns
_CUBE_LIST = ListSpec(
    object_type="sales.opportunitycube",
    filters=(
        FilterField("pipeline", "pipeline", "fk"),
        FilterField("stage", "stage", "fk"),
        FilterField("status", "status", "choice", "", tuple(OpportunityStatus.choices)),
        FilterField("owner", "owner", "user"),
        FilterField("currency", "currency", "text"),
    ),
    sorts=(),
    default_sort="",
)
# a date filter on a deal's day → the cells' month column
_MONTHS = {"close_date": "close_month", "closed_on": "closed_month"}


def _values(params: Mapping[str, Any], key: str) -> list[str]:
    """A parameter's values as the list filters read them (lists, comma-separated, blanks dropped)."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if getlist else params.get(key)
    items = [] if raw is None else raw if isinstance(raw, list | tuple) else [raw]
    out = [v.strip() for item in items for v in str(item).split(",")]
    return [v for v in out if v != ""]


def _first_of_month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _is_last_of_month(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def _month_q(column: str, op: str, raw: str) -> Q | None:
    """`close_date__gte=2026-01-01` as `close_month__gte=2026-01-01`; None unless the bound is a month's edge
    (a first day for gte/lt, a last day for lte/gt)."""
    day = parse_date(raw)
    if day is None:
        return None
    if op in ("gte", "lt") and day.day == 1:
        return Q(**{f"{column}__{op}": day})
    if op in ("lte", "gt") and _is_last_of_month(day):
        return Q(**{f"{column}__{op}": _first_of_month(day)})
    return None


def opportunity_cube_query(
    *, user: Any, params: Mapping[str, Any] | None = None
) -> QuerySet[OpportunityCube] | None:
    """The cube cells of the opportunities `user` may see that `params` (the opportunity list's filters)
    select — exactly the deals `opportunity_query(user=user, params=params)` gives, added up — or None when a
    filter cannot be answered from the cells."""
    scope = scope_q(user, OBJECT_TYPE, "view", Opportunity.OWNER_FIELD)
    if scope is None:
        return OpportunityCube.objects.none()
    qs: QuerySet[OpportunityCube] = OpportunityCube.objects.filter(scope)
    plain: dict[str, list[str]] = {}
    for key in list((params or {}).keys()):
        values = _values(params or {}, key)
        if not values:
            continue
        if key in RESERVED:
            if key == "q":
                return None
            continue
        name, _sep, op = key.partition("__")
        if name in _MONTHS:
            cond = _month_q(_MONTHS[name], op, values[0]) if op in ("gte", "lte", "gt", "lt") else None
            if cond is None:
                return None
            qs = qs.filter(cond)
        elif name in _CUBE_LIST.filter_map():
            plain[key] = values
        else:
            return None
    if plain:
        try:
            qs = _CUBE_LIST.apply(qs, plain, user=user)
        except InvalidInput:
            return None  # the deals' own query names the problem
    return qs
