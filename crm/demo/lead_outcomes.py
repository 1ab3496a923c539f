"""The demo's converted leads get a deal, and most of those deals are decided (won or lost) — so lead scoring has
outcomes to learn from right after `crm demo`.

A deal's chance of being won follows what a salesperson would expect (a decision maker, a near timeline, a
referral and a real budget help; a plain user, a far timeline or a cold import hurt), with chance on top, so the
fitted model finds a signal without it being perfect."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from crm.leads.services import lead_convert
from crm.sales.services import opportunity_close_lost, opportunity_close_won

OPEN_SHARE = 0.15  # converted leads whose deal is still being worked
LOST_ES = ["Precio", "Eligió a la competencia", "Sin presupuesto", "Proyecto cancelado"]
LOST_EN = ["Price", "Chose a competitor", "No budget", "Project cancelled"]

_AUTHORITY = {"decision_maker": 1.1, "influencer": 0.3, "evaluator": 0.0, "user": -0.8, "": -0.3}
_TIMELINE = {"now": 0.9, "quarter": 0.5, "half_year": 0.0, "year": -0.5, "later": -0.9, "": -0.2}
_SOURCE = {"referral": 0.9, "partner": 0.6, "event": 0.3, "campaign": 0.0, "manual": 0.0}


def win_chance(lead: Any) -> float:
    """The demo's chance that the deal of `lead` is won (0-1)."""
    logit = -0.3
    logit += _AUTHORITY.get(lead.authority or "", 0.0)
    logit += _TIMELINE.get(lead.timeline or "", 0.0)
    logit += _SOURCE.get(lead.source, -0.4)  # web forms, imports and the API: colder
    if lead.budget_amount is None:
        logit -= 0.5
    elif lead.budget_amount >= 25000:
        logit += 0.4
    return 1.0 / (1.0 + math.exp(-logit))


def demo_leads_decide(*, rng: random.Random, leads: Sequence[Any]) -> dict[str, int]:
    """Convert each of `leads` (qualified, owned) with a new deal in the first pipeline and close most of those
    deals won or lost. Needs the pipelines. Returns how many deals were won, lost and left open."""
    counts = {"won": 0, "lost": 0, "open": 0}
    for lead in leads:
        owner = lead.owner
        with transaction.atomic():
            result = lead_convert(actor=owner, lead=lead, create_opportunity=True)
            deal = result.opportunity
            if deal is None or rng.random() < OPEN_SHARE:
                counts["open"] += 1
                continue
            if rng.random() < win_chance(lead):
                opportunity_close_won(actor=owner, opportunity=deal)
                counts["won"] += 1
            else:
                reasons = LOST_EN if lead.country in ("GB", "IE") else LOST_ES
                opportunity_close_lost(actor=owner, opportunity=deal, reason=rng.choice(reasons))
                counts["lost"] += 1
    return counts
