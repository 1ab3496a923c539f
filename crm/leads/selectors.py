"""Permission-scoped reads of leads, and the lead → customer funnel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from crm.core.errors import RecordNotFound
from crm.core.identity.selectors import user_list
from crm.core.listing import MAX_LIMIT, Page, capped_count
from crm.leads.listing import LEAD_LIST
from crm.leads.models import Lead

LIST_PREFETCH = ("owner",)


def lead_query(*, user: Any, params: Mapping[str, Any] | None = None, action: str = "view") -> QuerySet[Lead]:
    qs: QuerySet[Lead] = Lead.objects.visible_to(user, action)
    if params:
        qs = LEAD_LIST.apply(qs, params, user=user)
    return qs


def lead_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the leads `user` may see, filtered by `params` (see leads.listing)."""
    qs = lead_query(user=user, params=params).prefetch_related(*LIST_PREFETCH)
    return LEAD_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def lead_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(lead_query(user=user, params=params))


def lead_get(*, user: Any, pk: int | str, action: str = "view") -> Lead:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    lead = (
        Lead.objects.visible_to(user, action)
        .select_related("owner", "team", "converted_account", "converted_contact", "converted_opportunity")
        .filter(pk=key)
        .first()
    )
    if lead is None:
        raise RecordNotFound()
    return lead


def lead_open_for_owner(*, user: Any, limit: int = 8) -> list[Lead]:
    """The user's own open leads, newest first (the home page panel)."""
    return list(
        Lead.objects.visible_to(user)
        .filter(owner_id=user.pk, status__in=["new", "contacted", "qualified"])
        .order_by("-created_at", "-id")[:limit]
    )


def lead_exists_visible(*, user: Any, pk: int) -> bool:
    return Lead.objects.visible_to(user).filter(pk=pk).exists()


def lead_export_batches(
    *, user: Any, params: Mapping[str, Any], sort: str | None = None, batch: int = MAX_LIMIT
) -> Iterator[list[Lead]]:
    qs = lead_query(user=user, params=params, action="export").prefetch_related(*LIST_PREFETCH)
    LEAD_LIST.resolve_sort(sort)

    def batches() -> Iterator[list[Lead]]:
        cursor: str | None = None
        while True:
            page = LEAD_LIST.paginate(qs, sort=sort, cursor=cursor, limit=batch)
            if page.items:
                yield page.items
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    return batches()


# --- the funnel ---------------------------------------------------------------------------------------------
STAGES = ("created", "contacted", "qualified", "converted")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class FunnelRow:
    """How many leads created in the period reached each stage (a cohort), for one owner or in total."""

    owner_id: int | None
    owner_name: str
    created: int = 0
    contacted: int = 0
    qualified: int = 0
    converted: int = 0
    disqualified: int = 0

    @property
    def contact_rate(self) -> float | None:
        return _rate(self.contacted, self.created)

    @property
    def qualify_rate(self) -> float | None:
        return _rate(self.qualified, self.contacted)

    @property
    def convert_rate(self) -> float | None:
        return _rate(self.converted, self.qualified)

    @property
    def overall_rate(self) -> float | None:
        return _rate(self.converted, self.created)

    def stages(self) -> list[dict[str, Any]]:
        """Each stage with its count, its share of the created leads and its rate from the stage before."""
        out: list[dict[str, Any]] = []
        previous: int | None = None
        for name in STAGES:
            count = getattr(self, name)
            out.append(
                {
                    "key": name,
                    "count": count,
                    "share": _rate(count, self.created) or 0.0,
                    "rate": _rate(count, previous) if previous is not None else None,
                }
            )
            previous = count
        return out


@dataclass
class Funnel:
    start: dt.date
    end: dt.date
    total: FunnelRow
    by_owner: list[FunnelRow] = field(default_factory=list)


def lead_funnel(*, user: Any, start: dt.date, end: dt.date, owner_id: int | None = None) -> Funnel:
    """Leads created from `start` to `end` (inclusive, local days) that `user` may see, and how many of them
    reached each stage, in total and per owner. One grouped query."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Lead.objects.visible_to(user).filter(created_at__gte=since, created_at__lt=until)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    rows = (
        qs.order_by()
        .values("owner_id")
        .annotate(
            created=Count("id"),
            contacted=Count("contacted_at"),
            qualified=Count("qualified_at"),
            converted=Count("converted_at"),
            disqualified=Count("disqualified_at"),
        )
    )
    names = dict(user_list().filter(pk__in=[r["owner_id"] for r in rows]).values_list("id", "full_name"))
    total = FunnelRow(owner_id=None, owner_name="")
    by_owner: list[FunnelRow] = []
    for r in rows:
        row = FunnelRow(
            owner_id=r["owner_id"],
            owner_name=names.get(r["owner_id"], ""),
            created=r["created"],
            contacted=r["contacted"],
            qualified=r["qualified"],
            converted=r["converted"],
            disqualified=r["disqualified"],
        )
        by_owner.append(row)
        for name in (*STAGES, "disqualified"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    by_owner.sort(key=lambda r: (-r.created, r.owner_name))
    return Funnel(start=start, end=end, total=total, by_owner=by_owner)


LEAD_SCORING_FIELDS = (
    "id",
    "status",
    "source",
    "country",
    "authority",
    "timeline",
    "budget_amount",
    "email",
    "phone",
    "job_title",
    "company",
    "website",
    "need",
    "converted_opportunity_id",
    "created_at",
    "converted_at",
    "disqualified_at",
)


def lead_scoring_rows(*, ids: list[int] | None = None, chunk_size: int = 5_000) -> Iterator[dict[str, Any]]:
    """Company-wide: the fields the lead-scoring model learns from and scores, one dict per live lead (or the
    leads `ids`), in id order. Not scoped by a user: analytics computes over the whole history and the scores
    it stores are shown under each lead's own permission."""
    qs = Lead.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    yield from qs.order_by("pk").values(*LEAD_SCORING_FIELDS).iterator(chunk_size=chunk_size)
