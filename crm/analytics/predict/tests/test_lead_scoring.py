"""Lead scoring on synthetic history whose outcome follows a planted signal (referral + decision maker)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.predict.tests import data

pytestmark = pytest.mark.django_db


def _leads() -> Any:
    return apps.get_model("leads", "Lead").all_objects


def _run() -> Any:
    return analysis_run_execute(run_id=analysis_run_request(kind="lead_scoring", actor=None).pk)


def test_scores_rank_won_like_leads_above_lost_like_and_explain_each() -> None:
    world = data.lead_world()
    run = _run()
    assert run.status == RunStatus.DONE, run.error
    assert run.result["auc"] > 0.75
    top = {i["feature"] for i in run.result["importance"][:2]}
    assert top & {"source=referral", "authority=decision_maker"}
    scores = dict(_leads().values_list("pk", "score"))
    assert all(s is not None for s in scores.values())
    good = [scores[pk] for pk in world["open_good"]]
    bad = [scores[pk] for pk in world["open_bad"]]
    assert min(good) > max(bad)
    lead = _leads().get(pk=world["open_good"][0])
    assert lead.score_factors and lead.score_factors[0]["effect"] > 0
    assert lead.score_factors[0]["feature"] in {"source=referral", "authority=decision_maker"}
    assert lead.scored_at is not None
    model = run.result["model"]
    assert len(model["coef"]) == len(model["features"]) == len(model["mean"])


def test_no_history_and_one_class_only_fail_clearly_and_store_nothing() -> None:
    run = _run()
    assert run.status == RunStatus.FAILED and run.error == "There are no leads to learn from."
    owner = data.UserFactory()
    lead = apps.get_model("leads", "Lead")
    lead.objects.bulk_create(
        [
            lead(
                first_name=f"L{i}",
                full_name=f"L{i}",
                owner=owner,
                status="disqualified",
                disqualified_reason="spam",
            )
            for i in range(30)
        ]
    )
    run = _run()
    assert run.status == RunStatus.FAILED
    assert "No lead with a known outcome was won yet" in run.error
    assert not _leads().filter(score__isnull=False).exists()


def test_too_few_decided_leads_is_refused() -> None:
    owner = data.UserFactory()
    lead = apps.get_model("leads", "Lead")
    lead.objects.bulk_create(
        [lead(first_name="L", full_name="L", owner=owner, status="disqualified", disqualified_reason="spam")]
    )
    run = _run()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("Only 1 lead has a known outcome")
