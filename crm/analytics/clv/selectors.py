"""Reads of the lifetime-value analysis, scoped by the user's permissions: the latest result (company-wide, so
it needs the analysis' view permission) and the per-account figures of the accounts the user may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from crm.analytics.core.selectors import customer_insight_query

if TYPE_CHECKING:
    from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.selectors import AnalysisStatus, analysis_status_get
from crm.contacts.selectors import account_query
from crm.core.listing import ListSpec, Page, SortField

KIND = "clv"

CLV_CUSTOMER_LIST = ListSpec(
    object_type="analytics.insight",
    filters=(),
    sorts=(
        SortField("clv", "clv"),
        SortField("p_alive", "p_alive"),
        SortField("expected_purchases", "expected_purchases"),
        SortField("account", "account_id"),
    ),
    default_sort="-clv",
)


@dataclass(frozen=True)
class ClvPage:
    status: AnalysisStatus
    result: dict[str, Any] | None
    top: list[dict[str, Any]]  # the result's top customers the user may see, with the account's name


def clv_status_get(*, user: Any) -> AnalysisStatus:
    """The analysis' latest result and refresh state; RecordNotFound for users without company-wide view."""
    return analysis_status_get(user=user, kind=KIND)


def clv_page_get(*, user: Any, top: int = 20, within: Mapping[str, Any] | None = None) -> ClvPage:
    """The latest result and its most valuable customers the user may see; `within` (lookups on clv, e.g.
    {"clv__lte": 500}) reads them from the stored figures instead, highest first, on the clv index."""
    status = clv_status_get(user=user)
    result = status.latest.result if status.latest else None
    rows: list[dict[str, Any]] = []
    if result and within:
        found = list(
            clv_customer_query(user=user)
            .filter(**within)
            .order_by("-clv", "account_id")
            .values("account_id", "clv", "p_alive", "expected_purchases", "expected_order_value")[:top]
        )
        names = dict(
            account_query(user=user).filter(pk__in=[r["account_id"] for r in found]).values_list("pk", "name")
        )
        rows = [{**r, "account": r["account_id"], "name": names.get(r["account_id"], "")} for r in found]
    elif result:
        wanted = [row["account"] for row in result.get("top", [])]
        names = dict(account_query(user=user).filter(pk__in=wanted).values_list("pk", "name"))
        rows = [
            {**row, "name": names[row["account"]]} for row in result.get("top", []) if row["account"] in names
        ]
    return ClvPage(status=status, result=result, top=rows[:top])


def clv_bands(*, user: Any, edges: Sequence[Decimal]) -> list[int]:
    """How many scored accounts the user may see fall in each band between `edges` (ascending; the first band
    is below edges[0], the last at or above edges[-1]): one query."""
    counts: dict[str, Any] = {}
    bounds = [None, *edges, None]
    for i in range(len(bounds) - 1):
        low, high = bounds[i], bounds[i + 1]
        condition = Q()
        if low is not None:
            condition &= Q(clv__gte=low)
        if high is not None:
            condition &= Q(clv__lt=high)
        counts[f"b{i}"] = Count("pk", filter=condition)
    found = clv_customer_query(user=user).aggregate(**counts)
    return [int(found[f"b{i}"] or 0) for i in range(len(bounds) - 1)]


def clv_customer_query(*, user: Any) -> QuerySet[CustomerInsight]:
    """The scored accounts the user may see."""
    visible = account_query(user=user).values("pk")
    return customer_insight_query(clv__isnull=False, account_id__in=visible)


def clv_customer_list(
    *, user: Any, sort: str | None = None, cursor: str | None = None, limit: int | str | None = None
) -> Page:
    """One keyset page of the per-account figures (default: highest CLV first), company-wide view required."""
    clv_status_get(user=user)
    qs = clv_customer_query(user=user).values(
        "id", "account_id", "expected_purchases", "p_alive", "expected_order_value", "clv", "clv_computed_at"
    )
    return CLV_CUSTOMER_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
