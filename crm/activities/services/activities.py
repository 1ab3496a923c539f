"""Writes on activities (notes, tasks, calls, meetings). The web UI, the API, imports and jobs all come here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, Channel, TaskPriority
from crm.activities.models import Activity
from crm.activities.richtext import MAX_BODY_CHARS, body_clean
from crm.activities.timeline import activity_subject_types, timeline_subject_check
from crm.contacts.selectors import account_ref, contact_query, contact_ref
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.customfields.services import custom_values_clean
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create

OBJECT_TYPE = "activities.activity"
MAX_ATTENDEES = 100
MAX_DURATION_SECONDS = 7 * 24 * 3600

# Fields that only make sense for one kind: setting them on another kind is refused.
KIND_FIELDS: dict[str, frozenset[str]] = {
    ActivityKind.TASK: frozenset({"due_at", "priority"}),
    ActivityKind.CALL: frozenset({"direction", "duration_seconds", "outcome"}),
    ActivityKind.MEETING: frozenset(
        {"starts_at", "ends_at", "location", "attendee_contact_ids", "attendee_user_ids"}
    ),
    ActivityKind.NOTE: frozenset(),
}
KIND_ONLY_FIELDS = frozenset().union(*KIND_FIELDS.values())

# What `activity_update` may change (kind, channel, done state and timestamps are not in it).
UPDATABLE_FIELDS = frozenset(
    {
        "subject",
        "body",
        "owner",
        "account_id",
        "contact_id",
        "occurred_at",
        "due_at",
        "priority",
        "direction",
        "duration_seconds",
        "outcome",
        "starts_at",
        "ends_at",
        "location",
        "attendee_contact_ids",
        "attendee_user_ids",
        "custom",
    }
)


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set | frozenset) and not value)


def _datetime(value: Any, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None:
            errors[field] = [_("Enter a date and time, e.g. 2025-03-01 14:30.")]
            return None
        value = parsed
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Enter a date and time, e.g. 2025-03-01 14:30.")]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if text and text not in choices.values:
        errors[field] = [_("“%(value)s” is not one of the choices.") % {"value": text}]
    return text


def _check_owner(owner: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(owner, User) or not owner.is_active:
        errors["owner"] = [_("Choose an active user.")]


def _ids(value: Any, field: str, errors: dict[str, list[str]]) -> list[int]:
    try:
        ids = sorted({int(v) for v in (value or ())})
    except (TypeError, ValueError):
        errors[field] = [_("Enter a list of ids.")]
        return []
    if len(ids) > MAX_ATTENDEES:
        errors[field] = [_("Use at most %(n)s attendees.") % {"n": MAX_ATTENDEES}]
    return ids


def _subject(
    activity: Activity, *, actor: Any, subject_type: str, subject_id: Any, errors: dict[str, list[str]]
) -> None:
    """Point the activity at a record of a higher layer whose timeline takes activities (a lead): one the actor
    may see (404 otherwise)."""
    if not subject_type:
        return
    if subject_type not in activity_subject_types():
        errors["subject_type"] = [_("Activities cannot be logged on this kind of record.")]
        return
    pk = timeline_subject_check(user=actor, object_type=subject_type, object_id=subject_id) if actor else None
    if pk is None:
        try:
            pk = int(subject_id)
        except (TypeError, ValueError):
            raise RecordNotFound() from None
    activity.subject_type = subject_type
    activity.subject_id = pk


def _link(
    activity: Activity, *, actor: Any, account_id: Any, contact_id: Any, errors: dict[str, list[str]]
) -> None:
    """Point the activity at an account and/or contact the actor may see (404 otherwise)."""
    account = account_ref(user=actor, pk=account_id) if not _empty(account_id) else None
    contact = contact_ref(user=actor, pk=contact_id) if not _empty(contact_id) else None
    if account is None and contact is None:
        if activity.subject_id is not None:  # about a record of a higher layer (a lead) only
            activity.account_id = activity.contact_id = None
            return
        errors["account_id"] = [_("Link the activity to an account or a contact.")]
        return
    if account is None and contact is not None:
        account_pk = contact.primary_account_id
        activity.account_id = account_pk
    else:
        activity.account_id = account.pk if account is not None else None
    activity.contact_id = contact.pk if contact is not None else None


def _validate(activity: Activity, errors: dict[str, list[str]]) -> None:
    """Rules per kind, on the activity's final field values."""
    kind = activity.kind
    if len(activity.subject) > 200:
        errors["subject"] = [_("Use at most 200 characters.")]
    if len(activity.location) > 200:
        errors["location"] = [_("Use at most 200 characters.")]
    if kind == ActivityKind.TASK and not activity.subject:
        errors.setdefault("subject", [_("A task needs a subject.")])
    if kind == ActivityKind.NOTE and not activity.subject and not activity.body:
        errors.setdefault("body", [_("Write something in the note.")])
    if kind == ActivityKind.CALL:
        if not activity.direction:
            errors.setdefault("direction", [_("Choose inbound or outbound.")])
        if activity.duration_seconds is not None and not (
            0 <= activity.duration_seconds <= MAX_DURATION_SECONDS
        ):
            errors.setdefault("duration_seconds", [_("Enter a duration between 0 and 7 days.")])
    if kind == ActivityKind.MEETING:
        if activity.starts_at is None:
            errors.setdefault("starts_at", [_("Enter when the meeting starts.")])
        if activity.ends_at is None:
            errors.setdefault("ends_at", [_("Enter when the meeting ends.")])
        if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
            errors.setdefault("ends_at", [_("The meeting must end after it starts.")])


