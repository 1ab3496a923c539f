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


@pytest.mark.django_db(transaction=True)
def test_an_order_placed_while_the_accounts_last_order_is_cancelled_keeps_both_summaries(
    make_user: Any,
) -> None:
    """The cancel deletes the (account, owner) purchase row and the order-line cells that the new order waits on:
    the new order creates them again and locks them, instead of failing or writing unserialised."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections taking row locks at once: PostgreSQL (SQLite serialises every writer)")
    import datetime as dt
    import time

    from django.db import transaction

    from crm.sales.models import AccountPurchases, Order
    from crm.sales.services.line_months import order_line_month_rebuild
    from crm.sales.services.orders import order_cancel
    from crm.sales.services.purchases import account_purchases_rebuild
    from crm.sales.tests.orders.factories import catalog_setup

    rep = make_user("sales_rep", team="North")
    items = catalog_setup()
    lines = [{"product": items["router"], "quantity": 1}]
    day = dt.date(2026, 3, 4)
    first = make_order(owner=rep, lines=lines, ordered_on=day)
    account = first.account
    cancelling, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def cancel() -> None:
        try:
            with transaction.atomic():
                # the cancel's first step: its purchase row locked; the new order then finds the row there (no
                # insert) and waits on it, and the cancel goes on to delete it
                AccountPurchases.objects.select_for_update().get(account=account, owner=rep)
                cancelling.set()
                release.wait(timeout=10)
                order_cancel(actor=None, order=first)
        except BaseException as exc:
            errors.append(exc)
        finally:
            cancelling.set()
            connection.close()

    def place() -> None:
        try:
            make_order(owner=rep, account=account, lines=lines, ordered_on=day)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    assert cancelling.wait(timeout=10)
    placer = threading.Thread(target=place)
    placer.start()
    time.sleep(0.5)  # the new order is now waiting on the cancel's locks
    release.set()
    canceller.join(timeout=30)
    placer.join(timeout=30)
    assert errors == []
    assert Order.objects.filter(account=account, status="cancelled").count() == 1
    stored = list(AccountPurchases.objects.filter(account=account).values_list("owner_id", "orders"))
    assert stored == [(rep.pk, 1)]
    from crm.sales.models import OrderLineMonth

    cells = sorted(OrderLineMonth.objects.values_list("cell", "lines", "net_amount"))
    order_line_month_rebuild()
    account_purchases_rebuild()
    assert sorted(OrderLineMonth.objects.values_list("cell", "lines", "net_amount")) == cells
    assert list(AccountPurchases.objects.filter(account=account).values_list("owner_id", "orders")) == stored
