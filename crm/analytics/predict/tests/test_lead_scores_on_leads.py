"""Lead scores where leads are used: scored at creation from the stored model, routed by an assignment rule on
the score, sorted in the list (UI and API), explained on the lead page under the lead's own permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import AnalysisRun
from crm.contacts.tests.factories import user_with_role
from crm.core.api.tests.client import ApiClient
from crm.core.assignment.services import rule_create
from crm.leads.services import lead_create
from crm.leads.services.scores import lead_scores_set

pytestmark = pytest.mark.django_db

# a hand-made model: a referral adds 5 to the log-odds (score 99), anything else scores 50
MODEL = {"features": ["source=referral"], "mean": [0.0], "scale": [1.0], "coef": [5.0], "intercept": 0.0}


def _stored_model() -> None:
    AnalysisRun.objects.create(
        kind="lead_scoring", status=RunStatus.DONE, result={"model": MODEL, "auc": 0.9}
    )


def _lead(pk: int) -> Any:
    return apps.get_model("leads", "Lead").all_objects.get(pk=pk)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_lead_is_scored_after_commit_when_a_model_exists(
    rep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        before = lead_create(actor=rep, first_name="Before", source="referral")
    assert _lead(before.pk).score is None  # no model yet: nothing to score with
    _stored_model()
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(actor=rep, first_name="Rosa", source="referral")
    stored = _lead(lead.pk)
    assert stored.score == 99
    assert (
        stored.score_factors[0]["feature"] == "source=referral" and stored.score_factors[0]["effect"] == 5.0
    )


def test_an_assignment_rule_on_the_score_routes_a_new_lead(
    admin: Any, rep: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _stored_model()
    rule_create(
        actor=admin, name="Hot leads", object_type="leads.lead", min_score=80, strategy="user", user=manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        hot = lead_create(actor=admin, first_name="Hot", source="referral")
        cold = lead_create(actor=admin, first_name="Cold", source="web_form")
        named = lead_create(actor=admin, owner=rep, first_name="Named", source="referral")
    assert _lead(hot.pk).owner_id == manager.pk  # scored 99 ≥ 80: the rule hands it over
    assert _lead(cold.pk).owner_id == admin.pk  # scored 50: no rule, the creator keeps it
    assert _lead(named.pk).owner_id == rep.pk  # an owner named by the creator is never overridden


def test_a_minimum_score_is_refused_where_records_have_no_score(admin: Any, manager: Any) -> None:
    from crm.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        rule_create(
            actor=admin, name="x", object_type="contacts.account", min_score=50, strategy="user", user=manager
        )
    assert "min_score" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        rule_create(
            actor=admin, name="x", object_type="leads.lead", min_score=101, strategy="user", user=manager
        )
    assert "min_score" in exc.value.field_errors


def _scored(rep: Any) -> list[int]:
    ids = [lead_create(actor=rep, first_name=f"L{i}").pk for i in range(5)]
    lead_scores_set(scores=[(ids[0], 20, []), (ids[1], 90, []), (ids[2], 55, []), (ids[3], 90, [])])
    return ids  # ids[4] has no score


def test_sorting_by_score_in_the_api_pages_through_the_unscored_last(rep: Any) -> None:
    ids = _scored(rep)
    api = ApiClient(rep)
    seen: list[int] = []
    cursor = ""
    while True:
        body = api.get(
            "/api/v1/leads", {"sort": "-score", "limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body.get("next_cursor") or ""
        if not cursor:
            break
    assert seen == [ids[3], ids[1], ids[2], ids[0], ids[4]]
    up: list[int] = []
    cursor = ""
    while True:
        body = api.get(
            "/api/v1/leads", {"sort": "score", "limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        up += [item["id"] for item in body["items"]]
        cursor = body.get("next_cursor") or ""
        if not cursor:
            break
    assert up == [ids[4], ids[0], ids[2], ids[1], ids[3]]
    first = api.get("/api/v1/leads", {"sort": "-score", "limit": 1}).json()["items"][0]
    assert first["score"] == 90 and first["score_factors"] == []
    hot = api.get("/api/v1/leads", {"score__gte": 60}).json()["items"]
    assert {i["id"] for i in hot} == {ids[1], ids[3]}


def test_sorting_by_score_in_the_list_page(rep: Any) -> None:
    ids = _scored(rep)
    page = _client(rep).get("/leads/", {"sort": "-score"})
    assert page.status_code == 200
    html = page.content.decode()
    positions = [html.index(f">L{ids.index(pk)}<") for pk in (ids[3], ids[1], ids[2], ids[0], ids[4])]
    assert positions == sorted(positions)


def test_the_lead_page_explains_the_score_to_whoever_may_see_the_lead(rep: Any, north: Any) -> None:
    lead = lead_create(actor=rep, first_name="Explained")
    factors = [
        {"feature": "source=referral", "label": "x", "effect": 1.2},
        {"feature": "has_phone", "label": "y", "effect": -0.4},
    ]
    lead_scores_set(scores=[(lead.pk, 77, factors)])
    html = _client(rep).get(lead.get_absolute_url()).content.decode()
    assert 'data-score="77"' in html and "Source: Referral" in html and "Phone given" in html
    stranger = user_with_role("sales_rep")
    assert _client(stranger).get(lead.get_absolute_url()).status_code == 404
    spanish = _client(rep).get(lead.get_absolute_url(), headers={"accept-language": "es"})
    assert spanish.status_code == 200
