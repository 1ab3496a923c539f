from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.activities.models import Activity
from crm.activities.selectors import activity_count, activity_get, activity_list, task_open_list
from crm.activities.tests.factories import ActivityFactory, TaskFactory
from crm.activities.timeline import timeline_page
from crm.core.audit.models import AuditEntry
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound

pytestmark = pytest.mark.django_db


def test_list_is_scoped_by_owner_and_filters_me(
    rep: Any, colleague: Any, other_rep: Any, account: Any
) -> None:
    mine = ActivityFactory(owner=rep, account=account)
    team = ActivityFactory(owner=colleague, account=account)
    hidden = ActivityFactory(owner=other_rep)
    ids = {a.pk for a in activity_list(user=rep, params={}).items}
    assert mine.pk in ids and team.pk in ids and hidden.pk not in ids
    assert [a.pk for a in activity_list(user=rep, params={"owner": "me"}).items] == [mine.pk]
    assert activity_count(user=rep, params={}) == (2, False)


def test_list_filters_overdue_open_done_kind_and_dates(rep: Any, account: Any) -> None:
    now = timezone.now()
    late = TaskFactory(
        owner=rep, account=account, due_at=now - dt.timedelta(days=1), occurred_at=now - dt.timedelta(days=1)
    )
    later = TaskFactory(
        owner=rep, account=account, due_at=now + dt.timedelta(days=1), occurred_at=now + dt.timedelta(days=1)
    )
    done = TaskFactory(
        owner=rep,
        account=account,
        is_done=True,
        due_at=now - dt.timedelta(days=3),
        occurred_at=now - dt.timedelta(days=3),
    )
    note = ActivityFactory(owner=rep, account=account, occurred_at=now - dt.timedelta(days=10))

    def ids(**params: Any) -> list[int]:
        return [a.pk for a in activity_list(user=rep, params=params).items]

    assert ids(overdue="true") == [late.pk]
    assert set(ids(kind="task", is_done="false")) == {late.pk, later.pk}
    assert ids(is_done="true") == [done.pk]
    assert ids(kind="note") == [note.pk]
    assert set(ids(occurred_at__gte=(now - dt.timedelta(days=5)).date().isoformat())) == {
        late.pk,
        later.pk,
        done.pk,
    }
    assert set(ids(overdue="false")) == {later.pk, done.pk, note.pk}


def test_sort_by_due_date_lists_only_dated_activities_and_pages_by_cursor(rep: Any, account: Any) -> None:
    now = timezone.now()
    tasks = [TaskFactory(owner=rep, account=account, due_at=now + dt.timedelta(hours=i)) for i in range(5)]
    ActivityFactory(owner=rep, account=account)  # no due date
    first = activity_list(user=rep, params={}, sort="due_at", limit=3)
    assert [a.pk for a in first.items] == [t.pk for t in tasks[:3]]
    second = activity_list(user=rep, params={}, sort="due_at", cursor=first.next_cursor, limit=3)
    assert [a.pk for a in second.items] == [t.pk for t in tasks[3:]]
    assert second.next_cursor is None


def test_search_matches_subject(rep: Any, account: Any) -> None:
    hit = ActivityFactory(owner=rep, account=account, subject="Renewal call")
    ActivityFactory(owner=rep, account=account, subject="Other")
    assert [a.pk for a in activity_list(user=rep, params={"q": "renewal"}).items] == [hit.pk]


