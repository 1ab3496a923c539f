from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.activities.models import Activity
from crm.activities.services import activity_complete, activity_create, activity_delete, activity_update
from crm.activities.tests.factories import ActivityFactory, TaskFactory
from crm.core.audit.models import AuditEntry
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _count() -> int:
    return Activity.all_objects.count()


# --- create: happy paths ---------------------------------------------------------------------------------
def test_note_defaults_occurred_at_to_now_and_owner_to_actor(rep: Any, account: Any) -> None:
    before = timezone.now()
    note = activity_create(actor=rep, kind="note", body="Talked about renewal", account_id=account.pk)
    assert note.owner == rep
    assert note.account_id == account.pk
    assert note.occurred_at >= before
    assert note.channel == "ui"
    assert note.body == "<p>Talked about renewal</p>"
    assert AuditEntry.objects.filter(
        object_type="activities.activity", object_id=note.pk, action="create"
    ).exists()


def test_contact_only_activity_is_placed_on_the_contacts_primary_account(
    rep: Any, contact: Any, account: Any
) -> None:
    call = activity_create(
        actor=rep, kind="call", direction="outbound", outcome="connected", contact_id=contact.pk
    )
    assert call.contact_id == contact.pk
    assert call.account_id == account.pk


def test_task_occurred_at_follows_due_date(rep: Any, account: Any) -> None:
    due = NOW + dt.timedelta(days=3)
    task = activity_create(actor=rep, kind="task", subject="Send quote", due_at=due, account_id=account.pk)
    assert task.occurred_at == due
    assert task.priority == "normal"
    later = due + dt.timedelta(days=1)
    task = activity_update(actor=rep, activity=task, due_at=later)
    assert task.occurred_at == later
    assert task.version == 2


def test_meeting_occurred_at_is_its_start_and_attendees_are_stored(
    rep: Any, colleague: Any, account: Any, contact: Any
) -> None:
    start = NOW + dt.timedelta(days=1)
    meeting = activity_create(
        actor=rep,
        kind="meeting",
        subject="Kick-off",
        account_id=account.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="Madrid",
        attendee_contact_ids=[contact.pk],
        attendee_user_ids=[colleague.pk],
    )
    assert meeting.occurred_at == start
    assert list(meeting.attendee_contacts.values_list("pk", flat=True)) == [contact.pk]
    assert list(meeting.attendee_users.values_list("pk", flat=True)) == [colleague.pk]


# --- create: bad input names the field and stores nothing -------------------------------------------------
BAD_INPUTS = [
    ("task", {"subject": ""}, "subject"),
    ("task", {"subject": "x", "priority": "urgent"}, "priority"),
    ("task", {"subject": "x", "due_at": "next tuesday"}, "due_at"),
    ("call", {"direction": ""}, "direction"),
    ("call", {"direction": "sideways"}, "direction"),
    ("call", {"direction": "inbound", "duration_seconds": -5}, "duration_seconds"),
    ("call", {"direction": "inbound", "duration_seconds": "long"}, "duration_seconds"),
    ("call", {"direction": "inbound", "outcome": "maybe"}, "outcome"),
    ("meeting", {"starts_at": NOW, "ends_at": NOW}, "ends_at"),
    ("meeting", {"starts_at": NOW, "ends_at": NOW - dt.timedelta(hours=1)}, "ends_at"),
    ("meeting", {"ends_at": NOW}, "starts_at"),
    ("note", {"body": "", "subject": ""}, "body"),
    ("note", {"body": "x", "due_at": NOW}, "due_at"),
    ("note", {"body": "x", "direction": "inbound"}, "direction"),
    ("note", {"body": "x", "subject": "s" * 201}, "subject"),
    ("note", {"body": "x", "channel": "pigeon"}, "channel"),
    ("note", {"body": "x", "custom": {"nope": 1}}, "custom.nope"),
    ("bogus", {"body": "x"}, "kind"),
]


