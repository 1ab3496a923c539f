"""Domain-event handlers: a lead created while a lead-scoring model exists is scored at once (after the
lead's transaction committed), and an assignment rule on the score may then route it."""

from __future__ import annotations

import logging

from crm.analytics.core.selectors import analysis_run_latest
from crm.analytics.predict.lead_scoring import KIND, lead_score_one
from crm.leads.events import LeadCreated
from crm.leads.services.scores import lead_score_apply

log = logging.getLogger(__name__)


def lead_created_score(event: LeadCreated) -> None:
    """Cheap: one read of the stored model (the latest lead-scoring run's parameters), one of the lead."""
    run = analysis_run_latest(kind=KIND)
    model = (run.result or {}).get("model") if run else None
    if not model:
        return
    scored = lead_score_one(model_json=model, lead_id=event.lead_id)
    if scored is None:
        return
    score, factors = scored
    lead_score_apply(lead_id=event.lead_id, score=score, factors=factors, route=not event.owner_given)
