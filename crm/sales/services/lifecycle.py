"""The deals' lifecycle table (`DealLifecycle`): one row per opportunity with the time it reached each milestone.

The handlers of the sales events (`crm.sales.handlers`) call `lifecycle_refresh` for the deal an event is about;
it reads the documents' own timestamps (the quotes' `sent_at`/`accepted_at`, the orders' creation, the
deliveries' `shipped_at`/`delivered_at`, the moves into a won or lost stage), so a handler run twice, or late,
writes the same row: idempotent, and a milestone once set only moves to an earlier time (the earliest wins).
`lifecycle_rebuild` recomputes every row set-based, a chunk of opportunities at a time (existing data, the demo).
Leads live in a higher layer: the lead conversion hands its timestamps over with `deal_lifecycle_record_lead`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Min

from crm.sales.models import DealLifecycle, Delivery, Opportunity, Order, Quote, StageChange
from crm.sales.models.lifecycle import MILESTONES, OUTCOMES

REBUILD_CHUNK = 5_000
# the milestones the documents of the sales app answer (the lead's come from the conversion, service's later)
_DOCUMENT_MILESTONES = (
    "opportunity_opened_at",
    "quote_sent_at",
    "quote_accepted_at",
    "ordered_at",
    "shipped_at",
    "delivered_at",
    "won_at",
    "lost_at",
)
_BASE_FIELDS = ("account_id", "owner_id", "team_id", "pipeline_id")
_ALL_STAMPS = (*MILESTONES, *OUTCOMES)


def _earliest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _computed(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each live opportunity's base fields and document milestones, read set-based (six queries per batch)."""
    rows: dict[int, dict[str, Any]] = {}
    opportunities = Opportunity.objects.filter(pk__in=ids).values_list(
        "pk", "account_id", "owner_id", "owner__team_id", "pipeline_id", "created_at"
    )
    for pk, account_id, owner_id, team_id, pipeline_id, created_at in opportunities:
        rows[pk] = dict.fromkeys(_DOCUMENT_MILESTONES)
        rows[pk].update(
            account_id=account_id,
            owner_id=owner_id,
            team_id=team_id,
            pipeline_id=pipeline_id,
            opportunity_opened_at=created_at,
        )
    if not rows:
        return rows
    keys = list(rows)
    quotes = (
        Quote.objects.filter(opportunity_id__in=keys)
        .values("opportunity_id")
        .annotate(sent=Min("sent_at"), accepted=Min("accepted_at"))
        .values_list("opportunity_id", "sent", "accepted")
    )
    for pk, sent, accepted in quotes:
        rows[pk]["quote_sent_at"] = sent
        rows[pk]["quote_accepted_at"] = accepted
    orders = (
        Order.objects.filter(opportunity_id__in=keys)
        .values("opportunity_id")
        .annotate(first=Min("created_at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in orders:
        rows[pk]["ordered_at"] = first
    deliveries = (
        Delivery.objects.filter(order__opportunity_id__in=keys, order__deleted_at__isnull=True)
        .values("order__opportunity_id")
        .annotate(shipped=Min("shipped_at"), delivered=Min("delivered_at"))
        .values_list("order__opportunity_id", "shipped", "delivered")
    )
    for pk, shipped, delivered in deliveries:
        rows[pk]["shipped_at"] = shipped
        rows[pk]["delivered_at"] = delivered
    closes = (
        StageChange.objects.filter(opportunity_id__in=keys, to_stage__is_won=True)
        .values("opportunity_id")
        .annotate(first=Min("at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in closes:
        rows[pk]["won_at"] = first
    losses = (
        StageChange.objects.filter(opportunity_id__in=keys, to_stage__is_lost=True)
        .values("opportunity_id")
        .annotate(first=Min("at"))
        .values_list("opportunity_id", "first")
    )
    for pk, first in losses:
        rows[pk]["lost_at"] = first
    return rows


def _write(rows: dict[int, dict[str, Any]], *, merge: Callable[[str, Any, Any], Any]) -> int:
    """Upsert `rows` (opportunity id → fields): each stamp is `merge(name, stored, computed)`."""
    if not rows:
        return 0
    stored = {
        row["opportunity_id"]: row
        for row in DealLifecycle.objects.filter(opportunity_id__in=list(rows)).values(
            "opportunity_id", *_ALL_STAMPS
        )
    }
    objects = []
    for pk, fields in rows.items():
        before = stored.get(pk, {})
        stamps = {name: merge(name, before.get(name), fields.get(name)) for name in _ALL_STAMPS}
        started = _earliest(stamps["lead_created_at"], stamps["opportunity_opened_at"])
        if started is None:  # an opportunity always has its creation time; this keeps the types honest
            continue
        objects.append(
            DealLifecycle(
                opportunity_id=pk,
                started_at=started,
                **{name: fields[name] for name in _BASE_FIELDS},
                **stamps,
            )
        )
    DealLifecycle.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["opportunity"],
        update_fields=["account", "owner", "team", "pipeline", "started_at", *_ALL_STAMPS],
    )
    return len(objects)


def _keep_earliest(name: str, stored: Any, computed: Any) -> Any:
    return _earliest(stored, computed)


def _recompute(name: str, stored: Any, computed: Any) -> Any:
    # the documents are the truth for their milestones; what only the lead (or service) knew is kept
    return computed if name in _DOCUMENT_MILESTONES else stored


@transaction.atomic
def lifecycle_refresh(*, opportunity_ids: Iterable[int]) -> int:
    """Bring the lifecycle rows of these opportunities up to date from their documents (earliest wins).
    Deleted or unknown opportunities are skipped. Answers how many rows were written."""
    ids = sorted({int(pk) for pk in opportunity_ids})
    return _write(_computed(ids), merge=_keep_earliest)


def deal_lifecycle_record_lead(
    *,
    opportunity_id: int,
    lead_created_at: dt.datetime,
    lead_qualified_at: dt.datetime | None = None,
) -> None:
    """The lead a deal came from (called by the lead conversion, inside its transaction): its creation and
    qualification times join the deal's row (earlier values already stored are kept)."""
    rows = _computed([opportunity_id])
    if not rows:
        return
    rows[opportunity_id]["lead_created_at"] = lead_created_at
    rows[opportunity_id]["lead_qualified_at"] = lead_qualified_at
    _write(rows, merge=_keep_earliest)


def lifecycle_rebuild(*, chunk: int = REBUILD_CHUNK, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every deal's row from the documents, `chunk` opportunities per transaction (keyset over the
    ids, constant memory): rows of deleted opportunities go, the lead's timestamps stay. Answers the number of
    rows written; `progress(done)` is called after each chunk."""
    done = 0
    last = 0
    while True:
        ids = list(
            Opportunity.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            break
        with transaction.atomic():
            done += _write(_computed(ids), merge=_recompute)
        last = ids[-1]
        if progress is not None:
            progress(done)
    with transaction.atomic():
        DealLifecycle.objects.filter(opportunity__deleted_at__isnull=False).delete()
    return done
