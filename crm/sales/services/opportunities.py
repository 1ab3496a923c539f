"""Writes on opportunities: create, update (optimistic locking), stage moves, won/lost, delete.

Every door (web, API, demo) goes through these functions, so the stage rules hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.sales.errors import StageNotInPipeline
from crm.sales.events import OpportunityOpened
from crm.sales.models import (
    Opportunity,
    OpportunityContact,
    OpportunityLine,
    Pipeline,
    Stage,
    StageChange,
)
from crm.sales.services.forecast import forecast_cells, forecast_summary_refresh
from crm.sales.services.stages import (
    contact_count,
    opportunity_locked,
    playbook_tasks_create,
    stage_missing_fields,
)
from crm.sales.services.values import reject_unknown, text_clean, user_or_none

OBJECT_TYPE = "sales.opportunity"
# what create and update may set (stage, status, version and timestamps have their own services)
OPPORTUNITY_FIELDS = frozenset(
    {
        "name",
        "account",
        "contacts",
        "owner",
        "amount",
        "currency",
        "close_date",
        "probability",
        "competitors",
        "next_step",
    }
)
_CURRENCIES = frozenset(list_currencies())
_MAX_AMOUNT = Decimal("999999999999.99")


def _apply(
    opportunity: Opportunity, data: dict[str, Any], *, actor: Any, errors: dict[str, list[str]]
) -> list[Any] | None:
    """Validate `data` onto `opportunity` (unsaved); returns the contacts to link when `contacts` was given."""
    if "name" in data:
        opportunity.name = text_clean(data["name"], 200)
        if not opportunity.name:
            errors["name"] = [_("This field is required.")]
    if "account" in data:
        account = data["account"]
        if account is None or getattr(account, "pk", None) is None:
            errors["account"] = [_("Choose an account.")]
        elif actor is not None and not account_exists_visible(user=actor, pk=account.pk):
            errors["account"] = [_("Choose an account you can see.")]
        else:
            opportunity.account = account
    if "owner" in data:
        owner = data["owner"]
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = [_("Choose an active user.")]
        else:
            opportunity.owner = owner
    if "amount" in data:
        raw = data["amount"]
        if raw in (None, ""):
            opportunity.amount = None
        else:
            try:
                amount = Decimal(str(raw)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                errors["amount"] = [_("Enter a number.")]
            else:
                if amount < 0 or amount > _MAX_AMOUNT:
                    errors["amount"] = [_("Enter an amount between 0 and 999,999,999,999.99.")]
                else:
                    opportunity.amount = amount
    if "currency" in data:
        code = str(data["currency"] or "").strip().upper()
        if code not in _CURRENCIES:
            errors["currency"] = [_("Enter an ISO 4217 currency code such as EUR or USD.")]
        else:
            opportunity.currency = code
    if "close_date" in data:
        value = data["close_date"]
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            errors["close_date"] = [_("Enter a date as YYYY-MM-DD.")]
        else:
            opportunity.close_date = value
    if "probability" in data:
        p = data["probability"]
        if p is None or isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 100:
            errors["probability"] = [_("Enter a whole number between 0 and 100.")]
        else:
            opportunity.probability = p
    for name in ("competitors", "next_step"):
        if name in data:
            setattr(opportunity, name, text_clean(data[name], 300))
    contacts: list[Any] | None = None
    if "contacts" in data:
        contacts = list(data["contacts"] or [])
        for contact in contacts:
            if getattr(contact, "pk", None) is None or (
                actor is not None and not contact_exists_visible(user=actor, pk=contact.pk)
            ):
                errors["contacts"] = [_("Choose contacts you can see.")]
                break
    return contacts


def _first_open_stage(pipeline: Pipeline) -> Stage | None:
    return (
        Stage.objects.filter(pipeline=pipeline, is_won=False, is_lost=False)
        .order_by("position", "id")
        .first()
    )


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    pipeline: Pipeline,
    stage: Stage | None = None,
    owner: Any = None,
    at: dt.datetime | None = None,
    playbook: bool = True,
    **fields: Any,
) -> Opportunity:
    """A new open opportunity in `stage` (default: the pipeline's first open stage), owned by `owner` (default:
    the actor). Its probability defaults to the stage's. The stage's required fields apply; its playbook tasks
    are created (`playbook=False`: not for historical data loads). `at` backdates the creation (the demo;
    imports)."""
    reject_unknown({**fields, **({"owner": owner} if owner is not None else {})}, OPPORTUNITY_FIELDS)
    owner = owner or actor
    stage = stage or _first_open_stage(pipeline)
    errors: dict[str, list[str]] = {}
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise StageNotInPipeline(field_errors={"stage": [str(StageNotInPipeline.default_message)]})
    if stage.is_closed:
        errors["stage"] = [_("A new opportunity starts in an open stage.")]
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    now = at or timezone.now()
    opportunity = Opportunity(
        pipeline=pipeline,
        stage=stage,
        owner=owner,
        probability=stage.probability,
        stage_entered_at=now,
        currency=getattr(settings, "DEFAULT_CURRENCY", "EUR"),
    )
    data = dict(fields)
    for name in ("name", "account", "close_date"):
        if name not in data:
            errors[name] = [_("This field is required.")]
    contacts = _apply(opportunity, data, actor=actor, errors=errors)
    if not errors:
        missing = stage_missing_fields(stage, opportunity, len(contacts or []))
        errors.update(missing)
    if errors:
        raise InvalidInput(field_errors=errors)
    with audit_context(actor=actor):
        opportunity.save()
        if at is not None:
            Opportunity.all_objects.filter(pk=opportunity.pk).update(created_at=at)
        for contact in contacts or []:
            OpportunityContact.objects.get_or_create(opportunity=opportunity, contact=contact)
    StageChange.objects.create(
        opportunity=opportunity, from_stage=None, to_stage=stage, actor=user_or_none(actor), at=now
    )
    if playbook:
        playbook_tasks_create(opportunity=opportunity, stage=stage, actor=actor, now=now)
    forecast_summary_refresh(opportunity_ids=[opportunity.pk])
    publish_on_commit(OpportunityOpened(opportunity_id=opportunity.pk, actor_id=getattr(actor, "pk", None)))
    return opportunity


def _line_guard(opportunity: Opportunity, changes: dict[str, Any]) -> dict[str, list[str]]:
    """An opportunity with lines takes its amount from them, and they are priced in its currency."""
    wants_amount = "amount" in changes and _amount_differs(opportunity.amount, changes["amount"])
    wants_currency = (
        "currency" in changes and str(changes["currency"] or "").strip().upper() != opportunity.currency
    )
    if (
        not (wants_amount or wants_currency)
        or not OpportunityLine.objects.filter(opportunity_id=opportunity.pk).exists()
    ):
        return {}
    errors: dict[str, list[str]] = {}
    if wants_amount:
        errors["amount"] = [_("The amount is the sum of the lines. Change the lines instead.")]
    if wants_currency:
        errors["currency"] = [
            _("The lines are priced in %(currency)s. Remove them to change the currency.")
            % {"currency": opportunity.currency}
        ]
    return errors


def _amount_differs(current: Decimal | None, raw: Any) -> bool:
    if raw in (None, ""):
        return current is not None
    try:
        return current is None or Decimal(str(raw)).quantize(Decimal("0.01")) != current
    except (InvalidOperation, ValueError):
        return True


@transaction.atomic
def opportunity_update(
    *, actor: Any, opportunity: Opportunity, expected_version: int | None = None, **changes: Any
) -> Opportunity:
    """Change an opportunity's fields. `expected_version` (the version the user saw) refuses a save over
    someone else's newer edit (ConcurrentEdit) — nothing is overwritten. Fields the current stage requires
    cannot be emptied."""
    reject_unknown(changes, OPPORTUNITY_FIELDS)
    locked = opportunity_locked(opportunity, actor=actor, expected_version=expected_version)
    before = forecast_cells([locked])
    if "owner" in changes and changes["owner"] is not None and actor is not None:
        new_owner = changes["owner"]
        if isinstance(new_owner, User) and new_owner.pk != locked.owner_id:
            record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=new_owner.pk)
    errors: dict[str, list[str]] = _line_guard(locked, changes)
    contacts = _apply(locked, dict(changes), actor=actor, errors=errors)
    if not errors and locked.is_open:
        count = len(contacts) if contacts is not None else contact_count(locked)
        errors.update(stage_missing_fields(locked.stage, locked, count))
    if errors:
        raise InvalidInput(field_errors=errors)
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
        if contacts is not None:
            locked.contacts.set(contacts)
    forecast_summary_refresh(opportunity_ids=[locked.pk], before=before)
    return locked


@transaction.atomic
def opportunity_delete(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Move to the recycle bin (restorable for 30 days)."""
    locked = Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    before = forecast_cells([locked])
    record_soft_delete(instance=locked, actor=actor)
    forecast_summary_refresh(opportunity_ids=[locked.pk], before=before)
    return locked


@transaction.atomic
def opportunities_soft_delete_for_account(*, account_id: int, batch: Any, actor: Any) -> int:
    """An account went to the recycle bin: its opportunities follow it in the same batch (and come back
    with it)."""
    rows = list(Opportunity.objects.select_for_update().filter(account_id=account_id))
    if rows:
        before = forecast_cells(rows)
        record_soft_delete(instance=rows[0], dependents=rows[1:], actor=actor, batch=batch)
        forecast_summary_refresh(opportunity_ids=[r.pk for r in rows], before=before)
    return len(rows)
