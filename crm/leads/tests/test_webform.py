"""The public web-to-lead form: no login, honeypot, consent, rate limit per client across processes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from crm.leads.enums import LeadSource
from crm.leads.models import Lead, WebFormHit

pytestmark = pytest.mark.django_db

URL = "/forms/lead/"
GOOD = {
    "first_name": "Lucía",
    "last_name": "García",
    "email": "Lucia@Acme.example",
    "company": "Acme",
    "need": "A CRM for 20 people",
    "consent": "on",
    "page": "https://acme.example/contact",
}


def test_public_form_is_served_without_login(admin: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    assert b'name="homepage"' in response.content and b'name="consent"' in response.content


def test_submission_creates_a_web_lead_with_consent_and_shows_thanks(admin: Any) -> None:
    client = Client(enforce_csrf_checks=True)  # posted from another site: no CSRF token
    response = client.post(URL, GOOD)
    assert response.status_code == 302 and response["Location"] == "/forms/lead/thanks/"
    lead = Lead.objects.get()
    assert lead.source == LeadSource.WEB_FORM and lead.email == "lucia@acme.example"
    assert lead.email_consent == "granted" and lead.consent_at is not None
    assert "acme.example/contact" in lead.consent_source
    assert lead.need == "A CRM for 20 people" and lead.owner == admin
    assert Client().get("/forms/lead/thanks/").status_code == 200


def test_honeypot_drops_the_submission_silently(admin: Any) -> None:
    response = Client().post(URL, {**GOOD, "homepage": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/forms/lead/thanks/"
    assert not Lead.all_objects.exists()


def test_missing_consent_is_a_form_error_and_stores_nothing(admin: Any) -> None:
    data = {k: v for k, v in GOOD.items() if k != "consent"}
    response = Client().post(URL, data)
    assert response.status_code == 422
    assert "Tick the box to agree to be contacted." in response.content.decode()
    assert not Lead.all_objects.exists()


def test_bad_email_names_the_field_and_stores_nothing(admin: Any) -> None:
    response = Client().post(URL, {**GOOD, "email": "nope"})
    assert response.status_code == 422
    assert response.context["form"].errors["email"]
    assert not Lead.all_objects.exists()


@override_settings(CRM_WEB_TO_LEAD_LIMIT=3, CRM_WEB_TO_LEAD_WINDOW=3600)
def test_rate_limit_answers_429_after_n_submissions_per_client(admin: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(3):
        assert client.post(URL, {**GOOD, "email": f"a{i}@x.example"}).status_code == 302
    limited = client.post(URL, {**GOOD, "email": "a9@x.example"})
    assert limited.status_code == 429
    assert "Too many submissions" in limited.content.decode()
    assert Lead.objects.count() == 3
    # counted in the database (shared by every web process), per client
    assert WebFormHit.objects.get().hits == 4
    assert Client(REMOTE_ADDR="198.51.100.1").post(URL, {**GOOD, "email": "b@x.example"}).status_code == 302


@override_settings(CRM_WEB_TO_LEAD_REDIRECT_HOSTS=["acme.example"])
def test_redirects_only_to_allowed_hosts(admin: Any) -> None:
    ok = Client().post(URL, {**GOOD, "redirect": "https://acme.example/thanks"})
    assert ok["Location"] == "https://acme.example/thanks"
    evil = Client().post(URL, {**GOOD, "email": "x@y.example", "redirect": "https://evil.example/"})
    assert evil["Location"] == "/forms/lead/thanks/"


def test_snippet_page_is_for_administrators(admin: Any, rep: Any) -> None:
    client = Client()
    client.force_login(rep)
    assert client.get("/leads/web-form/").status_code == 403
    client.force_login(admin)
    page = client.get("/leads/web-form/")
    assert page.status_code == 200 and b"http://testserver/forms/lead/" in page.content


def test_a_value_the_service_refuses_is_shown_on_its_field_and_stores_nothing(admin: Any) -> None:
    response = Client().post(URL, {**GOOD, "phone": "12", "country": "E1"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["phone"] and errors["country"]
    assert not Lead.all_objects.exists()


@override_settings(CRM_WEB_TO_LEAD_LIMIT=1, CRM_WEB_TO_LEAD_IP_HEADER="X-Forwarded-For")
def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(admin: Any) -> None:
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = proxy.post(URL, GOOD, headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    assert first.status_code == 302
    # a forged first address does not make a new visitor: the proxy appended the real one
    again = proxy.post(
        URL, {**GOOD, "email": "b@x.example"}, headers={"X-Forwarded-For": "5.6.7.8, 203.0.113.9"}
    )
    assert again.status_code == 429
    other = proxy.post(URL, {**GOOD, "email": "c@x.example"}, headers={"X-Forwarded-For": "198.51.100.2"})
    assert other.status_code == 302
    assert Lead.objects.count() == 2