def test_unknown_filter_or_sort_is_invalid_input(rep: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        activity_list(user=rep, params={"colour": "red"})
    assert "colour" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        activity_list(user=rep, params={}, sort="subject")
    assert "sort" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        activity_list(user=rep, params={"overdue": "maybe"})
    assert "overdue" in exc.value.field_errors


def test_list_query_count_does_not_depend_on_page_size(
    rep: Any, account: Any, contact: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        ActivityFactory(owner=rep, account=account, contact=contact)
    activity_list(user=rep, params={}, limit=1)
    for limit in (1, 10, 30):
        with django_assert_max_num_queries(3):  # the custom field definitions, the page, its owners
            page = activity_list(user=rep, params={"owner": "me"}, limit=limit)
            [(a.owner.full_name, a.account.name, a.contact.full_name) for a in page.items]


def test_get_answers_404_for_invisible_and_403_for_view_only(
    rep: Any, colleague: Any, other_rep: Any, account: Any
) -> None:
    hidden = ActivityFactory(owner=other_rep)
    with pytest.raises(RecordNotFound):
        activity_get(user=rep, pk=hidden.pk)
    with pytest.raises(RecordNotFound):
        activity_get(user=rep, pk="nope")
    on_my_account = ActivityFactory(owner=other_rep, account=account)
    assert activity_get(user=rep, pk=on_my_account.pk) == on_my_account
    teammate = ActivityFactory(owner=colleague, account=account)
    assert activity_get(user=rep, pk=teammate.pk) == teammate
    with pytest.raises(PermissionDenied):
        activity_get(user=rep, pk=teammate.pk, action="change")
    deleted = ActivityFactory(owner=rep, account=account, deleted_at=timezone.now())
    with pytest.raises(RecordNotFound):
        activity_get(user=rep, pk=deleted.pk)


def test_open_tasks_overdue_first_then_by_due_then_undated(rep: Any, account: Any) -> None:
    now = timezone.now()
    undated = TaskFactory(owner=rep, account=account, due_at=None)
    soon = TaskFactory(owner=rep, account=account, due_at=now + dt.timedelta(hours=2))
    late = TaskFactory(owner=rep, account=account, due_at=now - dt.timedelta(days=2))
    TaskFactory(owner=rep, account=account, is_done=True, due_at=now - dt.timedelta(days=5))
    assert [t.pk for t in task_open_list(user=rep)] == [late.pk, soon.pk, undated.pk]


def test_open_tasks_fill_the_limit_with_undated_ones_by_age_and_skip_others(rep: Any, account: Any) -> None:
    now = timezone.now()
    first_undated = TaskFactory(owner=rep, account=account, due_at=None)
    second_undated = TaskFactory(owner=rep, account=account, due_at=None)
    TaskFactory(owner=rep, account=account, due_at=None)
    dated = [TaskFactory(owner=rep, account=account, due_at=now + dt.timedelta(days=d)) for d in (3, 1)]
    TaskFactory(account=account, due_at=now - dt.timedelta(days=9))  # someone else's
    TaskFactory(owner=rep, account=account, due_at=now, deleted_at=now)  # in the recycle bin

    assert [t.pk for t in task_open_list(user=rep, limit=4)] == [
        dated[1].pk,
        dated[0].pk,
        first_undated.pk,
        second_undated.pk,
    ]
    assert [t.pk for t in task_open_list(user=rep, limit=1)] == [dated[1].pk]


def test_timeline_of_a_big_record_reads_only_a_page_from_each_source(rep: Any, account: Any) -> None:
    base = timezone.now() - dt.timedelta(days=400)
    Activity.objects.bulk_create(
        Activity(
            kind="note", subject=f"n{i}", owner=rep, account=account, occurred_at=base + dt.timedelta(hours=i)
        )
        for i in range(1200)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=base + dt.timedelta(hours=i, minutes=30),
            action="update",
            object_type="contacts.account",
            object_id=account.pk,
            changes=[{"field": "status", "old": "active", "new": "inactive"}],
        )
        for i in range(1200)
    )
    timeline_page(user=rep, object_type="contacts.account", object_id=account.pk)
    with CaptureQueriesContext(connection) as ctx:
        page = timeline_page(user=rep, object_type="contacts.account", object_id=account.pk, limit=25)
    assert len(page.entries) == 25 and page.next_cursor
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if "activities_activity" in q["sql"]
        or ("audit_auditentry" in q["sql"] and "sales.invoice" not in q["sql"])  # not the invoices source
    ]
    assert len(reads) == 2
    assert all("LIMIT 26" in sql for sql in reads), reads
    # a page deep in the history is just as cheap
    cursor = page.next_cursor
    for _ in range(20):
        page = timeline_page(user=rep, object_type="contacts.account", object_id=account.pk, cursor=cursor)
        cursor = page.next_cursor
    assert len(page.entries) == 25
