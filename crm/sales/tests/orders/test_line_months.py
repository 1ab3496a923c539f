"""The order-line summary (`OrderLineMonth`): after any sequence of order writes through the services (those of
the purchase summary's test: create, quotes, header edits, cancel, bin/restore, account merges and their undo)
mixed with territory changes of the accounts (an address added, a whole re-match run), it equals the lines
added up by hand and one rebuilt from scratch; a refused write changes nothing; `crm purchases rebuild`
recomputes it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from crm.contacts.services.addresses import address_add
from crm.contacts.services.territories import territory_rematch_now
from crm.core.assignment.services import territory_create, territory_delete
from crm.core.errors import DomainError, InvalidInput
from crm.sales.models import OrderLine, OrderLineMonth
from crm.sales.services.line_months import order_line_month_rebuild, order_line_month_refresh_all
from crm.sales.services.orders import order_update
from crm.sales.tests.orders.factories import catalog_setup, make_order
from crm.sales.tests.orders.test_purchases import purchases_world, random_order_write

pytestmark = pytest.mark.django_db

Cells = dict[tuple[Any, ...], tuple[int, Decimal]]


def line_world(make_user: Any) -> dict[str, Any]:
    world = purchases_world(make_user)
    items = catalog_setup()
    territory_create(actor=None, name="Iberia", countries=["ES", "PT"])
    territory_create(actor=None, name="Nordics", countries=["SE"])
    world["lines"] = [
        {"product": items["router"], "quantity": 2},
        {"product": items["install"], "quantity": 1},
        {"description": "Site survey", "quantity": 1, "unit_price": "75.50"},
    ]
    return world


def stored() -> Cells:
    return {
        (c.month, c.owner_id, c.currency, c.product_id, c.territory_id): (c.lines, c.net_amount)
        for c in OrderLineMonth.objects.all()
    }


def exact() -> Cells:
    """The summary computed in Python from every line."""
    out: Cells = {}
    for line in OrderLine.objects.select_related("order", "order__account"):
        order = line.order
        if order.deleted_at is not None or order.status == "cancelled":
            continue
        key = (
            order.ordered_on.replace(day=1),
            order.owner_id,
            order.currency,
            line.product_id,
            order.account.territory_id,
        )
        n, net = out.get(key, (0, Decimal(0)))
        out[key] = (n + 1, net + line.net_amount)
    return out


def random_write(rng: random.Random, world: dict[str, Any], capture: Any) -> None:
    action = rng.choice(["order"] * 6 + ["address", "address", "rematch"])
    accounts = [a for a in world["accounts"] if a.deleted_at is None]
    if action == "address":  # the account's territory follows its new primary address (after commit)
        with capture(execute=True):
            address_add(
                actor=None,
                account=rng.choice(accounts),
                city="Somewhere",
                country=rng.choice(["ES", "SE", "FR", "PT"]),
                is_primary=True,
            )
    elif action == "rematch" and not world.get("rematched"):
        territory_create(actor=None, name="France", countries=["FR"])
        with capture(execute=True):  # one event for the whole run: the summary is rebuilt
            territory_rematch_now(reason="test")
        world["rematched"] = True
    else:
        random_order_write(rng, world, capture)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_equals_the_lines_and_a_rebuild_after_random_writes(
    make_user: Any, seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    world = line_world(make_user)
    rng = random.Random(seed)
    refused = 0
    for _ in range(60):
        try:
            random_write(rng, world, django_capture_on_commit_callbacks)
        except DomainError:
            refused += 1
    kept = stored()
    assert kept and refused < 60
    assert {k[4] for k in kept} - {None}  # some cells have a territory
    assert kept == exact()
    assert order_line_month_rebuild() == len(kept)
    assert stored() == kept
    OrderLineMonth.objects.filter(pk=OrderLineMonth.objects.order_by("pk").values("pk")[:1]).update(lines=999)
    assert order_line_month_refresh_all() >= 1  # group by group, as after a re-match run
    assert stored() == kept


def test_a_new_territory_moves_the_cells_of_the_accounts_orders(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = line_world(make_user)
    rep, account = world["people"][0], world["accounts"][0]
    make_order(owner=rep, account=account, lines=world["lines"], ordered_on=dt.date(2026, 3, 1))
    assert {k[4] for k in stored()} == {None}
    with django_capture_on_commit_callbacks(execute=True):
        address_add(actor=None, account=account, city="Madrid", country="ES", is_primary=True)
    account.refresh_from_db()
    assert account.territory_id is not None
    assert {k[4] for k in stored()} == {account.territory_id}
    assert stored() == exact()


def test_a_deleted_territory_leaves_the_cells_with_the_re_match_run(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = line_world(make_user)
    france = territory_create(actor=None, name="France", countries=["FR"])
    account = world["accounts"][0]
    with django_capture_on_commit_callbacks(execute=True):
        address_add(actor=None, account=account, city="Lyon", country="FR", is_primary=True)
    make_order(
        owner=world["people"][0], account=account, lines=world["lines"], ordered_on=dt.date(2026, 3, 1)
    )
    assert {k[4] for k in stored()} == {france.pk}
    territory_delete(actor=None, territory=france)  # the accounts keep none, without an event
    with django_capture_on_commit_callbacks(execute=True):  # the run moves none, yet its event rebuilds
        territory_rematch_now(reason="test")
    assert {k[4] for k in stored()} == {None}
    assert stored() == exact()


def test_a_refused_edit_changes_neither_the_order_nor_the_summary(make_user: Any) -> None:
    world = line_world(make_user)
    rep = world["people"][0]
    order = make_order(
        owner=rep, account=world["accounts"][0], lines=world["lines"], ordered_on=dt.date(2026, 3, 1)
    )
    before = stored()
    with pytest.raises(InvalidInput) as caught:
        order_update(actor=None, order=order, ordered_on="not a date", owner=world["people"][2])
    assert "ordered_on" in caught.value.field_errors
    order.refresh_from_db()
    assert (order.ordered_on, order.owner_id) == (dt.date(2026, 3, 1), rep.pk)
    assert stored() == before


def test_the_rebuild_command_recomputes_a_summary_gone_wrong(make_user: Any) -> None:
    world = line_world(make_user)
    for day in (dt.date(2026, 1, 5), dt.date(2026, 7, 1)):
        make_order(
            owner=world["people"][1], account=world["accounts"][1], lines=world["lines"], ordered_on=day
        )
    kept = stored()
    OrderLineMonth.objects.update(lines=99, net_amount=1)
    out = StringIO()
    call_command("purchases", "rebuild", stdout=out)
    assert f"Rebuilt the order-line summary: {len(kept)} cells" in out.getvalue()
    assert stored() == kept
