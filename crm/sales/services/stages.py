"""Stage rules: what a stage requires, moving an opportunity between stages (with its history and playbook),
and closing it won or lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.activities.services import activity_create
from crm.core.audit.context import audit_context
from crm.core.errors import ConcurrentEdit, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.records import record_authorize
from crm.sales.enums import OpportunityStatus
from crm.sales.errors import OpportunityNotOpen, StageNotInPipeline, StageRequirementsMissing
from crm.sales.events import OpportunityLost, OpportunityStageChanged, OpportunityWon
from crm.sales.models import Opportunity, OpportunityContact, Stage, StageChange
from crm.sales.services.forecast import forecast_cells, forecast_summary_refresh
from crm.sales.services.values import text_clean, user_or_none


def stage_missing_fields(stage: Stage, opportunity: Opportunity, contact_count: int) -> dict[str, list[str]]:
    """The fields `stage` requires that `opportunity` lacks, each with the reason."""
    message = _("Required to enter the stage “%(stage)s”.") % {"stage": stage.label}
    missing: dict[str, list[str]] = {}
    for name in stage.required_fields or []:
        if name == "contacts":
            empty = contact_count == 0
        else:
            value = getattr(opportunity, name, None)
            empty = value is None or value == ""
        if empty:
            missing[name] = [message]
    return missing


def contact_count(opportunity: Opportunity) -> int:
    if opportunity.pk is None:
        return 0
    return OpportunityContact.objects.filter(opportunity_id=opportunity.pk).count()


def playbook_tasks_create(*, opportunity: Opportunity, stage: Stage, actor: Any, now: dt.datetime) -> int:
    """Create the stage's playbook tasks for the opportunity's owner, on its account (the activities app's
    public service). The system creates them, on behalf of the actor who moved the deal."""
    made = 0
    for item in stage.playbook or []:
        with audit_context(actor=actor):
            activity_create(
                actor=None,
                kind="task",
                subject=str(item["title"])[:200],
                body=_("Playbook of the stage “%(stage)s” for “%(name)s”.")
                % {"stage": stage.label, "name": opportunity.name},
                owner=opportunity.owner,
                account_id=opportunity.account_id,
                due_at=now + dt.timedelta(days=int(item.get("due_in_days") or 0)),
            )
        made += 1
    return made


def opportunity_locked(opportunity: Opportunity, *, actor: Any, expected_version: int | None) -> Opportunity:
    locked = Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


@transaction.atomic
def opportunity_move_stage(
    *,
    actor: Any,
    opportunity: Opportunity,
    stage: Stage,
    expected_version: int | None = None,
    lost_reason: str = "",
    at: dt.datetime | None = None,
    playbook: bool = True,
) -> Opportunity:
    """Move an opportunity to another stage of its pipeline.

    Refused (StageRequirementsMissing, naming each field) when the stage requires fields the opportunity lacks;
    a lost stage needs `lost_reason`. Records the stage history (with the time spent in the stage it left),
    takes the stage's probability, creates the stage's playbook tasks, and closes (won/lost) or reopens the
    opportunity when the stage says so. Nothing changes when it is refused. `at` and `playbook=False` are for
    loading history (the demo, imports): a backdated move creates no to-dos."""
    locked = opportunity_locked(opportunity, actor=actor, expected_version=expected_version)
    if stage.pipeline_id != locked.pipeline_id:
        raise StageNotInPipeline(field_errors={"stage": [str(StageNotInPipeline.default_message)]})
    if stage.pk == locked.stage_id:
        return locked
    errors = stage_missing_fields(stage, locked, contact_count(locked))
    reason = text_clean(lost_reason, 300)
    if stage.is_lost and not reason:
        errors["lost_reason"] = [_("Say why the opportunity was lost.")]
    if errors:
        raise StageRequirementsMissing(field_errors=errors)
    now = at or timezone.now()
    before = forecast_cells([locked])
    previous = locked.stage
    seconds = max(0, int((now - locked.stage_entered_at).total_seconds()))
    was_open = locked.is_open
    locked.stage = stage
    locked.stage_entered_at = now
    locked.probability = stage.probability
    if stage.is_won:
        locked.status = OpportunityStatus.WON
        locked.closed_on = timezone.localdate(now)
        locked.lost_reason = ""
    elif stage.is_lost:
        locked.status = OpportunityStatus.LOST
        locked.closed_on = timezone.localdate(now)
        locked.lost_reason = reason
    else:
        locked.status = OpportunityStatus.OPEN
        locked.closed_on = None
        locked.lost_reason = ""
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    StageChange.objects.create(
        opportunity=locked,
        from_stage=previous,
        to_stage=stage,
        actor=user_or_none(actor),
        at=now,
        seconds_in_previous=seconds,
    )
    if playbook and not stage.is_closed:
        playbook_tasks_create(opportunity=locked, stage=stage, actor=actor, now=now)
    forecast_summary_refresh(opportunity_ids=[locked.pk], before=before)
    actor_id = getattr(actor, "pk", None)
    publish_on_commit(
        OpportunityStageChanged(
            opportunity_id=locked.pk, from_stage_id=previous.pk, to_stage_id=stage.pk, actor_id=actor_id
        )
    )
    if was_open and stage.is_won:
        publish_on_commit(OpportunityWon(opportunity_id=locked.pk, actor_id=actor_id))
    if was_open and stage.is_lost:
        publish_on_commit(OpportunityLost(opportunity_id=locked.pk, reason=reason, actor_id=actor_id))
    return locked


def _closing_stage(opportunity: Opportunity, *, won: bool) -> Stage:
    stage = (
        Stage.objects.filter(
            pipeline_id=opportunity.pipeline_id, **({"is_won": True} if won else {"is_lost": True})
        )
        .order_by("position", "id")
        .first()
    )
    if stage is None:  # pipeline_create guarantees one of each
        raise StageNotInPipeline(field_errors={"stage": [str(StageNotInPipeline.default_message)]})
    return stage


def opportunity_close_won(
    *,
    actor: Any,
    opportunity: Opportunity,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Opportunity:
    """Mark an open opportunity won: it moves to its pipeline's won stage (that stage's requirements apply)."""
    with transaction.atomic():
        locked = opportunity_locked(opportunity, actor=actor, expected_version=expected_version)
        if not locked.is_open:
            raise OpportunityNotOpen()
        return opportunity_move_stage(
            actor=actor, opportunity=locked, stage=_closing_stage(locked, won=True), at=at
        )


def opportunity_close_lost(
    *,
    actor: Any,
    opportunity: Opportunity,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Opportunity:
    """Mark an open opportunity lost, saying why (required)."""
    with transaction.atomic():
        locked = opportunity_locked(opportunity, actor=actor, expected_version=expected_version)
        if not locked.is_open:
            raise OpportunityNotOpen()
        return opportunity_move_stage(
            actor=actor,
            opportunity=locked,
            stage=_closing_stage(locked, won=False),
            lost_reason=reason,
            at=at,
        )
