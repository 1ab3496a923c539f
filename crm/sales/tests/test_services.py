"""Opportunity services: stage rules, optimistic locking, history, playbooks, won/lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.activities.selectors import activity_for_record_query
from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.sales.enums import OpportunityStatus
from crm.sales.errors import OpportunityNotOpen, StageRequirementsMissing
from crm.sales.models import Opportunity, StageChange
from crm.sales.selectors import stage_history
from crm.sales.services import (
    opportunity_close_lost,
    opportunity_close_won,
    opportunity_create,
    opportunity_move_stage,
    opportunity_update,
    pipeline_create,
)
from crm.sales.tests.factories import STAGES, make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


def _snapshot(opportunity: Any) -> dict[str, Any]:
    row = Opportunity.objects.filter(pk=opportunity.pk).values().get()
    row.pop("updated_at")
    return row


def _tasks(account_id: int) -> list[str]:
    return sorted(
        activity_for_record_query(object_type="contacts.account", object_id=account_id)
        .filter(kind="task")
        .values_list("subject", flat=True)
    )


def test_create_defaults_probability_from_stage_and_records_history() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner)
    assert opportunity.stage.name == "Qualify"
    assert opportunity.probability == 10
    assert opportunity.weighted_amount == Decimal("100.00")
    assert opportunity.status == OpportunityStatus.OPEN
    change = StageChange.objects.get(opportunity=opportunity)
    assert change.from_stage is None and change.to_stage.name == "Qualify"
    assert _tasks(opportunity.account_id) == ["Call the buyer"]


def test_create_refuses_bad_currency_and_missing_fields_and_stores_nothing() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    account = AccountFactory(owner=owner)
    with pytest.raises(InvalidInput) as caught:
        opportunity_create(
            actor=owner, pipeline=pipeline, name="X", account=account, currency="EURO", amount="-5"
        )
    assert set(caught.value.field_errors) == {"currency", "amount", "close_date"}
    assert not Opportunity.objects.exists()


def test_create_in_stage_with_required_fields_refused_without_them() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    with pytest.raises(InvalidInput) as caught:
        make_opportunity(pipeline=pipeline, owner=owner, stage=stage(pipeline, "Proposal"), amount=None)
    assert set(caught.value.field_errors) == {"amount", "next_step"}
    assert not Opportunity.objects.exists()


def test_move_without_required_fields_is_refused_and_nothing_changes() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner, amount=None)
    before = _snapshot(opportunity)
    tasks_before = _tasks(opportunity.account_id)
    with pytest.raises(StageRequirementsMissing) as caught:
        opportunity_move_stage(actor=owner, opportunity=opportunity, stage=stage(pipeline, "Proposal"))
    errors = caught.value.field_errors
    assert set(errors) == {"amount", "next_step"}
    assert "Proposal" in errors["amount"][0]
    assert _snapshot(opportunity) == before
    assert StageChange.objects.filter(opportunity=opportunity).count() == 1
    assert _tasks(opportunity.account_id) == tasks_before


def test_move_records_history_with_time_in_previous_stage_and_creates_playbook_tasks() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    start = timezone.now() - dt.timedelta(days=10)
    opportunity = opportunity_create(
        actor=None,
        pipeline=pipeline,
        owner=owner,
        name="Big deal",
        account=AccountFactory(owner=owner),
        close_date=dt.date(2026, 12, 1),
        amount=Decimal("5000"),
        next_step="Send pricing",
        at=start,
    )
    moved_at = start + dt.timedelta(days=3, hours=2)
    moved = opportunity_move_stage(
        actor=owner, opportunity=opportunity, stage=stage(pipeline, "Proposal"), at=moved_at
    )
    assert moved.stage.name == "Proposal"
    assert moved.probability == 50
    assert moved.version == 2
    change = StageChange.objects.filter(opportunity=opportunity).latest("at")
    assert change.from_stage.name == "Qualify"
    assert change.seconds_in_previous == (3 * 86400 + 7200)
    assert change.actor == owner
    assert _tasks(opportunity.account_id) == ["Book a review call", "Call the buyer", "Send the proposal"]
    stays = stage_history(opportunity=moved)
    assert [s.stage.name for s in stays] == ["Qualify", "Proposal"]
    assert stays[0].seconds == 3 * 86400 + 7200
    assert stays[1].is_current


def test_stale_version_is_refused_and_nothing_is_overwritten() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner)
    seen = opportunity.version
    opportunity_update(actor=owner, opportunity=opportunity, expected_version=seen, next_step="First edit")
    before = _snapshot(opportunity)
    with pytest.raises(ConcurrentEdit) as caught:
        opportunity_update(
            actor=owner, opportunity=opportunity, expected_version=seen, next_step="Second edit"
        )
    assert "changed this record" in caught.value.message
    assert _snapshot(opportunity) == before
    with pytest.raises(ConcurrentEdit):
        opportunity_move_stage(
            actor=owner, opportunity=opportunity, stage=stage(pipeline, "Negotiation"), expected_version=seen
        )
    assert _snapshot(opportunity) == before


def test_update_cannot_empty_a_field_the_current_stage_requires() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner, next_step="Call")
    opportunity = opportunity_move_stage(
        actor=owner, opportunity=opportunity, stage=stage(pipeline, "Proposal")
    )
    before = _snapshot(opportunity)
    with pytest.raises(InvalidInput) as caught:
        opportunity_update(actor=owner, opportunity=opportunity, next_step="")
    assert set(caught.value.field_errors) == {"next_step"}
    assert _snapshot(opportunity) == before


def test_update_refuses_fields_outside_the_allow_list() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner)
    with pytest.raises(InvalidInput) as caught:
        opportunity_update(actor=owner, opportunity=opportunity, status="won", version=9)
    assert set(caught.value.field_errors) == {"status", "version"}


def test_close_won_and_lost() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    won = opportunity_close_won(actor=owner, opportunity=make_opportunity(pipeline=pipeline, owner=owner))
    assert won.status == OpportunityStatus.WON and won.stage.is_won and won.probability == 100
    assert won.closed_on == timezone.localdate()
    with pytest.raises(OpportunityNotOpen):
        opportunity_close_lost(actor=owner, opportunity=won, reason="Too late")
    won.refresh_from_db()
    assert won.status == OpportunityStatus.WON

    lost = make_opportunity(pipeline=pipeline, owner=owner)
    before = _snapshot(lost)
    with pytest.raises(InvalidInput) as caught:
        opportunity_close_lost(actor=owner, opportunity=lost, reason="  ")
    assert set(caught.value.field_errors) == {"lost_reason"}
    assert _snapshot(lost) == before
    lost = opportunity_close_lost(actor=owner, opportunity=lost, reason="Price")
    assert lost.status == OpportunityStatus.LOST and lost.lost_reason == "Price" and lost.probability == 0


def test_reopening_a_lost_opportunity_clears_the_reason() -> None:
    pipeline = make_pipeline()
    owner = UserFactory()
    lost = opportunity_close_lost(
        actor=owner, opportunity=make_opportunity(pipeline=pipeline, owner=owner), reason="Price"
    )
    reopened = opportunity_move_stage(actor=owner, opportunity=lost, stage=stage(pipeline, "Negotiation"))
    assert (
        reopened.status == OpportunityStatus.OPEN
        and reopened.lost_reason == ""
        and reopened.closed_on is None
    )


def test_rep_cannot_change_another_teams_opportunity(make_user: Any) -> None:
    pipeline = make_pipeline()
    north = make_user("sales_rep", team="North")
    south = make_user("sales_rep", team="South")
    teammate = make_user("sales_rep", team="North")
    opportunity = make_opportunity(pipeline=pipeline, owner=north)
    before = _snapshot(opportunity)
    with pytest.raises(RecordNotFound):
        opportunity_update(actor=south, opportunity=opportunity, name="Mine now")
    with pytest.raises(PermissionDenied):  # sees the team's deals, changes only their own
        opportunity_move_stage(actor=teammate, opportunity=opportunity, stage=stage(pipeline, "Negotiation"))
    assert _snapshot(opportunity) == before


def test_pipeline_needs_won_and_lost_stages() -> None:
    with pytest.raises(InvalidInput) as caught:
        pipeline_create(actor=None, name="Broken", stages=[s for s in STAGES if not s.get("is_lost")])
    assert "stages" in caught.value.field_errors


def test_deleting_the_account_bins_its_opportunities(django_capture_on_commit_callbacks: Any) -> None:
    from crm.contacts.services import account_delete

    pipeline = make_pipeline()
    owner = UserFactory()
    opportunity = make_opportunity(pipeline=pipeline, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(actor=None, account=opportunity.account)
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert Opportunity.all_objects.get(pk=opportunity.pk).deleted_at is not None
