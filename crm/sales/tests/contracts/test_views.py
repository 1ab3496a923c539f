"""Contract pages: list (query budget), record page, form with lines (inline errors, nothing stored), actions,
the account panel and the timelines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.activities.timeline import timeline_page
from crm.contacts.tests.factories import AccountFactory
from crm.sales.enums import ContractStatus
from crm.sales.models import Contract, ContractLine, Invoice
from crm.sales.tests.contracts.factories import make_active_contract, make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(account: Any, owner: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "title": "Support plan",
        "account": account.pk,
        "owner": owner.pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "currency": "EUR",
        "payment_terms_days": "30",
        "renewal_notice_days": "60",
        "renewal_term_months": "12",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Premium support",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "99.00",
        "lines-0-billing_period": "monthly",
    }
    data.update(extra)
    return data


def test_list_page_query_count_does_not_grow_with_the_rows(rep: Any) -> None:
    client = _client(rep)
    make_contract(owner=rep)
    url = reverse("sales:contract_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        make_contract(owner=rep, title=f"Plan {i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Plan 5" in page and "7 contracts" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_create_through_the_form_with_a_line(rep: Any) -> None:
    account = AccountFactory(owner=rep)
    response = _client(rep).post(reverse("sales:contract_create"), _form_data(account, rep))
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    assert contract.lines.get().unit_price == 99 and contract.status == ContractStatus.DRAFT


def test_form_shows_inline_errors_and_stores_nothing(rep: Any) -> None:
    account = AccountFactory(owner=rep)
    client = _client(rep)
    response = client.post(
        reverse("sales:contract_create"),
        _form_data(account, rep, end_date="2025-01-01", **{"lines-0-quantity": "-2"}),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "The end date cannot be before the start date." in page
    assert Contract.all_objects.count() == 0 and ContractLine.objects.count() == 0
    response = client.post(
        reverse("sales:contract_create"), _form_data(account, rep, **{"lines-0-quantity": "-2"})
    )
    assert response.status_code == 422
    assert "The quantity must be more than 0." in response.content.decode()
    assert Contract.all_objects.count() == 0


def test_record_page_activate_generate_and_cancel(rep: Any) -> None:
    client = _client(rep)
    today = timezone.localdate()
    contract = make_contract(
        owner=rep, start_date=today - dt.timedelta(days=40), end_date=today + dt.timedelta(days=300)
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert contract.number in page and "Activate" in page and "after activation" in page

    client.post(reverse("sales:contract_activate", args=[contract.pk]), {"version": contract.version})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE

    response = client.post(reverse("sales:contract_generate", args=[contract.pk]), follow=True)
    assert "1 draft invoice created." in response.content.decode()
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.lines.count() == 2
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Generated invoices" in page and "Draft invoice" in page

    client.post(reverse("sales:contract_cancel", args=[contract.pk]), {"version": contract.version})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED


def test_activate_without_lines_shows_the_error_and_changes_nothing(rep: Any) -> None:
    contract = make_contract(owner=rep, lines=[])
    response = _client(rep).post(reverse("sales:contract_activate", args=[contract.pk]), follow=True)
    assert "Add at least one line before activating the contract." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT and contract.version == 1


def test_edit_a_draft_replaces_its_lines(rep: Any) -> None:
    contract = make_contract(owner=rep)
    client = _client(rep)
    assert client.get(reverse("sales:contract_update", args=[contract.pk])).status_code == 200
    data = _form_data(contract.account, rep, title="Renamed", version="1", **{"lines-0-unit_price": "120"})
    response = client.post(reverse("sales:contract_update", args=[contract.pk]), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Renamed" and contract.lines.get().unit_price == 120 and contract.version == 2


def test_account_panel_and_timelines_show_the_contract(rep: Any) -> None:
    contract = make_active_contract(owner=rep)
    client = _client(rep)
    panel = client.get(reverse("sales:account_contracts", args=[contract.account_id])).content.decode()
    assert "Contracts & subscriptions" in panel and contract.number in panel
    account_page = client.get(reverse("contacts:account_detail", args=[contract.account_id])).content.decode()
    assert reverse("sales:account_contracts", args=[contract.account_id]) in account_page
    from crm.sales.services.contract_billing import contract_invoices_generate

    contract_invoices_generate(today=contract.start_date)

    def titles(object_type: str, pk: int) -> list[str]:
        return [e.title for e in timeline_page(user=rep, object_type=object_type, object_id=pk).entries]

    on_account = titles("contacts.account", contract.account_id)
    for verb in ("created", "activated", "drafted the invoice of"):
        assert any(f"{verb} contract {contract.number}" in t for t in on_account), on_account
    on_contract = titles("sales.contract", contract.pk)
    assert any("changed status: Draft → Active" in t for t in on_contract), on_contract
    assert any(f"drafted the invoice of contract {contract.number}" in t for t in on_contract)
    assert not any(f"activated contract {contract.number}" in t for t in on_contract)  # the audit says it


def test_someone_elses_contract_is_404(rep: Any, make_user: Any) -> None:
    contract = make_contract(owner=make_user("sales_rep", team="South"))
    client = _client(rep)
    assert client.get(contract.get_absolute_url()).status_code == 404
    assert client.post(reverse("sales:contract_activate", args=[contract.pk])).status_code == 404


def test_edit_an_active_contract_keeps_its_lines(rep: Any) -> None:
    contract = make_active_contract(owner=rep)
    client = _client(rep)
    url = reverse("sales:contract_update", args=[contract.pk])
    page = client.get(url).content.decode()
    assert "An active contract keeps the lines that were agreed" in page and "lines-TOTAL_FORMS" not in page
    data = {
        k: v
        for k, v in _form_data(contract.account, rep, title="Hosting 2026", version="2").items()
        if not k.startswith("lines-")
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert contract.title == "Hosting 2026" and contract.lines.count() == 1 and contract.version == 3
    stale = client.post(url, {**data, "title": "Other", "version": "2"})
    assert stale.status_code == 422 and "Someone else changed this record" in stale.content.decode()
    contract.refresh_from_db()
    assert contract.title == "Hosting 2026"


def test_record_page_query_count_does_not_grow_with_lines_and_invoices(rep: Any) -> None:
    from crm.sales.services.contract_billing import contract_invoices_generate
    from crm.sales.tests.contracts.factories import free_line

    client = _client(rep)
    small = make_active_contract(owner=rep)
    contract_invoices_generate(today=dt.date(2026, 1, 1))
    big = make_active_contract(owner=rep, lines=[free_line(description=f"Line {i}") for i in range(5)])
    for day in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        contract_invoices_generate(today=day, contract=big)

    def queries(contract: Any) -> int:
        client.get(contract.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(contract.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert Invoice.objects.filter(contract=big).count() == 3
    assert queries(big) == queries(small)


def test_form_offers_the_accounts_people_as_contact(rep: Any) -> None:
    from crm.contacts.tests.factories import ContactAccountFactory, ContactFactory

    account = AccountFactory(owner=rep)
    member = ContactAccountFactory(
        account=account, contact=ContactFactory(owner=rep, full_name="Lucía Pérez")
    )
    client = _client(rep)
    assert 'name="contact"' not in client.get(reverse("sales:contract_create")).content.decode()
    page = client.get(reverse("sales:contract_create") + f"?account={account.pk}").content.decode()
    assert "Lucía Pérez" in page
    response = client.post(
        reverse("sales:contract_create"), _form_data(account, rep, contact=member.contact_id)
    )
    assert response.status_code == 302
    assert Contract.objects.get().contact_id == member.contact_id
