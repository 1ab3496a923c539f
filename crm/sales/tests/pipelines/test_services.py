"""Pipeline administration: edit, reorder, deactivate pipelines; add, edit, reorder, remove stages. Every refusal
leaves the pipeline as it was."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.errors import InvalidInput, PermissionDenied
from crm.sales.errors import StageInUse
from crm.sales.models import Pipeline, Stage
from crm.sales.services import (
    opportunity_delete,
    pipeline_create,
    pipeline_reorder,
    pipeline_update,
    stage_add,
    stage_remove,
    stage_reorder,
    stage_update,
)
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("administrator")


@pytest.fixture
def pipeline() -> Any:
    return make_pipeline()


def _stages(pipeline: Any) -> list[tuple[Any, ...]]:
    return list(
        Stage.objects.filter(pipeline=pipeline)
        .order_by("position")
        .values_list("name", "position", "probability", "is_won", "is_lost", "required_fields", "playbook")
    )


def test_update_renames_and_deactivates(admin: Any, pipeline: Any) -> None:
    pipeline_update(actor=admin, pipeline=pipeline, name="  Big   deals ", name_es="Grandes", is_active=False)
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.name_es, pipeline.is_active) == ("Big deals", "Grandes", False)


def test_update_refuses_an_empty_name_and_non_admins(admin: Any, make_user: Any, pipeline: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        pipeline_update(actor=admin, pipeline=pipeline, name=" ")
    assert "name" in caught.value.field_errors
    with pytest.raises(PermissionDenied):
        pipeline_update(actor=make_user("sales_manager"), pipeline=pipeline, is_active=False)
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.is_active) == ("New business", True)


def test_reorder_pipelines(admin: Any, pipeline: Any) -> None:
    other = make_pipeline("Renewals")
    pipeline_reorder(actor=admin, pipeline_ids=[other.pk, pipeline.pk])
    assert list(Pipeline.objects.order_by("position").values_list("name", flat=True)) == [
        "Renewals",
        "New business",
    ]
    with pytest.raises(InvalidInput):
        pipeline_reorder(actor=admin, pipeline_ids=[other.pk])
    assert list(Pipeline.objects.order_by("position").values_list("name", flat=True)) == [
        "Renewals",
        "New business",
    ]


def test_add_stage_goes_before_the_closing_stages(admin: Any, pipeline: Any) -> None:
    added = stage_add(
        actor=admin,
        pipeline=pipeline,
        name="Demo",
        name_es="Demostración",
        probability=60,
        forecast_category="best_case",
        required_fields=["contacts"],
        playbook=[{"title": "Book the demo", "due_in_days": 2}],
    )
    names = [row[0] for row in _stages(pipeline)]
    assert names == ["Qualify", "Proposal", "Negotiation", "Demo", "Won", "Lost"]
    assert [row[1] for row in _stages(pipeline)] == [0, 1, 2, 3, 4, 5]
    assert added.required_fields == ["contacts"] and added.playbook == [
        {"title": "Book the demo", "due_in_days": 2}
    ]
    stage_add(actor=admin, pipeline=pipeline, name="First", position=0)
    assert [row[0] for row in _stages(pipeline)][:2] == ["First", "Qualify"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Every stage needs a name."),
        ({"name": "X", "probability": 101}, "Probability is a whole number between 0 and 100."),
        ({"name": "X", "required_fields": ["owner"]}, "A stage cannot require “owner”."),
        ({"name": "X", "is_won": True, "is_lost": True}, "A stage is either won or lost, not both."),
        ({"name": "X", "forecast_category": "maybe"}, "“maybe” is not one of the choices."),
        ({"name": "X", "playbook": [{"title": "", "due_in_days": 2}]}, "Each playbook task needs a title"),
    ],
)
def test_add_stage_refuses_bad_input_and_stores_nothing(
    admin: Any, pipeline: Any, data: dict[str, Any], message: str
) -> None:
    before = _stages(pipeline)
    with pytest.raises(InvalidInput) as caught:
        stage_add(actor=admin, pipeline=pipeline, **data)
    assert any(m.startswith(message) for m in caught.value.field_errors["stage"])
    assert _stages(pipeline) == before


def test_update_stage(admin: Any, pipeline: Any) -> None:
    proposal = stage(pipeline, "Proposal")
    stage_update(actor=admin, stage=proposal, probability=40, required_fields=["amount"], playbook=[])
    proposal.refresh_from_db()
    assert (proposal.probability, proposal.required_fields, proposal.playbook) == (40, ["amount"], [])
    assert proposal.name == "Proposal"


def test_update_stage_keeps_the_pipeline_whole(admin: Any, pipeline: Any, make_user: Any) -> None:
    before = _stages(pipeline)
    with pytest.raises(InvalidInput) as caught:
        stage_update(actor=admin, stage=stage(pipeline, "Won"), is_won=False)
    assert caught.value.field_errors["stage"] == ["A pipeline needs a won stage and a lost stage."]
    make_opportunity(pipeline=pipeline, owner=make_user())
    with pytest.raises(InvalidInput) as caught:
        stage_update(actor=admin, stage=stage(pipeline, "Qualify"), is_won=True)
    assert "Opportunities are in this stage" in caught.value.field_errors["stage"][0]
    assert _stages(pipeline) == before


def test_reorder_stages(admin: Any, pipeline: Any) -> None:
    ids = [s.pk for s in pipeline.stages.all()]
    stage_reorder(actor=admin, pipeline=pipeline, stage_ids=[ids[1], ids[0], *ids[2:]])
    assert [row[0] for row in _stages(pipeline)] == ["Proposal", "Qualify", "Negotiation", "Won", "Lost"]
    before = _stages(pipeline)
    for bad in ([ids[0], ids[0], *ids[2:]], ids[:-1], [*ids, 99999], ["x"]):
        with pytest.raises(InvalidInput):
            stage_reorder(actor=admin, pipeline=pipeline, stage_ids=bad)
    assert _stages(pipeline) == before


def test_remove_stage(admin: Any, pipeline: Any) -> None:
    stage_remove(actor=admin, stage=stage(pipeline, "Negotiation"))
    assert [row[:2] for row in _stages(pipeline)] == [
        ("Qualify", 0),
        ("Proposal", 1),
        ("Won", 2),
        ("Lost", 3),
    ]


def test_a_stage_holding_opportunities_is_not_removed(admin: Any, pipeline: Any, make_user: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=make_user())
    before = _stages(pipeline)
    with pytest.raises(StageInUse) as caught:
        stage_remove(actor=admin, stage=stage(pipeline, "Qualify"))
    assert caught.value.message == (
        "1 opportunity is in the stage “Qualify”. Move it to another stage first."
    )
    opportunity_delete(actor=None, opportunity=opportunity)  # in the recycle bin it still holds the stage
    with pytest.raises(StageInUse):
        stage_remove(actor=admin, stage=stage(pipeline, "Qualify"))
    assert _stages(pipeline) == before


def test_the_last_won_lost_or_open_stage_is_not_removed(admin: Any, make_user: Any) -> None:
    small = pipeline_create(
        actor=None,
        name="Small",
        stages=[{"name": "Open"}, {"name": "Won", "is_won": True}, {"name": "Lost", "is_lost": True}],
    )
    before = _stages(small)
    for name in ("Open", "Won", "Lost"):
        with pytest.raises(InvalidInput):
            stage_remove(actor=admin, stage=stage(small, name))
    with pytest.raises(PermissionDenied):
        stage_add(actor=make_user("sales_rep"), pipeline=small, name="Nope")
    assert _stages(small) == before
