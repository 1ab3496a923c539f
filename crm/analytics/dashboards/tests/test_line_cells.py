"""Revenue by product and revenue by territory read the order-line summary (`OrderLineMonth`) for whole-month
periods: after random order writes and territory changes their whole answer — figures, KPIs, links, chart — is
what grouping the lines gives, and that is what the former `order_id IN (SELECT … orders)` query gave, for an
administrator, a manager and reps; a custom range that cuts a month groups the lines."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.analytics.dashboards.selectors import widget_compute
from crm.analytics.dashboards.widgets import customers as customer_widgets
from crm.analytics.dashboards.widgets import widget_type_get
from crm.contacts.services import account_create
from crm.contacts.services.addresses import address_add
from crm.core.assignment.services import territory_create
from crm.core.errors import DomainError
from crm.sales.selectors.order_lines import order_line_query
from crm.sales.selectors.orders import order_query
from crm.sales.services.orders import order_cancel, order_update
from crm.sales.tests.orders.factories import catalog_setup, make_order

pytestmark = pytest.mark.django_db

WIDGETS = ("revenue_by_product", "revenue_by_territory")


def _day(rng: random.Random) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))


def _random_orders(rng: random.Random, people: list[Any], capture: Any) -> None:
    items = catalog_setup()
    territory_create(actor=None, name="Iberia", countries=["ES", "PT"])
    territory_create(actor=None, name="Nordics", countries=["SE"])
    accounts = [
        account_create(
            actor=None,
            owner=people[i % len(people)],
            name=f"Account {i}",
            address={"city": "Somewhere", "country": country} if country else None,
        )
        for i, country in enumerate(["ES", "PT", "SE", "FR", ""])
    ]
    products = [items["router"], items["install"]]
    for _ in range(40):
        lines = [
            {
                "product": rng.choice(products),
                "quantity": rng.randrange(1, 5),
                "unit_price": str(Decimal(rng.randrange(100, 90_000)) / 100),
            }
            for _n in range(rng.randrange(1, 4))
        ]
        if rng.random() < 0.2:
            lines.append({"description": "Survey", "quantity": 1, "unit_price": str(rng.randrange(10, 900))})
        order = make_order(
            owner=rng.choice(people),
            account=rng.choice(accounts),
            lines=lines,
            ordered_on=_day(rng),
            currency=rng.choice(["EUR", "USD"]),
        )
        try:
            action = rng.choice(["keep", "keep", "owner", "date", "cancel", "territory"])
            if action == "owner":
                order_update(actor=None, order=order, owner=rng.choice(people))
            elif action == "date":
                order_update(actor=None, order=order, ordered_on=_day(rng))
            elif action == "cancel":
                order_cancel(actor=None, order=order)
            elif action == "territory":
                with capture(execute=True):
                    address_add(
                        actor=None,
                        account=rng.choice(accounts),
                        city="Elsewhere",
                        country=rng.choice(["ES", "SE", "FR"]),
                        is_primary=True,
                    )
        except DomainError:
            pass


def _answer(user: Any, key: str, params: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    widget = widget_type_get(key)
    filters = dashboard_filters_parse(user=user, params=params)
    result = widget_compute(
        user=user, widget=widget, filters=filters, settings=widget.settings_clean(settings)
    )
    return {**result.as_json(), "chart": str(result.chart), "links": result.links}


def _former_line_query(*, user: Any, params: Any = None) -> Any:
    """What the widgets summed before: the lines whose order is `IN` the order list's query."""
    return order_line_query(user=user).filter(order__in=order_query(user=user, params=params).values("pk"))


@pytest.mark.parametrize("seed", [31, 32])
def test_revenue_widgets_from_the_summary_equal_the_former_line_query(
    money: None,
    boss: Any,
    north: Any,
    south: Any,
    make_user: Any,
    seed: int,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rng = random.Random(seed)
    admin = make_user("administrator", team=None)
    north2 = make_user("sales_rep", team="North", manager=boss)
    _random_orders(rng, [north, north2, south], django_capture_on_commit_callbacks)
    cases: list[tuple[Any, dict[str, str], dict[str, Any]]] = []
    for period in ({"period": "2026-Q2"}, {"period": "2026"}, {"period": "2026-03"}):
        cases += [
            (admin, period, {}),
            (admin, {**period, "team": str(north.team_id)}, {}),
            (admin, {**period, "owner": str(south.pk)}, {}),
            (boss, period, {}),
            (north, period, {}),  # a rep: their team's orders
            (north2, period, {"mine": True}),
            (south, {**period, "owner": str(north.pk)}, {}),  # another team's owner: nothing
        ]
    seen = 0
    for user, params, settings in cases:
        for key in WIDGETS:
            fast = _answer(user, key, params, settings)
            with monkeypatch.context() as patched:
                patched.setattr(customer_widgets, "line_months_fit", lambda start, end: False)
                joined = _answer(user, key, params, settings)
                patched.setattr(customer_widgets, "order_line_query", _former_line_query)
                former = _answer(user, key, params, settings)
            assert fast == joined == former, (key, params, settings)
            seen += not fast["empty"]
    assert seen > 10


def test_a_range_that_cuts_a_month_groups_the_lines(money: None, boss: Any, monkeypatch: Any) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise AssertionError("the cells hold whole months only")

    monkeypatch.setattr(customer_widgets, "order_line_month_sums", refuse)
    items = catalog_setup()
    make_order(
        owner=boss,
        lines=[{"product": items["router"], "quantity": 2}],
        ordered_on=dt.date(2026, 4, 10),
    )
    make_order(
        owner=boss,
        lines=[{"product": items["router"], "quantity": 5}],
        ordered_on=dt.date(2026, 4, 2),  # before the range
    )
    custom = {"from": "2026-04-05", "to": "2026-04-30"}
    assert Decimal(_answer(boss, "revenue_by_product", custom, {})["figures"]["amount"]) == Decimal("200.00")
    assert Decimal(_answer(boss, "revenue_by_territory", custom, {})["figures"]["amount"]) == Decimal(
        "200.00"
    )
