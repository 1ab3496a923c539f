"""The lead pages: list (filters, sort, bad filter), record page, form errors, status buttons, convert, funnel,
scoping (404 for another team's lead)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from crm.leads.enums import LeadStatus
from crm.leads.models import Lead
from crm.leads.selectors import lead_funnel
from crm.leads.services import lead_convert, lead_create, lead_disqualify, lead_mark_contacted, lead_qualify

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_sorts_and_refuses_a_bad_filter(rep: Any) -> None:
    lead_create(actor=rep, first_name="Ana", company="Acme", source="event")
    qualified = lead_create(actor=rep, first_name="Bea", company="Beta")
    lead_qualify(actor=rep, lead=qualified)
    client = _client(rep)
    page = client.get("/leads/")
    assert page.status_code == 200
    assert "Ana" in page.content.decode() and "Bea" in page.content.decode()
    assert "2 leads" in page.content.decode()
    only = client.get("/leads/", {"status": "qualified", "sort": "company"}).content.decode()
    assert "Bea" in only and "Ana" not in only and "1 lead<" in only
    by_source = client.get("/leads/", {"source": "event"}).content.decode()
    assert "Ana" in by_source and "Bea" not in by_source
    bad = client.get("/leads/", {"status": "won"})
    assert bad.status_code == 400 and "not one of the choices" in bad.content.decode()


def test_create_form_shows_inline_errors_and_stores_nothing(rep: Any) -> None:
    client = _client(rep)
    response = client.post(
        "/leads/new/",
        {"first_name": "Ana", "phone": "12", "owner": rep.pk, "source": "manual", "email_consent": "unknown"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["phone"]
    assert not Lead.all_objects.exists()
    ok = client.post(
        "/leads/new/",
        {
            "first_name": "Ana",
            "phone": "612 345 678",
            "owner": rep.pk,
            "source": "manual",
            "email_consent": "unknown",
        },
    )
    assert ok.status_code == 302
    assert Lead.objects.get().phone == "+34612345678"


def test_record_page_and_status_buttons(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", company="Acme")
    client = _client(rep)
    page = client.get(f"/leads/{lead.pk}/")
    assert page.status_code == 200 and "Mark contacted" in page.content.decode()
    client.post(f"/leads/{lead.pk}/move/contacted/", {"version": lead.version})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED
    client.post(f"/leads/{lead.pk}/disqualify/", {"reason": "", "version": lead.version})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED  # no reason: refused, nothing changed
    client.post(f"/leads/{lead.pk}/disqualify/", {"reason": "no_need", "version": lead.version})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED


def test_another_teams_lead_is_404_in_the_ui(rep: Any, other_rep: Any) -> None:
    lead = lead_create(actor=other_rep, first_name="Hidden")
    client = _client(rep)
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    assert client.get(f"/leads/{lead.pk}/convert/").status_code == 404
    assert client.post(f"/leads/{lead.pk}/move/qualify/").status_code == 404
    assert "Hidden" not in client.get("/leads/").content.decode()


def test_convert_dialog_shows_the_match_and_lands_on_the_account(rep: Any) -> None:
    from crm.contacts.services import account_create

    account = account_create(actor=rep, name="Acme Iberia S.L.")
    lead = lead_create(actor=rep, first_name="Ana", email="ana@acme.example", company="Acme Iberia")
    client = _client(rep)
    dialog = client.get(f"/leads/{lead.pk}/convert/", headers={"HX-Request": "true"})
    assert dialog.status_code == 200
    assert (
        "Use the existing account" in dialog.content.decode()
        and "Acme Iberia S.L." in dialog.content.decode()
    )
    done = client.post(f"/leads/{lead.pk}/convert/", {"account": "match", "contact": "match", "version": 1})
    assert done.status_code == 302 and done["Location"] == f"/accounts/{account.pk}/"
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.converted_account_id == account.pk


def test_funnel_counts_and_rates(rep: Any, admin: Any) -> None:
    leads = [lead_create(actor=rep, first_name=f"L{i}", email=f"l{i}@x.example") for i in range(4)]
    lead_mark_contacted(actor=rep, lead=leads[0])
    lead_qualify(actor=rep, lead=leads[1])
    lead_convert(actor=rep, lead=leads[2])
    lead_disqualify(actor=rep, lead=leads[3], reason="spam")
    lead_create(actor=admin, first_name="Admin's")
    today = timezone.localdate()
    funnel = lead_funnel(user=rep, start=today - dt.timedelta(days=1), end=today)
    total = funnel.total
    assert (total.created, total.contacted, total.qualified, total.converted, total.disqualified) == (
        5,
        3,
        2,
        1,
        1,
    )
    assert total.contact_rate == 60.0 and total.qualify_rate == 66.7 and total.convert_rate == 50.0
    assert total.overall_rate == 20.0
    assert {r.owner_name: r.created for r in funnel.by_owner} == {"Rita Reyes": 4, "Ada Admin": 1}
    mine = lead_funnel(user=rep, start=today, end=today, owner_id=rep.pk)
    assert mine.total.created == 4
    earlier = lead_funnel(user=rep, start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=1))
    assert earlier.total.created == 0
    page = _client(rep).get("/leads/funnel/")
    assert page.status_code == 200 and "Rita Reyes" in page.content.decode()
    bad = _client(rep).get("/leads/funnel/", {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and "The end comes before the start." in bad.content.decode()


def test_list_query_count_does_not_grow_with_the_page(rep: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(rep)
    lead_create(actor=rep, first_name="First")
    client.get("/leads/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get("/leads/")
    for i in range(30):
        lead_create(actor=rep, first_name=f"Lead {i}", company=f"Co {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/leads/").status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_timeline_and_history_show_the_leads_changes_only_to_who_may_see_it(rep: Any, other_rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana")
    lead_qualify(actor=rep, lead=lead)
    mine = _client(rep)
    timeline = mine.get(f"/timeline/leads.lead/{lead.pk}/")
    assert timeline.status_code == 200
    assert "Qualified" in timeline.content.decode()
    assert mine.get(f"/history/leads.lead/{lead.pk}/").status_code == 200
    theirs = _client(other_rep)
    assert theirs.get(f"/timeline/leads.lead/{lead.pk}/").status_code == 404
    assert theirs.get(f"/history/leads.lead/{lead.pk}/").status_code == 404


def test_deleted_lead_goes_to_the_recycle_bin_and_comes_back(rep: Any, admin: Any) -> None:
    from crm.core.audit.services import record_restore

    lead = lead_create(actor=rep, first_name="Ana")
    client = _client(rep)
    assert client.post(f"/leads/{lead.pk}/delete/").status_code == 302
    assert client.get(f"/leads/{lead.pk}/").status_code == 404
    record_restore(object_type="leads.lead", object_id=lead.pk, actor=admin)
    assert client.get(f"/leads/{lead.pk}/").status_code == 200


def test_home_panel_lists_my_open_leads(rep: Any) -> None:
    open_lead = lead_create(actor=rep, first_name="Open")
    closed = lead_create(actor=rep, first_name="Closed")
    lead_disqualify(actor=rep, lead=closed, reason="spam")
    panel = _client(rep).get("/leads/mine/").content.decode()
    assert str(open_lead) in panel and "Closed" not in panel
    assert _client(rep).get("/").status_code == 200


def test_convert_dialog_can_open_an_opportunity_and_lands_on_it(rep: Any) -> None:
    from crm.sales.tests.factories import make_pipeline

    pipeline = make_pipeline()
    lead = lead_create(actor=rep, first_name="Ana", email="ana@acme.example", company="Acme Iberia")
    client = _client(rep)
    dialog = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert "Also open an opportunity" in dialog and f'<option value="{pipeline.pk}"' in dialog

    done = client.post(
        f"/leads/{lead.pk}/convert/",
        {"account": "new", "contact": "new", "opportunity": "on", "pipeline": pipeline.pk, "version": 1},
    )

    lead.refresh_from_db()
    assert lead.converted_opportunity_id is not None
    assert done.status_code == 302 and done["Location"] == lead.converted_opportunity.get_absolute_url()


def test_convert_dialog_offers_no_opportunity_to_who_may_not_open_one(rep: Any) -> None:
    from crm.core.identity.models import RolePermission
    from crm.sales.tests.factories import make_pipeline

    make_pipeline()
    RolePermission.objects.update_or_create(
        role=rep.role, object_type="sales.opportunity", action="create", defaults={"scope": "none"}
    )
    lead = lead_create(actor=rep, first_name="Ana", email="ana@acme.example", company="Acme Iberia")

    dialog = _client(rep).get(f"/leads/{lead.pk}/convert/").content.decode()

    assert "Also open an opportunity" not in dialog and "Convert lead" in dialog