def _set_fields(activity: Activity, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Copy cleaned values of `data` onto `activity` (fields absent from `data` are left alone)."""
    kind = activity.kind
    for name in KIND_ONLY_FIELDS & set(data):
        if name not in KIND_FIELDS[kind] and not _empty(data[name]):
            errors[name] = [
                _("A %(kind)s does not have this field.") % {"kind": ActivityKind(kind).label.lower()}
            ]
    if "subject" in data:
        activity.subject = " ".join(str(data["subject"] or "").split())
    if "body" in data:
        raw = str(data["body"] or "")
        if len(raw) > MAX_BODY_CHARS:
            errors["body"] = [_("Use at most %(n)s characters.") % {"n": f"{MAX_BODY_CHARS:,}"}]
        else:
            activity.body = body_clean(raw)
    if "location" in data:
        activity.location = " ".join(str(data["location"] or "").split())
    for name in ("occurred_at", "due_at", "starts_at", "ends_at"):
        if name in data:
            setattr(activity, name, _datetime(data[name], name, errors))
    if "priority" in data:
        activity.priority = _choice(data["priority"], TaskPriority, "priority", errors)
    if "direction" in data:
        activity.direction = _choice(data["direction"], CallDirection, "direction", errors)
    if "outcome" in data:
        activity.outcome = _choice(data["outcome"], CallOutcome, "outcome", errors)
    if "duration_seconds" in data:
        raw_duration = data["duration_seconds"]
        if _empty(raw_duration):
            activity.duration_seconds = None
        else:
            try:
                duration = int(raw_duration)
            except (TypeError, ValueError):
                errors["duration_seconds"] = [_("Enter a whole number of seconds.")]
            else:
                if duration < 0:
                    errors["duration_seconds"] = [_("The duration cannot be negative.")]
                else:
                    activity.duration_seconds = duration


def _place_on_timeline(activity: Activity, *, changed: set[str]) -> None:
    """`occurred_at` follows the kind: a meeting's start, a task's due date (else its creation)."""
    if activity.kind == ActivityKind.MEETING and activity.starts_at is not None:
        activity.occurred_at = activity.starts_at
    elif activity.kind == ActivityKind.TASK:
        if activity.due_at is not None:
            activity.occurred_at = activity.due_at
        elif "due_at" in changed and "occurred_at" not in changed and activity.pk is not None:
            activity.occurred_at = activity.created_at
    if activity.occurred_at is None:
        activity.occurred_at = timezone.now()


def _attendees(
    *, actor: Any, contact_ids: list[int], user_ids: list[int], errors: dict[str, list[str]]
) -> tuple[list[int], list[int]]:
    if contact_ids:
        found = set(contact_query(user=actor).filter(pk__in=contact_ids).values_list("pk", flat=True))
        if found != set(contact_ids):
            errors["attendee_contact_ids"] = [
                _("Some of these contacts do not exist or are not visible to you.")
            ]
    if user_ids:
        found = set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
        if found != set(user_ids):
            errors["attendee_user_ids"] = [_("Some of these colleagues do not exist or are not active.")]
    return contact_ids, user_ids


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    kind: str,
    subject: str = "",
    body: str = "",
    owner: Any = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    channel: str = Channel.UI,
    occurred_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    priority: str = "",
    direction: str = "",
    duration_seconds: int | None = None,
    outcome: str = "",
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    location: str = "",
    attendee_contact_ids: Iterable[int] = (),
    attendee_user_ids: Iterable[int] = (),
    custom: dict[str, Any] | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
) -> Activity:
    """Log a note, call or meeting, or create a task, on an account and/or contact the actor may see, or on a
    record of a higher layer registered with `activity_subject_register` (`subject_type`, `subject_id`: a
    lead), or both.

    Raises RecordNotFound when the account or contact is not visible to the actor, PermissionDenied when the
    actor may not create activities for `owner`, InvalidInput naming each bad field. Nothing is stored then.
    """
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        raise InvalidInput(field_errors={"kind": [_("Choose note, task, call or meeting.")]})
    owner = owner or actor
    _check_owner(owner, errors)
    if channel not in Channel.values:
        errors["channel"] = [_("“%(value)s” is not one of the choices.") % {"value": channel}]
    activity = Activity(kind=kind, channel=channel)  # occurred_at: set from `data` below
    if isinstance(owner, User):
        activity.owner = owner
    _subject(activity, actor=actor, subject_type=subject_type, subject_id=subject_id, errors=errors)
    _link(activity, actor=actor, account_id=account_id, contact_id=contact_id, errors=errors)
    if not errors.get("owner"):
        record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    data: dict[str, Any] = {
        "subject": subject,
        "body": body,
        "occurred_at": occurred_at,
        "due_at": due_at,
        "priority": priority,
        "direction": direction,
        "duration_seconds": duration_seconds,
        "outcome": outcome,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "attendee_contact_ids": list(attendee_contact_ids or ()),
        "attendee_user_ids": list(attendee_user_ids or ()),
    }
    _set_fields(activity, data, errors)
    if kind == ActivityKind.TASK and not activity.priority:
        activity.priority = TaskPriority.NORMAL
    contact_ids = _ids(data["attendee_contact_ids"], "attendee_contact_ids", errors)
    user_ids = _ids(data["attendee_user_ids"], "attendee_user_ids", errors)
    _attendees(actor=actor, contact_ids=contact_ids, user_ids=user_ids, errors=errors)
    try:
        activity.custom = custom_values_clean(object_type=OBJECT_TYPE, values=custom or {}, existing=None)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    _validate(activity, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    _place_on_timeline(activity, changed={k for k, v in data.items() if not _empty(v)})
    with audit_context(actor=actor):
        activity.save()
        if contact_ids:
            activity.attendee_contacts.set(contact_ids)
        if user_ids:
            activity.attendee_users.set(user_ids)
    return activity


def _locked(activity: Activity) -> Activity:
    locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if locked is None:
        raise RecordNotFound()
    return locked


@transaction.atomic
def activity_update(
    *, actor: Any, activity: Activity, expected_version: int | None = None, **changes: Any
) -> Activity:
    """Change an activity's fields (see UPDATABLE_FIELDS). `expected_version` refuses a stale save (409)."""
    unknown = sorted(set(changes) - UPDATABLE_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be changed.")] for name in unknown})
    if "occurred_at" in changes and _empty(changes["occurred_at"]):
        changes.pop("occurred_at")  # "no time given" keeps the current one
    locked = _locked(activity)
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    errors: dict[str, list[str]] = {}
    if "owner" in changes:
        _check_owner(changes["owner"], errors)
        if not errors:
            record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=changes["owner"].pk)
            locked.owner = changes["owner"]
    if "account_id" in changes or "contact_id" in changes:
        _link(
            locked,
            actor=actor,
            account_id=changes.get("account_id", locked.account_id),
            contact_id=changes.get("contact_id", locked.contact_id),
            errors=errors,
        )
    _set_fields(locked, changes, errors)
    contact_ids = user_ids = None
    if "attendee_contact_ids" in changes:
        contact_ids = _ids(changes["attendee_contact_ids"], "attendee_contact_ids", errors)
    if "attendee_user_ids" in changes:
        user_ids = _ids(changes["attendee_user_ids"], "attendee_user_ids", errors)
    _attendees(actor=actor, contact_ids=contact_ids or [], user_ids=user_ids or [], errors=errors)
    if "custom" in changes:
        try:
            locked.custom = custom_values_clean(
                object_type=OBJECT_TYPE, values=changes["custom"] or {}, existing=locked.custom
            )
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    _validate(locked, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    _place_on_timeline(locked, changed=set(changes))
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
        if contact_ids is not None:
            locked.attendee_contacts.set(contact_ids)
        if user_ids is not None:
            locked.attendee_users.set(user_ids)
    return locked


@transaction.atomic
def activity_complete(*, actor: Any, activity: Activity, is_done: bool = True) -> Activity:
    """Tick a task done (records when) or open it again."""
    locked = _locked(activity)
    record_authorize(actor=actor, record=locked, action="change")
    if locked.kind != ActivityKind.TASK:
        raise InvalidInput(field_errors={"is_done": [_("Only tasks can be marked done.")]})
    if locked.is_done == is_done:
        return locked
    locked.is_done = is_done
    locked.done_at = timezone.now() if is_done else None
    locked.version += 1
    with audit_context(actor=actor):
        locked.save(update_fields=["is_done", "done_at", "version", "updated_at"])
    return locked


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    """Move to the recycle bin (restorable for 30 days)."""
    locked = _locked(activity)
    record_authorize(actor=actor, record=locked, action="delete")
    record_soft_delete(instance=locked, actor=actor)


@transaction.atomic
def activities_subject_link(
    *, actor: Any, subject_type: str, subject_id: int, account_id: int | None, contact_id: int | None
) -> int:
    """The record the activities are about became an account and a contact (a converted lead): its activities
    that have neither are linked to them too, so they show on those timelines as well as on the subject's.
    Audited one by one. Returns how many were linked."""
    rows = list(
        Activity.objects.select_for_update().filter(
            subject_type=subject_type, subject_id=subject_id, account__isnull=True, contact__isnull=True
        )
    )
    with audit_context(actor=actor):
        for activity in rows:
            activity.account_id = account_id
            activity.contact_id = contact_id
            activity.save(update_fields=["account", "contact", "updated_at"])
    return len(rows)
