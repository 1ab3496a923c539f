"""Reads of the pivot builder: compute a pivot for a user (only the records they may see), the records behind a
cell, and the saved reports they may see (their own and those shared with their team)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from crm.analytics.pivot.buckets import bucket_filter
from crm.analytics.pivot.cube import cube_for
from crm.analytics.pivot.definition import Definition, definition_parse
from crm.analytics.pivot.engine import NONE, OTHER, PivotResult, pivot_run
from crm.analytics.pivot.models import SavedReport
from crm.analytics.pivot.sources import CUSTOM, DATETIME, Source, sources
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can

DRILL_LIMIT = 100


def pivot_sources(*, user: Any) -> list[Source]:
    """The objects the user may build a pivot on."""
    return [s for s in sources() if user_can(user, s.object_type, "view")]


def _records(*, user: Any, definition: Definition) -> QuerySet[Any]:
    if not user_can(user, definition.source.object_type, "view"):
        raise RecordNotFound()
    try:
        return definition.source.query(user=user, params=definition.filters)
    except InvalidInput as exc:
        raise InvalidInput(
            field_errors={f"filters.{k}": v for k, v in exc.field_errors.items()}
            or {"filters": [exc.message]}
        ) from exc


def pivot_compute(*, user: Any, data: Any) -> PivotResult:
    """The pivot `data` describes, over the records `user` may see. InvalidInput names any bad field."""
    definition = definition_parse(data)
    records = _records(user=user, definition=definition)  # checks the permission and the filters
    return pivot_run(qs=records, definition=definition, cube=cube_for(user=user, definition=definition))


def pivot_cell_records(
    *, user: Any, data: Any, keys: list[str], shown: Mapping[int, list[str]] | None = None
) -> list[Any]:
    """The first records behind one cell: `keys` are the cell's member keys, rows then columns (a shorter list
    is a subtotal). An "Other" key takes the records of none of the members shown on that axis: `shown[i]` are
    axis i's member keys on show (dates: the latest buckets, so "Other" is everything before the first)."""
    definition = definition_parse(data)
    qs = _records(user=user, definition=definition)
    axes = (*definition.rows, *definition.columns)
    if len(keys) > len(axes):
        raise InvalidInput(field_errors={"keys": ["too many keys"]})
    for i, (axis, key) in enumerate(zip(axes, keys, strict=False)):
        if key == "*":  # a total over this axis
            continue
        dim = axis.dimension
        path = f"custom__{dim.key.removeprefix('custom.')}" if dim.kind == CUSTOM else dim.path
        if key == OTHER:
            qs = _other(qs, axis, path, (shown or {}).get(i) or [])
        elif key == NONE:
            qs = qs.filter(**{f"{path}__isnull": True})
        elif dim.is_date:
            try:
                start = dt.date.fromisoformat(key)
            except ValueError:
                raise InvalidInput(field_errors={"keys": [key]}) from None
            qs = qs.filter(**bucket_filter(dim.path, start, axis.bucket, is_datetime=dim.kind == DATETIME))
        else:
            qs = qs.filter(**{path: key})
    return list(qs.order_by("-pk")[:DRILL_LIMIT])


def _other(qs: QuerySet[Any], axis: Any, path: str, shown: list[str]) -> QuerySet[Any]:
    """The records in none of the `shown` members of `axis` (its "Other")."""
    real = [k for k in shown if k not in (NONE, OTHER, "*")]
    if not real:
        raise InvalidInput(field_errors={"keys": [_("Say which members are shown next to “Other”.")]})
    dim = axis.dimension
    if dim.is_date:  # the latest buckets are shown: "Other" holds the earlier ones
        try:
            first = min(dt.date.fromisoformat(k) for k in real)
        except ValueError:
            raise InvalidInput(field_errors={"keys": [_("Not a date: %(keys)s") % {"keys": real}]}) from None
        low = bucket_filter(dim.path, first, axis.bucket, is_datetime=dim.kind == DATETIME)[
            f"{dim.path}__gte"
        ]
        return qs.filter(**{f"{dim.path}__lt": low})
    qs = qs.exclude(**{f"{path}__in": real})
    if NONE in shown:
        qs = qs.filter(**{f"{path}__isnull": False})
    return qs


# --- saved reports --------------------------------------------------------------------------------------------
def _visible(user: Any) -> Q:
    q = Q(owner=user)
    if getattr(user, "team_id", None):
        q |= Q(team_id=user.team_id)
    return q


def saved_report_list(*, user: Any, limit: int = 200) -> list[SavedReport]:
    """The reports the user owns and those shared with their team, by name."""
    return list(
        SavedReport.objects.filter(_visible(user))
        .select_related("owner", "team", "schedule")
        .order_by("name", "id")[:limit]
    )


def saved_report_get(*, user: Any, pk: int | str, action: str = "view") -> SavedReport:
    """A report the user may see (owner or its team); changing it needs being its owner. Else RecordNotFound."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    report = SavedReport.objects.filter(_visible(user), pk=key).select_related("owner", "team").first()
    if report is None or (action != "view" and report.owner_id != user.pk):
        raise RecordNotFound()
    return report


def report_schedule_of(*, report: SavedReport) -> Any:
    from crm.analytics.pivot.models import ReportSchedule

    return ReportSchedule.objects.filter(report=report).first()
