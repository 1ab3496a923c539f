"""On a fresh demo database, `crm demo` then `crm analytics refresh lead_scoring` works: the demo's converted
leads carry deals, most of them won or lost, so enough leads have a known outcome to learn from."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from crm.analytics.core.models import AnalysisRun
from crm.analytics.predict.lead_scoring import MIN_DECIDED
from crm.demo.lead_outcomes import win_chance
from crm.leads.models import Lead
from crm.sales.models import Opportunity


@pytest.mark.django_db(transaction=True)
def test_demo_then_lead_scoring_refresh_works(settings: Any) -> None:
    call_command(
        "demo", accounts=30, contacts=40, activities=60, opportunities=20, stdout=io.StringIO()
    )  # 150 leads, as by default
    converted = Lead.objects.filter(status="converted")
    deals = Opportunity.objects.filter(pk__in=converted.values("converted_opportunity_id"))
    assert converted.exists() and not converted.filter(converted_opportunity_id=None).exists()
    outcomes = {s: deals.filter(status=s).count() for s in ("won", "lost", "open")}
    decided = outcomes["won"] + outcomes["lost"] + Lead.objects.filter(status="disqualified").count()
    assert outcomes["won"] > 0 and outcomes["lost"] > 0 and outcomes["open"] > 0
    assert decided >= 2 * MIN_DECIDED

    out = io.StringIO()
    call_command("analytics", "refresh", "lead_scoring", stdout=out, stderr=io.StringIO())

    run = AnalysisRun.objects.get(kind="lead_scoring")
    assert run.status == "done", run.error
    assert run.result["decided"] == decided and 0.0 <= run.result["auc"] <= 1.0
    assert not Lead.objects.filter(status__in=["new", "contacted", "qualified"], score=None).exists()


def test_win_chance_follows_what_a_salesperson_expects() -> None:
    class L:
        authority, timeline, source, budget_amount = "decision_maker", "now", "referral", 60000

    class Cold:
        authority, timeline, source, budget_amount = "user", "later", "import", None

    assert win_chance(L()) > 0.85 and win_chance(Cold()) < 0.1
