"""The per-account purchase summary (`AccountPurchases`): after any sequence of order writes through the
services — create (directly and from a quote), header edits (owner, order date), cancel, account merges and
their undo, an order binned and restored from the recycle bin — it equals one rebuilt from scratch; a refused
write changes nothing; `crm purchases rebuild` recomputes it."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from crm.contacts.services.merge import merge_undo, records_merge
from crm.contacts.tests.factories import AccountFactory
from crm.core.audit.services import record_restore, record_soft_delete
from crm.core.errors import DomainError, InvalidInput
from crm.sales.models import AccountPurchases, Order
from crm.sales.services.orders import order_cancel, order_create_from_quote, order_update
from crm.sales.services.purchases import account_purchases_rebuild, account_purchases_refresh
from crm.sales.tests.orders.factories import accepted_quote, catalog_setup, make_order

pytestmark = pytest.mark.django_db


def purchases_world(make_user: Any) -> dict[str, Any]:
    """An administrator, a manager, three reps in two teams, six accounts and a catalog."""
    items = catalog_setup()
    boss = make_user("sales_manager", team=None)
    people = [
        make_user("sales_rep", team="North", manager=boss),
        make_user("sales_rep", team="North", manager=boss),
        make_user("sales_rep", team="South", manager=boss),
    ]
    return {
        "admin": make_user("administrator", team=None),
        "boss": boss,
        "people": people,
        "accounts": [AccountFactory(owner=people[i % 3]) for i in range(6)],
        "lines": [{"product": items["router"], "quantity": 1}],
        "merges": [],
    }


def _day(rng: random.Random) -> dt.date:
    """From a year and a half ago to two months ahead of 2026-11-22 (orders may be dated in the future)."""
    return dt.date(2025, 6, 1) + dt.timedelta(days=rng.randrange(0, 610))


def random_order_write(rng: random.Random, world: dict[str, Any], capture: Any) -> None:
    """One random write through a service (refused writes raise a DomainError and change nothing)."""
    people, accounts = world["people"], [a for a in world["accounts"] if a.deleted_at is None]
    orders = list(Order.objects.order_by("pk"))
    binned = list(Order.all_objects.filter(deleted_at__isnull=False).order_by("pk"))
    action = rng.choice(
        ["create"] * 5 + ["owner", "date", "date", "cancel", "quote", "bin", "restore", "merge", "unmerge"]
    )
    if action == "create" or not orders:
        make_order(
            owner=rng.choice(people),
            account=rng.choice(accounts),
            lines=world["lines"],
            ordered_on=_day(rng),
        )
        return
    order = rng.choice(orders)
    if action == "owner":
        order_update(actor=None, order=order, owner=rng.choice(people))
    elif action == "date":
        order_update(actor=None, order=order, ordered_on=_day(rng))
    elif action == "cancel":
        order_cancel(actor=None, order=order)
    elif action == "quote":
        quote = accepted_quote(owner=rng.choice(people), account=rng.choice(accounts))
        order_create_from_quote(actor=None, quote=quote, ordered_on=_day(rng))
    elif action == "bin":  # what an order's deletion does (orders have no delete service of their own yet)
        record_soft_delete(instance=order, actor=None)
        account_purchases_refresh(order_ids=[order.pk])
    elif action == "restore" and binned:
        with capture(execute=True):  # the summary follows through the RecordsRestored event
            record_restore(object_type="sales.order", object_id=rng.choice(binned).pk, actor=None)
    elif action == "merge" and len(accounts) > 2:
        survivor, merged = rng.sample(accounts, 2)
        with capture(execute=True):
            merge = records_merge(
                actor=None, object_type="accounts", survivor_id=survivor.pk, merged_ids=[merged.pk]
            )
        merged.refresh_from_db()
        world["merges"].append((merge.pk, merged))
    elif action == "unmerge" and world["merges"]:
        merge_id, merged = world["merges"].pop(rng.randrange(len(world["merges"])))
        with capture(execute=True):
            merge_undo(actor=None, merge_id=merge_id)
        merged.refresh_from_db()


def random_order_writes(world: dict[str, Any], *, seed: int, steps: int, capture: Any) -> int:
    rng = random.Random(seed)
    refused = 0
    for _ in range(steps):
        try:
            random_order_write(rng, world, capture)
        except DomainError:
            refused += 1
    return refused


def stored() -> dict[tuple[int, int], tuple[Any, Any, int]]:
    return {
        (a, o): (first, last, n)
        for a, o, first, last, n in AccountPurchases.objects.values_list(
            "account_id", "owner_id", "first_on", "last_on", "orders"
        )
    }


def exact() -> dict[tuple[int, int], tuple[Any, Any, int]]:
    """The summary computed in Python from every order."""
    out: dict[tuple[int, int], tuple[Any, Any, int]] = {}
    for o in Order.objects.exclude(status="cancelled"):
        first, last, n = out.get((o.account_id, o.owner_id), (o.ordered_on, o.ordered_on, 0))
        out[(o.account_id, o.owner_id)] = (min(first, o.ordered_on), max(last, o.ordered_on), n + 1)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_equals_a_rebuild_after_random_order_writes(
    make_user: Any, seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    world = purchases_world(make_user)
    refused = random_order_writes(world, seed=seed, steps=70, capture=django_capture_on_commit_callbacks)
    assert Order.objects.exists() and refused < 70
    kept = stored()
    assert kept == exact()
    assert account_purchases_rebuild() == len(kept)
    assert stored() == kept


def test_create_cancel_and_restore_keep_the_row_of_the_account_and_owner(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = purchases_world(make_user)
    rep, account = world["people"][0], world["accounts"][0]
    first = make_order(owner=rep, account=account, lines=world["lines"], ordered_on=dt.date(2026, 3, 1))
    second = make_order(owner=rep, account=account, lines=world["lines"], ordered_on=dt.date(2026, 5, 9))
    assert stored() == {(account.pk, rep.pk): (dt.date(2026, 3, 1), dt.date(2026, 5, 9), 2)}
    order_cancel(actor=None, order=second)
    assert stored() == {(account.pk, rep.pk): (dt.date(2026, 3, 1), dt.date(2026, 3, 1), 1)}
    record_soft_delete(instance=first, actor=None)
    account_purchases_refresh(order_ids=[first.pk])
    assert stored() == {}  # a row left without orders is deleted
    with django_capture_on_commit_callbacks(execute=True):
        record_restore(object_type="sales.order", object_id=first.pk, actor=None)
    assert stored() == {(account.pk, rep.pk): (dt.date(2026, 3, 1), dt.date(2026, 3, 1), 1)}
    other = world["people"][2]
    order_update(actor=None, order=first, owner=other, ordered_on=dt.date(2026, 2, 2))
    assert stored() == {(account.pk, other.pk): (dt.date(2026, 2, 2), dt.date(2026, 2, 2), 1)}


def test_a_refused_edit_changes_neither_the_order_nor_the_summary(make_user: Any) -> None:
    world = purchases_world(make_user)
    rep, account = world["people"][0], world["accounts"][0]
    order = make_order(owner=rep, account=account, lines=world["lines"], ordered_on=dt.date(2026, 3, 1))
    before = stored()
    with pytest.raises(InvalidInput) as caught:
        order_update(actor=None, order=order, ordered_on="not a date", owner=world["people"][2])
    assert "ordered_on" in caught.value.field_errors
    order.refresh_from_db()
    assert (order.ordered_on, order.owner_id) == (dt.date(2026, 3, 1), rep.pk)
    assert stored() == before


def test_the_rebuild_command_recomputes_a_summary_gone_wrong(make_user: Any) -> None:
    world = purchases_world(make_user)
    rep = world["people"][1]
    for day in (dt.date(2026, 1, 5), dt.date(2026, 7, 1)):
        make_order(owner=rep, account=world["accounts"][1], lines=world["lines"], ordered_on=day)
    kept = stored()
    AccountPurchases.objects.update(orders=99, first_on=dt.date(2000, 1, 1))
    AccountPurchases.objects.create(account=world["accounts"][2], owner=rep, orders=3)
    out = StringIO()
    call_command("purchases", "rebuild", stdout=out)
    assert "Rebuilt the purchase summary: 1 rows" in out.getvalue()
    assert stored() == kept
