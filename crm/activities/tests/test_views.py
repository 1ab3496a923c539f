from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.activities.enums import ActivityKind
from crm.activities.models import Activity
from crm.activities.tests.factories import ActivityFactory, TaskFactory
from crm.contacts.tests.factories import ContactAccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client_rep(rep: Any) -> Client:
    c = Client()
    c.force_login(rep)
    return c


def _timeline_url(obj: Any, object_type: str = "contacts.account") -> str:
    return reverse("activities:timeline", args=[object_type, obj.pk])


def test_timeline_is_a_partial_with_entries(client_rep: Client, rep: Any, account: Any) -> None:
    ActivityFactory(
        owner=rep, account=account, subject="Coffee with Lola", body="<p>Nice <script>x()</script></p>"
    )
    response = client_rep.get(_timeline_url(account), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Coffee with Lola" in html
    assert "<script>x()" not in html
    assert 'hx-trigger="timelineChanged from:body"' in html


def test_timeline_of_an_invisible_or_unknown_record_is_404(client_rep: Client, foreign_account: Any) -> None:
    assert client_rep.get(_timeline_url(foreign_account), **HTMX).status_code == 404
    assert (
        client_rep.get(reverse("activities:timeline", args=["contacts.account", 999999])).status_code == 404
    )
    assert client_rep.get(reverse("activities:timeline", args=["sales.order", 1])).status_code == 404


def test_timeline_load_older_answers_the_next_entries_only(
    client_rep: Client, rep: Any, account: Any
) -> None:
    base = timezone.now() - dt.timedelta(days=10)
    for i in range(40):
        ActivityFactory(
            owner=rep, account=account, occurred_at=base + dt.timedelta(hours=i), subject=f"Item {i:02d}"
        )
    first = client_rep.get(_timeline_url(account), **HTMX).content.decode()
    assert "Item 39" in first and "Load older" in first
    cursor = first.split("cursor=")[1].split("&")[0]
    from urllib.parse import unquote

    older = client_rep.get(_timeline_url(account), {"cursor": unquote(cursor)}, **HTMX).content.decode()
    assert 'class="timeline"' not in older
    # page 1: the account's "created" entry (newest) and items 39..16; page 2: the rest
    assert "Item 39" not in older and "Item 16" not in older
    assert "Item 15" in older and "Item 00" in older


def test_timeline_with_a_broken_cursor_is_400(client_rep: Client, account: Any) -> None:
    assert client_rep.get(_timeline_url(account), {"cursor": "garbage!"}, **HTMX).status_code == 400


def test_timeline_query_count_is_flat(
    client_rep: Client, rep: Any, account: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        ActivityFactory(owner=rep, account=account, occurred_at=timezone.now() - dt.timedelta(hours=i))
    from crm.activities.timeline import timeline_source_keys

    # the page's own queries, and one per timeline source (activities, audit, stage moves, quotes, orders, …)
    with django_assert_max_num_queries(9 + len(timeline_source_keys())):
        assert client_rep.get(_timeline_url(account), **HTMX).status_code == 200


def test_composer_renders_tabs_and_a_form(client_rep: Client, account: Any) -> None:
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    html = client_rep.get(url, {"kind": "call"}, **HTMX).content.decode()
    assert "<html" not in html
    for label in ("Note", "Task", "Call", "Meeting"):
        assert label in html
    assert 'name="call-' in html


def test_composer_saves_and_triggers_timeline_refresh(client_rep: Client, account: Any) -> None:
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    response = client_rep.post(
        f"{url}?kind=task",
        {"kind": "task", f"task-{account.pk}-subject": "Send quote", f"task-{account.pk}-priority": "high"},
        **HTMX,
    )
    assert response.status_code == 200
    triggers = json.loads(response.headers["HX-Trigger"])
    assert "timelineChanged" in triggers and "showToast" in triggers
    task = Activity.objects.get()
    assert task.subject == "Send quote" and task.account_id == account.pk and task.priority == "high"


def test_composer_shows_inline_errors_and_stores_nothing(client_rep: Client, account: Any) -> None:
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    p = f"meeting-{account.pk}-"
    response = client_rep.post(
        f"{url}?kind=meeting",
        {"kind": "meeting", p + "starts_at": "2030-01-01T10:00", p + "ends_at": "2030-01-01T09:00"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    html = response.content.decode()
    assert "The meeting must end after it starts." in html
    assert Activity.objects.count() == 0


def test_composer_for_an_invisible_record_is_404_and_stores_nothing(
    client_rep: Client, foreign_account: Any
) -> None:
    url = reverse("activities:composer", args=["contacts.account", foreign_account.pk])
    assert client_rep.get(url, **HTMX).status_code == 404
    response = client_rep.post(
        f"{url}?kind=note", {"kind": "note", f"note-{foreign_account.pk}-body": "x"}, **HTMX
    )
    assert response.status_code == 404
    assert Activity.objects.count() == 0


def test_complete_from_the_timeline_answers_the_entry(client_rep: Client, rep: Any, account: Any) -> None:
    task = TaskFactory(owner=rep, account=account, subject="Call back")
    url = reverse("activities:activity_complete", args=[task.pk])
    response = client_rep.post(url, {"is_done": "1", "from": "contacts.account"}, **HTMX)
    assert response.status_code == 200
    assert f'id="tl-activities-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.is_done and task.done_at is not None
    response = client_rep.post(url, {"from": "panel"}, **HTMX)
    task.refresh_from_db()
    assert not task.is_done
    assert f'id="task-{task.pk}"' in response.content.decode()


def test_complete_someone_elses_task_is_refused(
    client_rep: Client, colleague: Any, other_rep: Any, account: Any
) -> None:
    theirs = TaskFactory(owner=colleague, account=account)
    assert (
        client_rep.post(
            reverse("activities:activity_complete", args=[theirs.pk]), {"is_done": "1"}
        ).status_code
        == 403
    )
    hidden = TaskFactory(owner=other_rep)
    assert (
        client_rep.post(
            reverse("activities:activity_complete", args=[hidden.pk]), {"is_done": "1"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    hidden.refresh_from_db()
    assert not theirs.is_done and not hidden.is_done


def test_activity_list_filters_and_paginates(
    client_rep: Client, rep: Any, account: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        ActivityFactory(owner=rep, account=account, subject=f"Note {i}")
    TaskFactory(
        owner=rep, account=account, subject="Overdue thing", due_at=timezone.now() - dt.timedelta(days=1)
    )
    url = reverse("activities:activity_list")
    with django_assert_max_num_queries(20):
        response = client_rep.get(url)
    assert response.status_code == 200
    assert "Next" in response.content.decode()
    html = client_rep.get(url, {"state": "overdue"}).content.decode()
    assert "Overdue thing" in html and "Note 1<" not in html
    html = client_rep.get(url, {"q": "Note 59"}).content.decode()
    assert "Note 59" in html and "Overdue thing" not in html
    assert client_rep.get(url, {"sort": "-due_at"}).status_code == 200
    assert client_rep.get(url, {"sort": "bogus"}).status_code == 400


def test_activity_list_rows_show_what_each_activity_is_related_to_and_its_state(
    client_rep: Client, rep: Any, account: Any
) -> None:
    person = ContactFactory(owner=rep, first_name="Zoë", last_name="<Ruiz>", full_name="Zoë <Ruiz>")
    TaskFactory(
        owner=rep,
        account=account,
        contact=person,
        subject="Call <back>",
        due_at=timezone.now() - dt.timedelta(days=1),
    )
    TaskFactory(owner=rep, account=account, subject="Sent", is_done=True)
    ActivityFactory(owner=rep, account=None, subject="Loose note")

    html = client_rep.get(reverse("activities:activity_list")).content.decode()

    assert "Call &lt;back&gt;" in html and "Call <back>" not in html
    assert f'href="{account.get_absolute_url()}">{account.name}</a>' in html
    assert '<span class="table__sub">Zoë &lt;Ruiz&gt;</span>' in html
    row = lambda subject: html[html.index(subject) : html.index("</tr>", html.index(subject))]  # noqa: E731
    assert "badge--danger" in row("Call &lt;back&gt;") and "Overdue" in row("Call &lt;back&gt;")
    assert "badge--success" in row("Sent") and "Done" in row("Sent")
    assert "badge" not in row("Loose note") and "contacts/" not in row("Loose note").split("</a>", 1)[1]
    assert html.count('data-label="Assigned to"') == 3


def test_activity_detail_edit_and_delete(client_rep: Client, rep: Any, account: Any) -> None:
    note = ActivityFactory(owner=rep, account=account, subject="Old", body="<p>x</p>")
    url = reverse("activities:activity_detail", args=[note.pk])
    assert client_rep.get(url).status_code == 200
    response = client_rep.post(url, {"body": "New text", "version": note.version})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "<p>New text</p>"
    response = client_rep.post(url, {"body": "Stale", "version": 1})
    assert response.status_code == 200 and "Someone else changed" in response.content.decode()
    response = client_rep.post(reverse("activities:activity_delete", args=[note.pk]), **HTMX)
    assert response.status_code == 204 and "HX-Redirect" in response.headers
    assert not Activity.objects.filter(pk=note.pk).exists()


def test_activity_edit_shows_the_body_as_plain_text_and_saves_paragraphs(
    client_rep: Client, rep: Any, account: Any
) -> None:
    note = ActivityFactory(
        owner=rep, account=account, body="<p>Budget <strong>agreed</strong><br>for Q3</p><p>Next: call</p>"
    )
    url = reverse("activities:activity_detail", args=[note.pk])

    html = client_rep.get(url).content.decode()
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert "Budget agreed\nfor Q3\n\nNext: call" in textarea
    assert "&lt;p&gt;" not in textarea and "<p>" not in textarea

    response = client_rep.post(
        url, {"body": "Line one\r\nline two\r\n\r\n<b>literal</b>", "version": note.version}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "<p>Line one<br>line two</p>\n\n<p>&lt;b&gt;literal&lt;/b&gt;</p>"


def test_activity_edit_leaving_the_text_unchanged_keeps_its_formatting(
    client_rep: Client, rep: Any, account: Any
) -> None:
    stored = (
        '<p>See <a href="https://x.example" rel="noopener noreferrer">the offer</a></p><ul><li>one</li></ul>'
    )
    note = ActivityFactory(owner=rep, account=account, subject="Offer", body=stored)
    url = reverse("activities:activity_detail", args=[note.pk])

    response = client_rep.post(url, {"body": "See the offer\r\n\r\n- one", "version": note.version})

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == stored


def test_activity_detail_of_an_invisible_activity_is_404(client_rep: Client, other_rep: Any) -> None:
    hidden = ActivityFactory(owner=other_rep)
    assert client_rep.get(reverse("activities:activity_detail", args=[hidden.pk])).status_code == 404


def test_activity_on_a_visible_account_opens_even_if_owned_by_another_team(
    client_rep: Client, other_rep: Any, account: Any
) -> None:
    theirs = ActivityFactory(owner=other_rep, account=account, subject="Visiting")
    response = client_rep.get(reverse("activities:activity_detail", args=[theirs.pk]))
    assert response.status_code == 200
    assert 'name="version"' not in response.content.decode()  # no edit form: may see, may not change


def test_my_tasks_panel_lists_overdue_first(client_rep: Client, rep: Any, account: Any) -> None:
    now = timezone.now()
    TaskFactory(owner=rep, account=account, subject="Later", due_at=now + dt.timedelta(days=2))
    TaskFactory(owner=rep, account=account, subject="No date", due_at=None)
    TaskFactory(owner=rep, account=account, subject="Late", due_at=now - dt.timedelta(days=1))
    TaskFactory(owner=rep, account=account, subject="Finished", is_done=True)
    html = client_rep.get(reverse("activities:my_tasks_panel"), **HTMX).content.decode()
    assert html.index("Late") < html.index("Later") < html.index("No date")
    assert "Finished" not in html and "Overdue" in html


# --- meetings: attendees -------------------------------------------------------------------------------------
def _member(account: Any, name: str, owner: Any, **extra: Any) -> Any:
    first, last = name.split(" ", 1)
    person = ContactFactory(owner=owner, first_name=first, last_name=last, full_name=name, **extra)
    ContactAccountFactory(contact=person, account=account)
    return person


def _meeting(owner: Any, account: Any, **extra: Any) -> Any:
    start = extra.pop("starts_at", timezone.now() - dt.timedelta(hours=2))
    return ActivityFactory(
        owner=owner,
        account=account,
        kind=ActivityKind.MEETING,
        subject=extra.pop("subject", "Kick-off"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        occurred_at=start,
        **extra,
    )


def _meeting_post(account: Any, **fields: Any) -> dict[str, Any]:
    p = f"meeting-{account.pk}-"
    data: dict[str, Any] = {
        "kind": "meeting",
        p + "subject": "Kick-off",
        p + "starts_at": "2030-01-01T10:00",
        p + "ends_at": "2030-01-01T11:00",
    }
    data.update({p + k: v for k, v in fields.items()})
    return data


def test_meeting_composer_offers_the_accounts_contacts_and_active_colleagues(
    client_rep: Client, rep: Any, colleague: Any, other_rep: Any, account: Any, contact: Any
) -> None:
    _member(account, "Marta Ruiz", rep, job_title="CFO")
    hidden = _member(account, "Hidden Person", other_rep)
    other_rep.is_active = False
    other_rep.save(update_fields=["is_active"])
    url = reverse("activities:composer", args=["contacts.account", account.pk])

    html = client_rep.get(url, {"kind": "meeting"}, **HTMX).content.decode()

    assert "<legend" in html and "Attendees" in html and "Colleagues" in html
    assert "Lola Pérez" in html and "Marta Ruiz · CFO" in html
    assert "Hidden Person" not in html and f'value="{hidden.pk}"' not in html  # not visible to the rep
    assert "Bea Colleague" in html and "Ana Rep (you)" in html
    assert "Carl Other" not in html  # inactive


def test_meeting_composer_on_a_contact_checks_that_contact_and_offers_their_account(
    client_rep: Client, rep: Any, account: Any, contact: Any
) -> None:
    marta = _member(account, "Marta Ruiz", rep)
    url = reverse("activities:composer", args=["contacts.contact", contact.pk])

    html = client_rep.get(url, {"kind": "meeting"}, **HTMX).content.decode()

    name = f"meeting-{contact.pk}-attendee_contact_ids"
    assert f'name="{name}" value="{contact.pk}" id="id_{name}_0" checked' in html
    assert f'value="{marta.pk}"' in html and "Marta Ruiz" in html


def test_composer_creates_a_meeting_with_contact_attendees_and_a_colleague(
    client_rep: Client, rep: Any, colleague: Any, account: Any, contact: Any
) -> None:
    marta = _member(account, "Marta Ruiz", rep)
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    data = _meeting_post(
        account, attendee_contact_ids=[contact.pk, marta.pk], attendee_user_ids=[colleague.pk]
    )

    response = client_rep.post(f"{url}?kind=meeting", data, **HTMX)

    assert response.status_code == 200
    assert "timelineChanged" in json.loads(response.headers["HX-Trigger"])
    meeting = Activity.objects.get()
    assert meeting.kind == "meeting" and meeting.account_id == account.pk
    assert set(meeting.attendee_contacts.values_list("pk", flat=True)) == {contact.pk, marta.pk}
    assert list(meeting.attendee_users.values_list("pk", flat=True)) == [colleague.pk]


def test_composer_refuses_an_attendee_the_user_cannot_see_and_stores_nothing(
    client_rep: Client, rep: Any, other_rep: Any, account: Any, contact: Any
) -> None:
    stranger = ContactFactory(owner=other_rep, full_name="Secret Stranger")
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    data = _meeting_post(account, attendee_contact_ids=[contact.pk, stranger.pk])

    response = client_rep.post(f"{url}?kind=meeting", data, **HTMX)

    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    html = response.content.decode()
    error_id = f"id_meeting-{account.pk}-attendee_contact_ids_error"
    error = html[html.index(f'id="{error_id}"') :]
    assert error.index("Some of these contacts do not exist or are not visible to you.") < error.index("</p>")
    field = html[: html.index(f'id="{error_id}"')]
    assert (
        field[field.rindex('<div class="field field--') :].count("Attendees") == 1
    )  # under the Attendees field
    assert "Secret Stranger" not in html
    assert Activity.objects.count() == 0
    assert Activity.attendee_contacts.through.objects.count() == 0


def test_composer_refuses_a_colleague_id_that_is_not_a_number(client_rep: Client, account: Any) -> None:
    url = reverse("activities:composer", args=["contacts.account", account.pk])
    data = _meeting_post(account, attendee_user_ids=["x"])

    response = client_rep.post(f"{url}?kind=meeting", data, **HTMX)

    assert f'id="id_meeting-{account.pk}-attendee_user_ids_error"' in response.content.decode()
    assert Activity.objects.count() == 0


def test_timeline_shows_meeting_attendees_three_names_and_more(
    client_rep: Client, rep: Any, colleague: Any, account: Any, contact: Any
) -> None:
    marta = _member(account, "Marta Ruiz", rep)
    meeting = _meeting(rep, account, subject="Quarterly review")
    meeting.attendee_contacts.set([contact, marta])
    meeting.attendee_users.set([colleague])
    small = _meeting(rep, account, subject="Coffee", starts_at=timezone.now() - dt.timedelta(days=3))
    small.attendee_contacts.set([marta])
    crowd = [_member(account, f"Guest Number{i}", rep) for i in range(4)]
    big = _meeting(rep, account, subject="Workshop", starts_at=timezone.now() - dt.timedelta(days=5))
    big.attendee_contacts.set(crowd)
    big.attendee_users.set([rep, colleague])

    html = client_rep.get(_timeline_url(account), **HTMX).content.decode()

    review = html[html.index("Quarterly review") : html.index("Coffee")]
    assert "Lola Pérez, Marta Ruiz, Bea Colleague" in review and "more" not in review
    coffee = html[html.index("Coffee") : html.index("Workshop")]
    assert "Marta Ruiz" in coffee and "Lola Pérez" not in coffee
    workshop = html[html.index("Workshop") :]
    assert "+3 more" in workshop  # 4 contacts + 2 colleagues: three names, then "+3 more"
    assert "Ana Rep</span>" not in workshop.split("+3 more")[0].split("tl-entry__people")[1]


def test_timeline_query_count_with_meetings_does_not_depend_on_page_size(
    client_rep: Client,
    rep: Any,
    colleague: Any,
    account: Any,
    contact: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(30):
        meeting = _meeting(rep, account, starts_at=timezone.now() + dt.timedelta(hours=i + 1))  # newest
        meeting.attendee_contacts.set([contact])
        meeting.attendee_users.set([colleague])
    url = _timeline_url(account)
    client_rep.get(url, {"limit": 2}, **HTMX)  # warm caches
    counts = []
    for limit in (2, 25):
        with CaptureQueriesContext(connection) as ctx:
            html = client_rep.get(url, {"limit": limit}, **HTMX).content.decode()
        assert html.count("Lola Pérez, Bea Colleague") == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    from crm.activities.timeline import timeline_source_keys

    with django_assert_max_num_queries(8 + len(timeline_source_keys())):
        client_rep.get(url, **HTMX)


def test_activity_detail_shows_attendees_and_edits_them(
    client_rep: Client, rep: Any, colleague: Any, account: Any, contact: Any
) -> None:
    marta = _member(account, "Marta Ruiz", rep)
    meeting = _meeting(rep, account, subject="Review")
    meeting.attendee_contacts.set([contact])
    meeting.attendee_users.set([colleague])
    url = reverse("activities:activity_detail", args=[meeting.pk])

    html = client_rep.get(url).content.decode()
    facts = html[html.index('<dl class="kv">') : html.index("</dl>")]
    assert "Lola Pérez" in facts and "Bea Colleague" in facts
    assert f'name="attendee_contact_ids" value="{contact.pk}"' in html
    assert 'id="id_attendee_contact_ids_0" checked' in html
    assert f'value="{marta.pk}"' in html

    form = {
        "subject": "Review",
        "starts_at": "2030-01-01T10:00",
        "ends_at": "2030-01-01T11:00",
        "attendee_contact_ids": [contact.pk, marta.pk],
        "version": meeting.version,
    }
    response = client_rep.post(url, form)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert set(meeting.attendee_contacts.values_list("pk", flat=True)) == {contact.pk, marta.pk}
    assert list(meeting.attendee_users.all()) == []


def test_editing_a_meeting_keeps_unchanged_attendees_the_editor_cannot_see(
    client_rep: Client, rep: Any, other_rep: Any, colleague: Any, account: Any, contact: Any
) -> None:
    stranger = ContactFactory(owner=other_rep, full_name="Secret Stranger")
    meeting = _meeting(rep, account, subject="Review")
    meeting.attendee_contacts.set([contact, stranger])
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    meeting.attendee_users.set([colleague])
    url = reverse("activities:activity_detail", args=[meeting.pk])
    assert "Bea Colleague (inactive)" in client_rep.get(url).content.decode()

    form = {
        "subject": "Review, moved",
        "starts_at": "2030-01-01T10:00",
        "ends_at": "2030-01-01T11:00",
        "attendee_contact_ids": [contact.pk, stranger.pk],
        "attendee_user_ids": [colleague.pk],
        "version": meeting.version,
    }
    response = client_rep.post(url, form)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.subject == "Review, moved"
    assert set(meeting.attendee_contacts.values_list("pk", flat=True)) == {contact.pk, stranger.pk}
    assert list(meeting.attendee_users.values_list("pk", flat=True)) == [colleague.pk]


def test_editing_a_meeting_with_an_attendee_the_user_cannot_see_changes_nothing(
    client_rep: Client, rep: Any, other_rep: Any, account: Any, contact: Any
) -> None:
    stranger = ContactFactory(owner=other_rep, full_name="Secret Stranger")
    meeting = _meeting(rep, account, subject="Review")
    meeting.attendee_contacts.set([contact])
    url = reverse("activities:activity_detail", args=[meeting.pk])
    form = {
        "subject": "Changed",
        "starts_at": "2030-01-01T10:00",
        "ends_at": "2030-01-01T11:00",
        "attendee_contact_ids": [contact.pk, stranger.pk],
        "version": meeting.version,
    }

    response = client_rep.post(url, form)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_attendee_contact_ids_error"' in html
    assert "Some of these contacts do not exist or are not visible to you." in html
    meeting.refresh_from_db()
    assert meeting.subject == "Review" and meeting.version == 1
    assert list(meeting.attendee_contacts.values_list("pk", flat=True)) == [contact.pk]
