"""The demo's order history: built through the sales services — delivered, invoiced, mostly paid — over three
years, so the analyses have transactions, and in each account's currency."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.demo.catalog import demo_catalog_load
from crm.demo.documents import demo_documents_load
from crm.sales.models import Asset, Invoice, Order, Payment


@pytest.mark.django_db
def test_demo_orders_span_years_and_complete_the_cycle() -> None:
    demo_catalog_load(actor=None, say=lambda _m: None)
    owner = UserFactory()
    accounts: list[tuple[Any, bool]] = [(AccountFactory(owner=owner), i % 2 == 0) for i in range(8)]
    made = demo_documents_load(rng=random.Random(3), accounts=accounts, say=lambda _m: None, share=1.0)
    assert made == Order.objects.count() > 8
    today = timezone.localdate()
    oldest = Order.objects.order_by("ordered_on").first()
    assert oldest is not None and oldest.ordered_on < today - dt.timedelta(days=365)
    assert {o.currency for o in Order.objects.all()} == {"EUR", "GBP"}
    settled = Order.objects.filter(ordered_on__lt=today - dt.timedelta(days=7))
    assert settled.exists() and all(o.status == "delivered" for o in settled)
    assert Invoice.objects.filter(status__in=["paid", "issued", "overdue"]).count() == settled.count()
    assert (
        Payment.objects.count()
        >= Invoice.objects.filter(issue_date__lt=today - dt.timedelta(days=45)).count()
    )
    assert Asset.objects.exists()  # delivered products became the customers' installed base
