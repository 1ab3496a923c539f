"""Lead services: create normalises and asks the ownership rules, moves through the funnel, converts without
duplicating accounts or contacts; every refusal leaves what is stored as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.contacts import selectors as contact_selectors
from crm.contacts.services import account_create, contact_create
from crm.contacts.tests.factories import TeamFactory, user_with_role
from crm.core.assignment.services import rule_create, territory_create
from crm.core.audit.selectors import audit_entry_list
from crm.core.errors import ConcurrentEdit, InvalidInput
from crm.leads.enums import LeadSource, LeadStatus
from crm.leads.errors import LeadAlreadyConverted, LeadNotOpen
from crm.leads.models import Lead
from crm.leads.services import (
    lead_conversion_match,
    lead_convert,
    lead_create,
    lead_disqualify,
    lead_mark_contacted,
    lead_qualify,
    lead_reopen,
    lead_update,
)

pytestmark = pytest.mark.django_db


def _snapshot(lead: Lead) -> dict[str, Any]:
    fresh = Lead.all_objects.get(pk=lead.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Lead._meta.concrete_fields}


def test_create_normalises_fields(rep: Any) -> None:
    lead = lead_create(
        actor=rep,
        first_name="  Lucía ",
        last_name="García   Pérez",
        email=" Lucia@Example.COM ",
        phone="912 345 678",
        website="acme.example",
        country="es",
        company="  Acme   Iberia S.L. ",
        budget_amount="12000",
    )
    assert lead.full_name == "Lucía García Pérez"
    assert lead.email == "lucia@example.com"
    assert lead.phone == "+34912345678"
    assert lead.website == "https://acme.example"
    assert lead.country == "ES"
    assert lead.company == "Acme Iberia S.L."
    assert lead.budget_amount == Decimal("12000")
    assert lead.budget_currency == "EUR"
    assert lead.status == LeadStatus.NEW
    assert lead.source == LeadSource.MANUAL
    assert lead.owner == rep and lead.team == rep.team
    assert audit_entry_list(object_type="leads.lead", object_id=lead.pk)[0].action == "create"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name": "Ana", "phone": "12"}, "phone"),
        ({"first_name": "Ana", "email": "not-an-email"}, "email"),
        ({"first_name": "Ana", "country": "Spain"}, "country"),
        ({"first_name": "Ana", "budget_amount": "-5"}, "budget_amount"),
        ({"first_name": "Ana", "budget_currency": "euro"}, "budget_currency"),
        ({"first_name": "Ana", "status": "converted"}, "status"),
        ({}, "last_name"),
    ],
)
def test_create_refuses_bad_input_naming_the_field_and_stores_nothing(
    rep: Any, fields: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        lead_create(actor=rep, **fields)
    assert field in exc.value.field_errors
    assert exc.value.field_errors[field][0]
    assert not Lead.all_objects.exists()


def test_owner_comes_from_the_assignment_rules_for_leads(admin: Any, rep: Any) -> None:
    iberia = TeamFactory(name="Iberia")
    madrid_rep = user_with_role("sales_rep", team=iberia, full_name="Marta Madrid")
    madrid = territory_create(
        actor=admin, name="Madrid", countries=["ES"], postal_ranges=[["28000", "28999"]]
    )
    rule_create(actor=admin, name="Madrid leads", object_type="leads.lead", territory=madrid, user=madrid_rep)
    matched = lead_create(actor=admin, first_name="Ana", country="ES", postal_code="28001")
    unmatched = lead_create(actor=admin, first_name="Bob", country="GB", postal_code="SW1A 1AA")
    assert matched.owner == madrid_rep and matched.team == iberia
    assert unmatched.owner == admin


def test_web_lead_without_rule_or_actor_goes_to_an_administrator(admin: Any) -> None:
    lead = lead_create(actor=None, first_name="Ana", source=LeadSource.WEB_FORM)
    assert lead.owner == admin


def test_update_with_a_stale_version_is_refused_and_changes_nothing(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", company="Acme")
    lead_update(actor=rep, lead=lead, expected_version=1, company="Acme 2")
    before = _snapshot(lead)
    with pytest.raises(ConcurrentEdit):
        lead_update(actor=rep, lead=lead, expected_version=1, company="Acme 3")
    assert _snapshot(lead) == before


def test_funnel_moves_stamp_each_stage_once(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana")
    lead = lead_mark_contacted(actor=rep, lead=lead)
    assert lead.status == LeadStatus.CONTACTED and lead.contacted_at is not None
    contacted_at = lead.contacted_at
    lead = lead_qualify(actor=rep, lead=lead)
    assert lead.status == LeadStatus.QUALIFIED and lead.qualified_at is not None
    assert lead.contacted_at == contacted_at


def test_disqualify_needs_a_reason_and_blocks_further_moves(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana")
    before = _snapshot(lead)
    with pytest.raises(InvalidInput) as exc:
        lead_disqualify(actor=rep, lead=lead, reason="because")
    assert "reason" in exc.value.field_errors
    assert _snapshot(lead) == before
    lead = lead_disqualify(actor=rep, lead=lead, reason="no_budget", note="Maybe next year")
    assert lead.status == LeadStatus.DISQUALIFIED and lead.disqualified_reason == "no_budget"
    with pytest.raises(LeadNotOpen):
        lead_qualify(actor=rep, lead=lead)
    with pytest.raises(LeadNotOpen):
        lead_convert(actor=rep, lead=lead)
    lead = lead_reopen(actor=rep, lead=lead)
    assert lead.status == LeadStatus.NEW and lead.disqualified_reason == ""


def test_convert_creates_account_and_contact_when_nothing_matches(rep: Any) -> None:
    lead = lead_create(
        actor=rep,
        first_name="Lucía",
        last_name="García",
        email="lucia@acme.example",
        company="Acme Iberia S.L.",
        job_title="CTO",
        city="Madrid",
        postal_code="28001",
        country="ES",
        email_consent="granted",
        consent_source="Fair 2026",
    )
    result = lead_convert(actor=rep, lead=lead)
    assert result.account_created and result.contact_created
    account = contact_selectors.account_get(user=rep, pk=result.account.pk)
    contact = contact_selectors.contact_get(user=rep, pk=result.contact.pk)
    assert account.name == "Acme Iberia S.L." and account.owner == rep
    assert contact.email == "lucia@acme.example" and contact.primary_account_id == account.pk
    assert contact.email_consent == "granted"
    assert contact_selectors.account_addresses(account=account)[0].city == "Madrid"
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert lead.converted_account_id == account.pk and lead.converted_contact_id == contact.pk
    assert lead.converted_at and lead.qualified_at and lead.contacted_at


def test_convert_matches_existing_account_and_contact_instead_of_duplicating(rep: Any) -> None:
    account = account_create(actor=rep, name="ACME Iberia, S.L.")
    contact = contact_create(actor=rep, first_name="Lucía", last_name="García", email="lucia@acme.example")
    lead = lead_create(
        actor=rep, first_name="Lucia", last_name="Garcia", email="LUCIA@acme.example", company="Acme Iberia"
    )
    match = lead_conversion_match(user=rep, lead=lead)
    assert match.account.pk == account.pk and match.contact.pk == contact.pk
    accounts_before = contact_selectors.account_query(user=rep).count()
    contacts_before = contact_selectors.contact_query(user=rep).count()
    result = lead_convert(actor=rep, lead=lead)
    assert not result.account_created and not result.contact_created
    assert result.account.pk == account.pk and result.contact.pk == contact.pk
    assert contact_selectors.account_query(user=rep).count() == accounts_before
    assert contact_selectors.contact_query(user=rep).count() == contacts_before
    linked = contact_selectors.contact_get(user=rep, pk=contact.pk)
    assert [m.account_id for m in linked.memberships.all()] == [account.pk]


def test_convert_twice_is_refused_and_creates_nothing_more(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", email="ana@example.com", company="Beta")
    lead_convert(actor=rep, lead=lead)
    before = _snapshot(lead)
    accounts = contact_selectors.account_query(user=rep).count()
    with pytest.raises(LeadAlreadyConverted):
        lead_convert(actor=rep, lead=lead, create_account=True, create_contact=True)
    assert _snapshot(lead) == before
    assert contact_selectors.account_query(user=rep).count() == accounts


def test_convert_with_a_stale_version_writes_nothing(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", email="ana@example.com", company="Beta")
    lead_update(actor=rep, lead=lead, job_title="CEO")
    before = _snapshot(lead)
    with pytest.raises(ConcurrentEdit):
        lead_convert(actor=rep, lead=lead, expected_version=1)
    assert _snapshot(lead) == before
    assert contact_selectors.account_query(user=rep).count() == 0
    assert contact_selectors.contact_query(user=rep).count() == 0


def test_convert_failing_half_way_leaves_no_account_behind(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", email="ana@example.com", company="Beta")
    with pytest.raises(InvalidInput) as exc:
        lead_convert(actor=rep, lead=lead, contact_id=999_999)
    assert "contact_id" in exc.value.field_errors
    assert contact_selectors.account_query(user=rep).count() == 0
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_convert_can_open_an_opportunity_with_the_leads_budget(rep: Any) -> None:
    from crm.sales import selectors as sales_selectors
    from crm.sales.tests.factories import make_pipeline

    pipeline = make_pipeline()
    lead = lead_create(
        actor=rep,
        first_name="Lucía",
        email="lucia@acme.example",
        company="Acme Iberia S.L.",
        budget_amount=Decimal("12000"),
        budget_currency="EUR",
        timeline="quarter",
    )

    result = lead_convert(actor=rep, lead=lead, create_opportunity=True)

    opportunity = sales_selectors.opportunity_get(user=rep, pk=result.opportunity.pk)
    assert opportunity.account_id == result.account.pk and opportunity.pipeline_id == pipeline.pk
    assert opportunity.amount == Decimal("12000.00") and opportunity.currency == "EUR"
    assert opportunity.stage.name == "Qualify" and opportunity.owner == rep
    assert (opportunity.close_date - timezone.localdate()).days == 90
    assert list(opportunity.contacts.values_list("pk", flat=True)) == [result.contact.pk]
    lead.refresh_from_db()
    assert lead.converted_opportunity_id == opportunity.pk


def test_convert_with_an_opportunity_hands_the_leads_timestamps_to_the_deals_lifecycle(
    rep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from crm.sales.selectors.lifecycle import account_lifecycle
    from crm.sales.tests.factories import make_pipeline

    make_pipeline()
    lead = lead_create(actor=rep, first_name="Eva", email="eva@acme.example", company="Acme Norte S.L.")
    with django_capture_on_commit_callbacks(execute=True):
        result = lead_convert(actor=rep, lead=lead, create_opportunity=True)
    lead.refresh_from_db()
    stamps = account_lifecycle(user=rep, account_id=result.account.pk)
    assert stamps["lead_created_at"] == lead.created_at
    assert stamps["lead_qualified_at"] == lead.qualified_at
    assert stamps["opportunity_opened_at"] == result.opportunity.created_at


def test_convert_with_an_opportunity_but_no_pipeline_is_refused_and_writes_nothing(rep: Any) -> None:
    lead = lead_create(actor=rep, first_name="Ana", email="ana@acme.example", company="Nueva S.L.")
    accounts_before = contact_selectors.account_count(user=rep, params={})[0]

    with pytest.raises(InvalidInput) as refused:
        lead_convert(actor=rep, lead=lead, create_opportunity=True)

    assert "pipeline_id" in refused.value.field_errors
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW and lead.converted_account_id is None
    assert contact_selectors.account_count(user=rep, params={})[0] == accounts_before
