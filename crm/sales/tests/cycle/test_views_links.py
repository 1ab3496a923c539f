"""The links that carry a deal from one document to the next: an accepted quote's "Create order" button (then a
link to its order), the order's "Invoice this order" button and its invoices, the invoice's links back to its order
and delivery. Each appears only when the step is possible for the person looking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.contacts.tests.factories import AccountFactory
from crm.sales.enums import QuoteStatus
from crm.sales.models import Order
from crm.sales.services.deliveries import delivery_create, delivery_ship
from crm.sales.services.invoices import invoice_create_from_order, invoice_issue
from crm.sales.services.orders import order_cancel, order_create_from_quote
from crm.sales.tests.factories import make_opportunity, make_pipeline
from crm.sales.tests.orders.factories import accepted_quote, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_accepted_quote_offers_create_order_then_links_to_it(rep: Any) -> None:
    quote = accepted_quote(owner=rep)
    page = _page(rep, quote.get_absolute_url())
    assert "Create order" in page and f'action="{reverse("sales:order_from_quote")}"' in page
    assert f'name="quote" value="{quote.pk}"' in page

    order = order_create_from_quote(actor=rep, quote=quote)
    page = _page(rep, quote.get_absolute_url())
    assert "Create order" not in page
    assert f'href="{order.get_absolute_url()}"' in page and f"Order {order.number}" in page


@pytest.mark.parametrize("status", [QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.DECLINED])
def test_quote_not_accepted_has_no_order_button(rep: Any, status: str) -> None:
    quote = accepted_quote(owner=rep, status=status)
    page = _page(rep, quote.get_absolute_url())
    assert "Create order" not in page and reverse("sales:order_from_quote") not in page
    assert not Order.objects.exists()


def test_order_page_links_its_quote(rep: Any) -> None:
    quote = accepted_quote(owner=rep)
    order = order_create_from_quote(actor=rep, quote=quote)
    page = _page(rep, order.get_absolute_url())
    assert f'href="{quote.get_absolute_url()}"' in page


def test_order_invoice_button_then_its_invoices(rep: Any) -> None:
    order = make_order(owner=rep)
    from_order = reverse("sales:invoice_from_order")
    page = _page(rep, order.get_absolute_url())
    assert f'href="{from_order}?order={order.number}"' in page and "Not invoiced yet." in page

    # the link opens the form with the order's number filled in
    form = _page(rep, f"{from_order}?order={order.number}")
    assert f'value="{order.number}"' in form

    invoice = invoice_issue(actor=rep, invoice=invoice_create_from_order(actor=rep, order=order))
    page = _page(rep, order.get_absolute_url())
    assert "Invoice this order" not in page  # everything is invoiced
    assert f'href="{invoice.get_absolute_url()}"' in page and invoice.number in page

    # and the invoice links back to the order
    assert f'href="{order.get_absolute_url()}"' in _page(rep, invoice.get_absolute_url())


def test_cancelled_order_has_no_invoice_button(rep: Any) -> None:
    order = make_order(owner=rep)
    order_cancel(actor=rep, order=order)
    page = _page(rep, order.get_absolute_url())
    assert "Invoice this order" not in page


def test_read_only_user_sees_no_order_or_invoice_buttons(rep: Any, make_user: Any) -> None:
    viewer = make_user("read_only", team="North")
    quote = accepted_quote(owner=rep)
    assert "Create order" not in _page(viewer, quote.get_absolute_url())
    order = make_order(owner=rep)
    assert "Invoice this order" not in _page(viewer, order.get_absolute_url())


def test_delivery_without_carrier_starts_with_its_dates(rep: Any) -> None:
    order = make_order(owner=rep)
    line = order.lines.order_by("position").first()
    delivery_ship(actor=rep, delivery=delivery_create(actor=rep, order=order, lines=[(line.pk, "1", "")]))
    page = _page(rep, order.get_absolute_url())
    meta = page.split('class="delivery-list__meta text-subtle">', 1)[1].split("</p>", 1)[0]
    assert meta.startswith("shipped")


def test_opportunity_page_lists_its_quotes_and_orders(rep: Any) -> None:
    opportunity = make_opportunity(
        pipeline=make_pipeline(),
        owner=rep,
        account=AccountFactory(owner=rep),
        close_date=dt.date(2030, 1, 31),
    )
    page = _page(rep, opportunity.get_absolute_url())
    assert "Quotes & orders" in page and "No quote yet." in page

    quote = accepted_quote(owner=rep, account=opportunity.account)
    quote.opportunity = opportunity
    quote.save(update_fields=["opportunity"])
    order = order_create_from_quote(actor=rep, quote=quote)
    page = _page(rep, opportunity.get_absolute_url())
    assert f'href="{quote.get_absolute_url()}"' in page and f"Quote {quote.label}" in page
    assert f'href="{order.get_absolute_url()}"' in page and f"Order {order.number}" in page
    assert "No quote yet." not in page


def test_opportunity_page_hides_documents_the_user_may_not_see(rep: Any, make_user: Any) -> None:
    other = make_user("sales_rep", team="South")
    opportunity = make_opportunity(
        pipeline=make_pipeline(),
        owner=rep,
        account=AccountFactory(owner=rep),
        close_date=dt.date(2030, 1, 31),
    )
    quote = accepted_quote(owner=other, account=opportunity.account)
    quote.opportunity = opportunity
    quote.save(update_fields=["opportunity"])
    page = _page(rep, opportunity.get_absolute_url())
    assert quote.get_absolute_url() not in page and "No quote yet." in page
