"""The opportunity list filters by the day a deal closed (`closed_on`), the order list by a product on its lines
(`product`): the filters the dashboards' drill-down links use."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from crm.core.errors import InvalidInput
from crm.core.identity.models import Role, User
from crm.sales.selectors.opportunities import opportunity_query
from crm.sales.selectors.orders import order_query
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage
from crm.sales.tests.orders.factories import catalog_setup, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Any:
    return User.objects.create_user(
        "filters@example.com", "pw-123456-x", role=Role.objects.get(key="administrator")
    )


def test_opportunities_filter_by_closed_on(admin: Any) -> None:
    pipeline = make_pipeline()
    won = make_opportunity(pipeline=pipeline, owner=admin, name="April win")
    opportunity_move_stage(
        actor=None,
        opportunity=won,
        stage=stage(pipeline, "Won"),
        at=dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC),
    )
    make_opportunity(pipeline=pipeline, owner=admin, name="Open")
    found = opportunity_query(
        user=admin, params={"closed_on__gte": "2026-04-01", "closed_on__lte": "2026-04-30"}
    )
    assert [o.name for o in found] == ["April win"]
    assert not opportunity_query(user=admin, params={"closed_on__gte": "2026-05-01"}).exists()
    with pytest.raises(InvalidInput) as bad:
        list(opportunity_query(user=admin, params={"closed_on__gte": "April"}))
    assert "closed_on__gte" in bad.value.field_errors


def test_orders_filter_by_product_once_per_order(admin: Any) -> None:
    items = catalog_setup()
    both = make_order(
        owner=admin,
        lines=[{"product": items["router"], "quantity": 1}, {"product": items["router"], "quantity": 2}],
    )
    make_order(owner=admin, lines=[{"product": items["install"], "quantity": 1}])
    found = list(order_query(user=admin, params={"product": str(items["router"].pk)}))
    assert [o.pk for o in found] == [both.pk]  # two lines of the product, listed once
    with pytest.raises(InvalidInput) as bad:
        list(order_query(user=admin, params={"product": "router"}))
    assert "product" in bad.value.field_errors
