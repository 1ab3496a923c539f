"""Row locks: concurrent deliveries of one order never promise more than was ordered, and concurrent "mark
delivered" never delivers beyond it (PostgreSQL: two connections taking row locks at once)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from crm.core.errors import DomainError
from crm.sales.models import Delivery, OrderLine
from crm.sales.services.deliveries import delivery_create, delivery_mark_delivered
from crm.sales.tests.orders.factories import make_order


def _race(n: int, work: Any) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(i)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_never_exceed_the_order(make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two connections taking row locks at once: PostgreSQL (SQLite serialises every writer)")
    rep = make_user("sales_rep", team="North")
    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()

    # four clerks each try to ship the 3 routers at once: one delivery is created, the others are refused
    outcomes = _race(4, lambda i: delivery_create(actor=rep, order=order, lines=[(router, 3, "")]))
    assert outcomes == ["invalid", "invalid", "invalid", "ok"]
    delivery = Delivery.objects.get()

    # and marking it delivered twice at once delivers it once
    outcomes = _race(2, lambda i: delivery_mark_delivered(actor=rep, delivery=delivery))
    assert outcomes == ["delivery_state", "ok"]
    assert OrderLine.objects.get(pk=router.pk).quantity_delivered == Decimal(3)
