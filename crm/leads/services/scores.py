"""Lead scores: the analytics' lead-scoring model writes them here (leads never import analytics), and a lead
scored right after it was created may be routed by an assignment rule on the score."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.assignment.services import assignment_owner_pick
from crm.leads.enums import LeadStatus
from crm.leads.models import Lead
from crm.leads.services.leads import OBJECT_TYPE, lead_assign_owner, lead_facts

_BATCH = 2_000


def lead_scores_set(
    *, scores: Iterable[tuple[int, int, Sequence[dict[str, Any]]]], clear_others: bool = False
) -> int:
    """Store `(lead_id, score 0-100, factors)` for many leads in one transaction; with `clear_others`, leads
    not in `scores` lose an old score (a retrained model scores every lead it can). Not audited: a score is a
    computed figure, like a report's. Returns the number of leads written."""
    now = timezone.now()
    written = 0
    batch: list[Lead] = []

    def flush() -> None:
        nonlocal written
        if batch:
            Lead.all_objects.bulk_update(batch, ["score", "score_factors", "scored_at"], batch_size=_BATCH)
            written += len(batch)
            batch.clear()

    with transaction.atomic():
        for lead_id, score, factors in scores:
            if not 0 <= int(score) <= 100:
                raise ValueError(f"score out of range for lead {lead_id}: {score}")
            batch.append(Lead(pk=lead_id, score=int(score), score_factors=list(factors), scored_at=now))
            if len(batch) >= _BATCH:
                flush()
        flush()
        if clear_others:
            Lead.all_objects.exclude(scored_at=now).exclude(scored_at__isnull=True).update(
                score=None, score_factors=[], scored_at=None
            )
    return written


def lead_score_apply(
    *, lead_id: int, score: int, factors: Sequence[dict[str, Any]], route: bool = False
) -> Lead | None:
    """Store the score of one lead (a new lead scored after it was created). With `route` (its owner was not
    named by whoever created it), an assignment rule on the score that matches hands it over. Returns the lead,
    or None when it is gone."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
        if lead is None:
            return None
        Lead.objects.filter(pk=lead_id).update(
            score=int(score), score_factors=list(factors), scored_at=timezone.now()
        )
        lead.score = int(score)
        if not route or lead.status != LeadStatus.NEW:
            return lead
        facts = lead_facts(
            fields={"country": lead.country, "region": lead.region, "postal_code": lead.postal_code}
        )
        owner = assignment_owner_pick(
            object_type=OBJECT_TYPE, facts={**facts, "score": lead.score}, score_rules_only=True
        )
        if owner is not None and owner.pk != lead.owner_id:
            lead = lead_assign_owner(
                actor=None, lead=lead, owner=owner, reason=_("Assignment rule on the lead score")
            )
    return lead
