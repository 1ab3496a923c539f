"""Settings → Pipelines: administrators create, edit, reorder and deactivate pipelines and their stages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.sales.models import Pipeline, Stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("administrator")


def test_settings_navigation_links_the_pipelines_screen(admin: Any) -> None:
    html = _client(admin).get(reverse("sales:pipeline_admin_list")).content.decode()
    assert reverse("sales:pipeline_admin_list") in html and "No pipelines yet" in html


def test_create_a_pipeline_then_add_and_edit_stages(admin: Any) -> None:
    client = _client(admin)
    response = client.post(
        reverse("sales:pipeline_admin_create"),
        {
            "name": "Partners",
            "name_es": "Socios",
            "open_stages": "Discover\nAgree",
            "won_name": "Won",
            "lost_name": "Lost",
        },
    )
    pipeline = Pipeline.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "sales:pipeline_admin_detail", args=[pipeline.pk]
    )
    assert [(s.name, s.probability) for s in pipeline.stages.order_by("position")] == [
        ("Discover", 33),
        ("Agree", 67),
        ("Won", 100),
        ("Lost", 0),
    ]
    add = client.post(
        reverse("sales:stage_admin_create", args=[pipeline.pk]),
        {
            "stage-name": "Trial",
            "stage-name_es": "Prueba",
            "stage-probability": "75",
            "stage-forecast_category": "commit",
            "stage-closing": "open",
            "stage-required_fields": ["amount", "contacts"],
            "stage-playbook": "Set up the trial | 2\nCheck in",
        },
    )
    assert add.status_code == 302
    trial = Stage.objects.get(name="Trial")
    assert trial.required_fields == ["amount", "contacts"]
    assert trial.playbook == [
        {"title": "Set up the trial", "due_in_days": 2},
        {"title": "Check in", "due_in_days": 0},
    ]
    assert [s.name for s in pipeline.stages.order_by("position")] == [
        "Discover",
        "Agree",
        "Trial",
        "Won",
        "Lost",
    ]
    edit = client.post(
        reverse("sales:stage_admin_update", args=[pipeline.pk, trial.pk]),
        {
            "name": "Pilot",
            "probability": "80",
            "forecast_category": "commit",
            "closing": "open",
            "playbook": "",
        },
    )
    assert edit.status_code == 302
    trial.refresh_from_db()
    assert (trial.name, trial.probability, trial.required_fields, trial.playbook) == ("Pilot", 80, [], [])
    client.post(
        reverse("sales:stage_admin_reorder", args=[pipeline.pk]), {"stage": trial.pk, "direction": "up"}
    )
    assert [s.name for s in pipeline.stages.order_by("position")][:3] == ["Discover", "Pilot", "Agree"]
    detail = client.get(reverse("sales:pipeline_admin_detail", args=[pipeline.pk])).content.decode()
    assert "Pilot" in detail and "Add a stage" in detail


def test_bad_input_shows_inline_errors_and_stores_nothing(admin: Any) -> None:
    client = _client(admin)
    response = client.post(
        reverse("sales:pipeline_admin_create"),
        {"name": "", "open_stages": "A", "won_name": "W", "lost_name": "L"},
    )
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    assert not Pipeline.objects.exists()
    pipeline = make_pipeline()
    before = list(Stage.objects.values_list("name", "position"))
    bad = client.post(
        reverse("sales:stage_admin_create", args=[pipeline.pk]),
        {
            "stage-name": "X",
            "stage-probability": "10",
            "stage-forecast_category": "pipeline",
            "stage-closing": "open",
            "stage-playbook": "Call | soon",
        },
    )
    assert bad.status_code == 422 and "must be a whole number" in bad.content.decode()
    won = client.post(
        reverse("sales:stage_admin_update", args=[pipeline.pk, stage(pipeline, "Won").pk]),
        {"name": "Won", "probability": "100", "forecast_category": "closed", "closing": "open"},
    )
    assert won.status_code == 422 and "A pipeline needs a won stage and a lost stage." in won.content.decode()
    assert list(Stage.objects.values_list("name", "position")) == before


def test_removing_a_stage_holding_opportunities_says_why(admin: Any, make_user: Any) -> None:
    pipeline = make_pipeline()
    make_opportunity(pipeline=pipeline, owner=make_user())
    client = _client(admin)
    qualify = stage(pipeline, "Qualify")
    response = client.post(reverse("sales:stage_admin_remove", args=[pipeline.pk, qualify.pk]), follow=True)
    assert (
        "1 opportunity is in the stage “Qualify”. Move it to another stage first."
        in response.content.decode()
    )
    assert Stage.objects.filter(pk=qualify.pk).exists()
    negotiation = stage(pipeline, "Negotiation")
    client.post(reverse("sales:stage_admin_remove", args=[pipeline.pk, negotiation.pk]))
    assert not Stage.objects.filter(pk=negotiation.pk).exists()


def test_deactivate_and_reorder_pipelines(admin: Any) -> None:
    first, second = make_pipeline(), make_pipeline("Renewals")
    client = _client(admin)
    client.post(reverse("sales:pipeline_admin_detail", args=[second.pk]), {"name": "Renewals", "name_es": ""})
    second.refresh_from_db()
    assert second.is_active is False  # the box was not ticked
    client.post(reverse("sales:pipeline_admin_reorder"), {"pipeline": second.pk, "direction": "up"})
    assert list(Pipeline.objects.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    board = client.get(reverse("sales:pipeline_board", args=[first.pk])).content.decode()
    assert reverse("sales:pipeline_board", args=[second.pk]) not in board


def test_only_administrators(make_user: Any) -> None:
    pipeline = make_pipeline()
    client = _client(make_user("sales_manager"))
    assert client.get(reverse("sales:pipeline_admin_list")).status_code == 403
    assert (
        client.post(reverse("sales:pipeline_admin_detail", args=[pipeline.pk]), {"name": "X"}).status_code
        == 403
    )
    assert Pipeline.objects.get().name == "New business"
