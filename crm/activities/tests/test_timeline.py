from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.activities.models import Activity
from crm.activities.tests.factories import ActivityFactory
from crm.activities.timeline import timeline_page
from crm.contacts.services import account_delete, account_update
from crm.core.audit.context import audit_context
from crm.core.audit.models import AuditEntry
from crm.core.audit.services import record_restore
from crm.core.errors import InvalidInput, RecordNotFound

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)


def _audit(account: Any, at: dt.datetime, **kwargs: Any) -> AuditEntry:
    defaults = {
        "action": "update",
        "source": "ui",
        "changes": [{"field": "status", "old": "active", "new": "inactive"}],
    }
    defaults.update(kwargs)
    entry: AuditEntry = AuditEntry.objects.create(
        at=at, object_type="contacts.account", object_id=account.pk, object_repr=str(account), **defaults
    )
    return entry


def _walk(user: Any, account: Any, limit: int) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    cursor = None
    for _ in range(1000):
        page = timeline_page(
            user=user, object_type="contacts.account", object_id=account.pk, cursor=cursor, limit=limit
        )
        assert len(page.entries) <= limit
        seen.extend((e.source, e.id) for e in page.entries)
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the timeline never ended")


def test_activities_and_audit_entries_interleave_newest_first(rep: Any, account: Any) -> None:
    AuditEntry.objects.filter(object_type="contacts.account", object_id=account.pk).delete()
    a1 = ActivityFactory(owner=rep, account=account, occurred_at=T0 + dt.timedelta(hours=1), subject="first")
    e1 = _audit(account, T0 + dt.timedelta(hours=2))
    a2 = ActivityFactory(owner=rep, account=account, occurred_at=T0 + dt.timedelta(hours=3), subject="second")
    e2 = _audit(account, T0 + dt.timedelta(hours=4), action="create", changes=[])
    page = timeline_page(user=rep, object_type="contacts.account", object_id=account.pk)
    assert [(e.source, e.id) for e in page.entries] == [
        ("audit", e2.pk),
        ("activities", a2.pk),
        ("audit", e1.pk),
        ("activities", a1.pk),
    ]
    assert page.next_cursor is None
    titles = [e.title for e in page.entries]
    assert titles[0] == "The system created this account"
    assert titles[2] == "The system changed status: Active → Inactive"


def test_cursor_pages_have_no_gaps_or_duplicates_with_ties_across_sources(rep: Any, account: Any) -> None:
    AuditEntry.objects.filter(object_type="contacts.account", object_id=account.pk).delete()
    expected: list[tuple[dt.datetime, str, int]] = []
    for i in range(12):
        at = T0 + dt.timedelta(minutes=i // 3)  # three entries per instant: ties everywhere
        a = ActivityFactory(owner=rep, account=account, occurred_at=at)
        expected.append((at, "activities", a.pk))
        e = _audit(account, at)
        expected.append((at, "audit", e.pk))
    expected.sort(reverse=True)
    want = [(s, i) for _, s, i in expected]
    for limit in (1, 2, 3, 5, 7, 24, 50):
        assert _walk(rep, account, limit) == want, limit


def test_deleted_activities_and_other_records_stay_off_the_timeline(rep: Any, account: Any) -> None:
    from crm.contacts.tests.factories import AccountFactory

    other = AccountFactory(owner=rep)
    gone = ActivityFactory(owner=rep, account=account, deleted_at=timezone.now())
    elsewhere = ActivityFactory(owner=rep, account=other)
    ids = {
        e.id
        for e in timeline_page(user=rep, object_type="contacts.account", object_id=account.pk).entries
        if e.source == "activities"
    }
    assert gone.pk not in ids and elsewhere.pk not in ids


def test_contact_timeline_shows_its_activities(rep: Any, account: Any, contact: Any) -> None:
    mine = ActivityFactory(owner=rep, account=account, contact=contact)
    account_only = ActivityFactory(owner=rep, account=account)
    page = timeline_page(user=rep, object_type="contacts.contact", object_id=contact.pk)
    ids = {e.id for e in page.entries if e.source == "activities"}
    assert mine.pk in ids and account_only.pk not in ids


def test_timeline_of_an_invisible_record_is_not_found(rep: Any, foreign_account: Any) -> None:
    with pytest.raises(RecordNotFound):
        timeline_page(user=rep, object_type="contacts.account", object_id=foreign_account.pk)
    with pytest.raises(RecordNotFound):
        timeline_page(user=rep, object_type="sales.nothing", object_id=1)


def test_a_bad_cursor_is_invalid_input(rep: Any, account: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        timeline_page(user=rep, object_type="contacts.account", object_id=account.pk, cursor="!!nope")
    assert "cursor" in exc.value.field_errors


def test_owner_change_is_summarised_in_one_line(rep: Any, colleague: Any, admin: Any, account: Any) -> None:
    with audit_context(source="ui"):
        account_update(actor=admin, account=account, owner=colleague)
    page = timeline_page(user=rep, object_type="contacts.account", object_id=account.pk)
    first = page.entries[0]
    assert first.source == "audit"
    assert first.title == "Ada Admin changed relationship manager: Ana Rep → Bea Colleague"
    assert first.channel == "ui"
    assert first.actor_name == "Ada Admin"


def test_query_count_does_not_depend_on_page_size(
    rep: Any, account: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        ActivityFactory(
            owner=rep, account=account, occurred_at=T0 + dt.timedelta(minutes=i), body="<p>hi</p>"
        )
        _audit(account, T0 + dt.timedelta(minutes=i, seconds=30))
    timeline_page(
        user=rep, object_type="contacts.account", object_id=account.pk, limit=1
    )  # warm the perm cache
    for limit in (1, 10, 100):
        # activities, audit, and the sales app's invoices source (one query each)
        with django_assert_max_num_queries(4):
            page = timeline_page(user=rep, object_type="contacts.account", object_id=account.pk, limit=limit)
        assert len(page.entries) == limit


def test_account_delete_takes_its_activities_along_and_restore_brings_them_back(
    rep: Any, account: Any, contact: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kept_elsewhere = ActivityFactory(owner=rep)
    notes = [ActivityFactory(owner=rep, account=account) for _ in range(3)]
    already_gone = ActivityFactory(owner=rep, account=account)
    from crm.activities.services import activity_delete

    activity_delete(actor=rep, activity=already_gone)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(actor=rep, account=account)
    account.refresh_from_db()
    assert not Activity.objects.filter(pk__in=[n.pk for n in notes]).exists()
    batches = set(
        Activity.all_objects.filter(pk__in=[n.pk for n in notes]).values_list("deletion_batch", flat=True)
    )
    assert batches == {account.deletion_batch}
    assert Activity.objects.filter(pk=kept_elsewhere.pk).exists()

    record_restore(object_type="contacts.account", object_id=account.pk, actor=rep)
    assert Activity.objects.filter(pk__in=[n.pk for n in notes]).count() == 3
    assert not Activity.objects.filter(pk=already_gone.pk).exists()  # deleted on its own: stays in the bin


def test_contact_delete_takes_its_activities_along(
    rep: Any, account: Any, contact: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from crm.contacts.services import contact_delete

    call = ActivityFactory(owner=rep, account=account, contact=contact, kind="call", direction="inbound")
    with django_capture_on_commit_callbacks(execute=True):
        contact_delete(actor=rep, contact=contact)
    row = Activity.all_objects.get(pk=call.pk)
    contact.refresh_from_db()
    assert row.deleted_at is not None and row.deletion_batch == contact.deletion_batch
