"""The opportunity page's products section and the form's contacts picker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.contacts.tests.factories import AccountFactory, ContactAccountFactory, ContactFactory
from crm.sales.models import Opportunity, OpportunityLine
from crm.sales.services import opportunity_line_add

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_section_lists_lines_with_totals(rep: Any, opportunity: Any, catalog_items: dict[str, Any]) -> None:
    opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=2
    )
    html = (
        _client(rep).get(reverse("sales:opportunity_lines", args=[opportunity.pk]), **HTMX).content.decode()
    )
    assert "Laptop" in html and "Add a product" in html
    assert "2,000.00" in html and "420.00" in html and "2,420.00" in html
    page = _client(rep).get(reverse("sales:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert reverse("sales:opportunity_lines", args=[opportunity.pk]) in page


def test_product_picker_offers_prices_in_the_deals_currency(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    url = reverse("sales:opportunity_line_products", args=[opportunity.pk])
    html = _client(rep).get(url, {"q": "o"}).content.decode()
    assert "Laptop" in html and "€1,000.00" in html
    assert "no price in EUR" in html  # "Only in USD"
    assert "Old model" not in html  # inactive


def test_add_line_refreshes_the_page(rep: Any, opportunity: Any, catalog_items: dict[str, Any]) -> None:
    url = reverse("sales:opportunity_line_add", args=[opportunity.pk])
    response = _client(rep).post(
        url,
        {
            "product_id": catalog_items["support"].pk,
            "quantity": "3",
            "discount_percent": "",
            "version": opportunity.version,
        },
        **HTMX,
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("240.00")


def test_add_line_shows_the_error_beside_the_field_and_stores_nothing(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    url = reverse("sales:opportunity_line_add", args=[opportunity.pk])
    response = _client(rep).post(
        url,
        {"product_id": catalog_items["laptop"].pk, "quantity": "-1", "version": opportunity.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Enter a quantity greater than zero." in response.content.decode()
    assert not OpportunityLine.objects.exists()
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("500.00")


def test_edit_and_delete_a_line(rep: Any, opportunity: Any, catalog_items: dict[str, Any]) -> None:
    line = opportunity_line_add(
        actor=rep, opportunity=opportunity, product_id=catalog_items["laptop"].pk, quantity=1
    )
    client = _client(rep)
    url = reverse("sales:opportunity_line_edit", args=[opportunity.pk, line.pk])
    assert 'name="quantity"' in client.get(url, **HTMX).content.decode()
    bad = client.post(url, {"description": "Laptop", "quantity": "1", "discount_percent": "300"}, **HTMX)
    assert bad.status_code == 200 and "between 0 and 100" in bad.content.decode()
    assert (
        client.post(
            url, {"description": "Laptop", "quantity": "2", "discount_percent": "0"}, **HTMX
        ).status_code
        == 204
    )
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("2000.00")
    delete = reverse("sales:opportunity_line_delete", args=[opportunity.pk, line.pk])
    assert client.post(delete, **HTMX).status_code == 204
    assert not OpportunityLine.objects.exists()


def test_lines_of_someone_elses_deal_are_404(
    make_user: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    client = _client(make_user("sales_rep", team="South"))
    assert client.get(reverse("sales:opportunity_lines", args=[opportunity.pk])).status_code == 404
    url = reverse("sales:opportunity_line_add", args=[opportunity.pk])
    assert client.post(url, {"product_id": catalog_items["laptop"].pk, "quantity": "1"}).status_code == 404
    assert not OpportunityLine.objects.exists()


def test_contacts_picker_offers_the_accounts_contacts_and_saves_them(rep: Any, opportunity: Any) -> None:
    account = AccountFactory(owner=rep, name="Umbrella")
    ana = ContactFactory(owner=rep, first_name="Ana", last_name="Ruiz")
    bob = ContactFactory(owner=rep, first_name="Bob", last_name="Stone")
    for person in (ana, bob):
        ContactAccountFactory(contact=person, account=account)
    ContactFactory(owner=rep, first_name="Carla", last_name="Elsewhere")
    client = _client(rep)
    picker = reverse("sales:opportunity_contacts_picker")
    html = client.get(
        picker, {"account": account.pk, "contact_q": "ana", "contacts": [bob.pk]}
    ).content.decode()
    assert "Ana Ruiz" in html and "Bob Stone" in html and "Carla" not in html
    assert f'value="{bob.pk}" id="contact-pick-{bob.pk}" checked' in html
    assert "Choose the account first" in client.get(picker).content.decode()
    response = client.post(
        reverse("sales:opportunity_update", args=[opportunity.pk]),
        {
            "name": opportunity.name,
            "account": account.pk,
            "owner": rep.pk,
            "amount": "500.00",
            "currency": "EUR",
            "close_date": "2026-12-31",
            "probability": "10",
            "contacts": [ana.pk, bob.pk],
            "version": opportunity.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Opportunity.objects.get(pk=opportunity.pk)
    assert sorted(c.pk for c in saved.contacts.all()) == sorted([ana.pk, bob.pk])
    page = client.get(reverse("sales:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert "Ana Ruiz" in page and "Bob Stone" in page
    form = client.get(reverse("sales:opportunity_update", args=[opportunity.pk])).content.decode()
    assert f'id="contact-pick-{ana.pk}" checked' in form
