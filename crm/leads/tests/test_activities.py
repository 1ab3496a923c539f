"""Activities on leads: logged from the lead page's composer, listed on its timeline, carried to the account and
contact when the lead is converted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.activities.selectors import activity_for_record_query
from crm.activities.services import activity_create
from crm.activities.timeline import timeline_page
from crm.core.errors import InvalidInput, RecordNotFound
from crm.leads.services import lead_convert, lead_create

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lead(rep: Any) -> Any:
    return lead_create(
        actor=rep, first_name="Lucía", last_name="García", company="Acme", email="l@acme.example"
    )


def _on_lead(lead: Any) -> Any:
    return activity_for_record_query(object_type="leads.lead", object_id=lead.pk)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_call_logged_on_a_lead_is_on_its_timeline(rep: Any, lead: Any) -> None:
    call = activity_create(
        actor=rep,
        kind="call",
        subject="Intro call",
        direction="outbound",
        subject_type="leads.lead",
        subject_id=lead.pk,
    )
    assert (call.account_id, call.contact_id, call.subject_type, call.subject_id) == (
        None,
        None,
        "leads.lead",
        lead.pk,
    )
    page = timeline_page(user=rep, object_type="leads.lead", object_id=lead.pk)
    assert [e.title for e in page.entries if e.source == "activities"] == ["Intro call"]


def test_logging_on_a_lead_the_actor_cannot_see_or_an_unknown_type_stores_nothing(
    rep: Any, other_rep: Any, lead: Any
) -> None:
    with pytest.raises(RecordNotFound):
        activity_create(actor=other_rep, kind="note", body="x", subject_type="leads.lead", subject_id=lead.pk)
    with pytest.raises(InvalidInput) as caught:
        activity_create(actor=rep, kind="note", body="x", subject_type="sales.quote", subject_id=1)
    assert "subject_type" in caught.value.field_errors
    with pytest.raises(InvalidInput) as missing:
        activity_create(actor=rep, kind="call", subject_type="leads.lead", subject_id=lead.pk)
    assert "direction" in missing.value.field_errors
    assert not _on_lead(lead).exists()


def test_conversion_carries_the_lead_activities_to_the_contact_and_account(rep: Any, lead: Any) -> None:
    activity_create(
        actor=rep,
        kind="call",
        subject="Intro call",
        direction="inbound",
        subject_type="leads.lead",
        subject_id=lead.pk,
    )
    result = lead_convert(actor=rep, lead=lead)
    call = _on_lead(lead).get()
    assert (call.account_id, call.contact_id) == (result.account.pk, result.contact.pk)
    for object_type, pk in (
        ("contacts.contact", result.contact.pk),
        ("contacts.account", result.account.pk),
        ("leads.lead", lead.pk),
    ):
        titles = [e.title for e in timeline_page(user=rep, object_type=object_type, object_id=pk).entries]
        assert "Intro call" in titles, object_type


def test_lead_page_has_the_composer_and_it_logs_a_call(rep: Any, lead: Any) -> None:
    client = _client(rep)
    page = client.get(reverse("leads:lead_detail", args=[lead.pk])).content.decode()
    composer = reverse("activities:composer", args=["leads.lead", lead.pk])
    assert composer in page
    p = f"call-{lead.pk}-"
    response = client.post(
        f"{composer}?kind=call",
        {
            "kind": "call",
            p + "subject": "Discovery",
            p + "direction": "outbound",
            p + "duration_minutes": "12",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "timelineChanged" in json.loads(response.headers["HX-Trigger"])
    call = _on_lead(lead).get()
    assert (call.subject_type, call.subject_id, call.duration_seconds) == ("leads.lead", lead.pk, 720)
    timeline = client.get(reverse("activities:timeline", args=["leads.lead", lead.pk])).content.decode()
    assert "Discovery" in timeline


def test_composer_refuses_a_call_without_direction_and_stores_nothing(rep: Any, lead: Any) -> None:
    composer = reverse("activities:composer", args=["leads.lead", lead.pk])
    response = _client(rep).post(
        f"{composer}?kind=call", {"kind": "call", f"call-{lead.pk}-subject": "x"}, **HTMX
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    assert not _on_lead(lead).exists()