@pytest.mark.parametrize(("kind", "fields", "field"), BAD_INPUTS)
def test_bad_input_names_the_field_and_stores_nothing(
    rep: Any, account: Any, kind: str, fields: dict[str, Any], field: str
) -> None:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as exc:
        activity_create(actor=rep, kind=kind, account_id=account.pk, **fields)
    assert field in exc.value.field_errors, exc.value.field_errors
    assert _count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_an_activity_needs_an_account_or_a_contact(rep: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        activity_create(actor=rep, kind="note", body="x")
    assert "account_id" in exc.value.field_errors
    assert _count() == 0


def test_rep_cannot_log_on_another_teams_account(rep: Any, foreign_account: Any) -> None:
    with pytest.raises(RecordNotFound):
        activity_create(actor=rep, kind="note", body="sneaky", account_id=foreign_account.pk)
    assert _count() == 0


def test_rep_cannot_assign_a_task_to_a_colleague(rep: Any, colleague: Any, account: Any) -> None:
    with pytest.raises(PermissionDenied):
        activity_create(actor=rep, kind="task", subject="Do it", owner=colleague, account_id=account.pk)
    assert _count() == 0


def test_invisible_attendee_contact_is_refused(rep: Any, account: Any, other_rep: Any) -> None:
    from crm.contacts.tests.factories import ContactFactory

    hidden = ContactFactory(owner=other_rep)
    with pytest.raises(InvalidInput) as exc:
        activity_create(
            actor=rep,
            kind="meeting",
            account_id=account.pk,
            starts_at=NOW,
            ends_at=NOW + dt.timedelta(hours=1),
            attendee_contact_ids=[hidden.pk],
        )
    assert "attendee_contact_ids" in exc.value.field_errors
    assert _count() == 0


# --- sanitising --------------------------------------------------------------------------------------------
def test_body_html_is_sanitised(rep: Any, account: Any) -> None:
    note = activity_create(
        actor=rep,
        kind="note",
        account_id=account.pk,
        body='<p onclick="steal()">Hi <b>there</b><script>alert(1)</script>'
        '<img src=x onerror="alert(2)"><a href="https://example.com" onmouseover="x()">link</a>'
        '<a href="javascript:alert(3)">bad</a></p>',
    )
    body = note.body
    assert "<script" not in body and "alert(1)" not in body
    assert "onclick" not in body and "onerror" not in body and "onmouseover" not in body
    assert "javascript:" not in body
    assert "<img" not in body
    assert "<b>there</b>" in body
    assert 'href="https://example.com"' in body and 'rel="noopener noreferrer"' in body


# --- update / complete / delete --------------------------------------------------------------------------
def test_update_refuses_fields_outside_the_allow_list(rep: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account, body="x")
    with pytest.raises(InvalidInput) as exc:
        activity_update(actor=rep, activity=note, kind="task", is_done=True)
    assert set(exc.value.field_errors) == {"kind", "is_done"}
    note.refresh_from_db()
    assert note.kind == "note" and note.version == 1


def test_update_with_a_stale_version_is_refused(rep: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account, body="x")
    with pytest.raises(ConcurrentEdit):
        activity_update(actor=rep, activity=note, expected_version=7, subject="new")
    note.refresh_from_db()
    assert note.subject != "new"


def test_invalid_update_changes_nothing(rep: Any, account: Any) -> None:
    start = NOW
    meeting = ActivityFactory(
        kind="meeting", owner=rep, account=account, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    with pytest.raises(InvalidInput) as exc:
        activity_update(actor=rep, activity=meeting, subject="Moved", ends_at=start - dt.timedelta(hours=1))
    assert "ends_at" in exc.value.field_errors
    meeting.refresh_from_db()
    assert meeting.subject != "Moved" and meeting.ends_at == start + dt.timedelta(hours=1)


def test_colleague_cannot_change_someone_elses_activity(rep: Any, colleague: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account, body="x", subject="orig")
    with pytest.raises(PermissionDenied):
        activity_update(actor=colleague, activity=note, subject="hijack")
    note.refresh_from_db()
    assert note.subject == "orig"


def test_complete_sets_and_clears_done_at(rep: Any, account: Any) -> None:
    task = TaskFactory(owner=rep, account=account)
    task = activity_complete(actor=rep, activity=task)
    assert task.is_done and task.done_at is not None
    task = activity_complete(actor=rep, activity=task, is_done=False)
    assert not task.is_done and task.done_at is None


def test_only_tasks_can_be_completed(rep: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account)
    with pytest.raises(InvalidInput) as exc:
        activity_complete(actor=rep, activity=note)
    assert "is_done" in exc.value.field_errors
    note.refresh_from_db()
    assert not note.is_done


def test_delete_is_soft(rep: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account)
    activity_delete(actor=rep, activity=note)
    assert not Activity.objects.filter(pk=note.pk).exists()
    row = Activity.all_objects.get(pk=note.pk)
    assert row.deleted_at is not None and row.deletion_batch is not None


def test_colleague_cannot_delete(rep: Any, colleague: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account)
    with pytest.raises(PermissionDenied):
        activity_delete(actor=colleague, activity=note)
    assert Activity.objects.filter(pk=note.pk).exists()
