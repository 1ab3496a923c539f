"""The stored account territory across the apps that read it: the pivot's territory dimension (accounts, contacts,
opportunities, orders, invoice lines, payments, activities) equals a count by hand; the revenue-by-territory widget
reads it with GROUP BYs and each bar opens the order list filtered by its territory (no account cap); the order
list's territory filter refuses an unknown territory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.analytics.dashboards.selectors import widget_compute
from crm.analytics.dashboards.widgets import widget_type_get
from crm.analytics.pivot.selectors import pivot_compute
from crm.contacts.services import account_create, contact_create
from crm.contacts.tests.factories import TeamFactory, user_with_role
from crm.core.assignment.services import territory_create
from crm.core.errors import InvalidInput
from crm.sales.selectors.orders import order_query
from crm.sales.tests.orders.factories import catalog_setup, make_order

pytestmark = pytest.mark.django_db

Q2 = {"period": "2026-Q2"}


@pytest.fixture
def boss() -> Any:
    return user_with_role("sales_manager", team=TeamFactory(name="North"), full_name="Bea Boss")


@pytest.fixture
def world(boss: Any) -> dict[str, Any]:
    """Iberia (ES, PT) and Nordics (SE); three accounts in Iberia, one in the Nordics, two without a territory
    (France, no address). Each account has one Q2 order of `n` routers (100 EUR net each) and one contact."""
    items = catalog_setup()
    iberia = territory_create(actor=None, name="Iberia", countries=["ES", "PT"])
    nordics = territory_create(actor=None, name="Nordics", countries=["SE"])
    places = [("ES", 1), ("ES", 2), ("PT", 3), ("SE", 4), ("FR", 5), ("", 6)]
    accounts = []
    for i, (country, n) in enumerate(places):
        address = {"city": "Somewhere", "country": country} if country else None
        account = account_create(actor=boss, owner=boss, name=f"Account {i}", address=address)
        accounts.append(account)
        contact_create(actor=boss, owner=boss, first_name=f"Ana {i}", account=account)
        make_order(
            owner=boss,
            account=account,
            lines=[{"product": items["router"], "quantity": n}],
            ordered_on=dt.date(2026, 5, 5),
        )
    return {"iberia": iberia, "nordics": nordics, "accounts": accounts, "items": items}


def _by_label(result: Any) -> dict[str, Any]:
    return {line.members[0].label: line.total for line in result.lines if not line.is_subtotal}


def test_pivot_by_territory_equals_a_count_by_hand(boss: Any, world: dict[str, Any]) -> None:
    by_hand: dict[str, int] = {}
    for account in world["accounts"]:
        account.refresh_from_db()
        name = {world["iberia"].pk: "Iberia", world["nordics"].pk: "Nordics"}.get(
            account.territory_id, "(none)"
        )
        by_hand[name] = by_hand.get(name, 0) + 1
    assert by_hand == {"Iberia": 3, "Nordics": 1, "(none)": 2}
    for source in ("accounts", "contacts", "orders"):
        result = pivot_compute(user=boss, data={"object": source, "rows": ["territory"], "measure": "count"})
        assert _by_label(result) == by_hand, source
        assert result.grand_total == 6


def test_pivot_sums_order_revenue_by_territory_and_product(boss: Any, world: dict[str, Any]) -> None:
    result = pivot_compute(
        user=boss, data={"object": "orders", "rows": ["territory"], "measure": "sum:net_total"}
    )
    assert _by_label(result) == {
        "Iberia": Decimal("600.00"),  # (1 + 2 + 3) routers
        "Nordics": Decimal("400.00"),
        "(none)": Decimal("1100.00"),
    }


def test_every_object_with_an_account_offers_the_territory_dimension() -> None:
    from crm.analytics.pivot.sources import source_get

    for key in ("accounts", "contacts", "opportunities", "orders", "invoice_lines", "payments", "activities"):
        assert "territory" in source_get(key).dimension_map(), key
    assert "territory" not in source_get("leads").dimension_map()  # a lead has no account yet


def _widget(user: Any) -> Any:
    filters = dashboard_filters_parse(user=user, params=Q2)
    return widget_compute(
        user=user, widget=widget_type_get("revenue_by_territory"), filters=filters, settings={}
    )


def test_widget_figures_and_each_bar_opens_its_territorys_orders(boss: Any, world: dict[str, Any]) -> None:
    result = _widget(boss)
    rows = {t["name"]: t for t in result.figures["territories"]}
    assert {k: Decimal(v["amount"]) for k, v in rows.items()} == {
        "No territory": Decimal("1100"),
        "Iberia": Decimal("600"),
        "Nordics": Decimal("400"),
    }
    assert [t["name"] for t in result.figures["territories"]] == ["No territory", "Iberia", "Nordics"]
    assert {k: v["accounts"] for k, v in rows.items()} == {"No territory": 2, "Iberia": 3, "Nordics": 1}
    assert Decimal(result.figures["amount"]) == Decimal("2100")
    for name, expected in (("Iberia", 3), ("Nordics", 1), ("No territory", 2)):
        url = rows[name]["url"]
        assert urlsplit(url).path == "/orders/"
        params = dict(parse_qsl(urlsplit(url).query))
        assert "account" not in params  # no list of account ids: any number of accounts
        orders = order_query(user=boss, params=params)
        assert orders.count() == expected, name
        assert sum((o.net_total for o in orders), Decimal(0)) == Decimal(rows[name]["amount"])


def test_widget_reads_the_stored_territory_in_a_fixed_number_of_queries(
    boss: Any, world: dict[str, Any]
) -> None:
    _widget(boss)
    with CaptureQueriesContext(connection) as few:
        _widget(boss)
    items = world["items"]
    for _i in range(5):  # more accounts and orders: no more queries
        account = account_create(
            actor=boss, owner=boss, name=f"More {_i}", address={"city": "Oslo", "country": "SE"}
        )
        make_order(
            owner=boss,
            account=account,
            lines=[{"product": items["router"], "quantity": 1}],
            ordered_on=dt.date(2026, 5, 6),
        )
    with CaptureQueriesContext(connection) as more:
        result = _widget(boss)
    assert len(more) == len(few)
    assert {t["name"]: t["accounts"] for t in result.figures["territories"]}["Nordics"] == 6


def test_order_list_refuses_an_unknown_territory_and_changes_nothing(
    client: Any, boss: Any, world: dict[str, Any]
) -> None:
    from crm.sales.selectors.orders import order_query as orders

    before = sorted(orders(user=boss).values_list("pk", "status", "total"))
    with pytest.raises(InvalidInput) as info:
        orders(user=boss, params={"territory": "987654"})
    assert "territory" in info.value.field_errors
    client.force_login(boss)
    page = client.get("/orders/", {"territory": "987654"})
    assert "is not one of the choices" in page.content.decode()
    assert sorted(orders(user=boss).values_list("pk", "status", "total")) == before
    listed = client.get("/orders/", {"territory": str(world["nordics"].pk)}).content.decode()
    assert "Account 3" in listed and "Account 0" not in listed
