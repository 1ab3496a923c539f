"""Random writes through every opportunity service (create, update of amount, currency, close date, probability
and owner, stage moves, won, lost, reopen, lines, delete, restore, an account going to the recycle bin and coming
back): the summaries' tests (forecast, opportunity cube, the pivot over the cube) run them, then compare."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from crm.catalog import services as catalog
from crm.catalog.services.currencies import exchange_rate_set
from crm.catalog.tests.factories import currency, price_book, product
from crm.contacts.services.accounts import account_delete
from crm.contacts.tests.factories import AccountFactory
from crm.core.audit.services import record_restore
from crm.sales.models import Opportunity
from crm.sales.services import (
    opportunity_close_lost,
    opportunity_close_won,
    opportunity_delete,
    opportunity_line_add,
    opportunity_line_remove,
    opportunity_move_stage,
    opportunity_update,
)
from crm.sales.tests.factories import make_opportunity, make_pipeline


def random_world(make_user: Any) -> dict[str, Any]:
    """Company currency EUR (USD at 1.25), a priced laptop, a manager over three reps in two teams, two pipelines
    and four accounts: what random_write writes to."""
    currency("EUR", is_company=True)
    usd = currency("USD")
    exchange_rate_set(actor=None, currency=usd, valid_on=dt.date(2025, 1, 1), rate=Decimal("1.25"))
    book = price_book("General")
    laptop = product(name="Laptop")
    catalog.price_set(actor=None, price_book=book, product=laptop, unit_price=Decimal("999.99"))
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
        "pipelines": [make_pipeline("New business"), make_pipeline("Renewals")],
        "accounts": [AccountFactory(owner=people[i % 3]) for i in range(4)],
        "laptop": laptop,
        "binned_accounts": [],
    }


def _day(rng: random.Random) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 240))


def _moment(rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(_day(rng), dt.time(12), tzinfo=dt.UTC)


def random_write(rng: random.Random, world: dict[str, Any], capture: Any) -> None:
    """One random write through a service (refused writes raise a DomainError and change nothing). `world`:
    people, pipelines, accounts, laptop (a priced product), binned_accounts (a list); `capture`: pytest-django's
    django_capture_on_commit_callbacks (the restore and account deletion act after commit)."""
    people, pipelines = world["people"], world["pipelines"]
    deals = list(Opportunity.objects.order_by("pk"))
    binned = list(Opportunity.all_objects.filter(deleted_at__isnull=False).order_by("pk"))
    action = rng.choice(
        ["create"] * 4
        + ["amount", "currency", "close_date", "probability", "owner", "move", "won", "lost"] * 2
        + ["line", "unline", "delete", "restore", "account_delete", "account_restore"]
    )
    if action == "create" or not deals:
        pipeline = rng.choice(pipelines)
        make_opportunity(
            pipeline=pipeline,
            owner=rng.choice(people),
            account=rng.choice(world["accounts"]),
            amount=rng.choice([None, Decimal(rng.randrange(1, 10_000_00)) / 100]),
            currency=rng.choice(["EUR", "USD"]),
            close_date=_day(rng),
            next_step="Call",
            stage=rng.choice([s for s in pipeline.stages.all() if not s.is_closed]),
        )
        return
    deal = rng.choice(deals)
    if action == "amount":
        opportunity_update(actor=None, opportunity=deal, amount=Decimal(rng.randrange(0, 500_000)) / 100)
    elif action == "currency":
        opportunity_update(actor=None, opportunity=deal, currency=rng.choice(["EUR", "USD"]))
    elif action == "close_date":
        opportunity_update(actor=None, opportunity=deal, close_date=_day(rng))
    elif action == "probability":
        opportunity_update(actor=None, opportunity=deal, probability=rng.randrange(0, 101))
    elif action == "owner":
        opportunity_update(actor=None, opportunity=deal, owner=rng.choice(people))
    elif action == "move":  # any stage of its pipeline: open, won, lost, and back (reopen)
        target = rng.choice(list(deal.pipeline.stages.all()))
        opportunity_move_stage(
            actor=None, opportunity=deal, stage=target, lost_reason="Price", at=_moment(rng)
        )
    elif action == "won":
        opportunity_close_won(actor=None, opportunity=deal, at=_moment(rng))
    elif action == "lost":
        opportunity_close_lost(actor=None, opportunity=deal, reason="Timing", at=_moment(rng))
    elif action == "line":
        opportunity_line_add(
            actor=None, opportunity=deal, product_id=world["laptop"], quantity=rng.randrange(1, 4)
        )
    elif action == "unline":
        line = deal.lines.first()
        if line is not None:
            opportunity_line_remove(actor=None, line=line)
    elif action == "delete":
        opportunity_delete(actor=None, opportunity=deal)
    elif action == "restore" and binned:
        with capture(execute=True):
            record_restore(object_type="sales.opportunity", object_id=rng.choice(binned).pk, actor=None)
    elif action == "account_delete":
        with capture(execute=True):  # its opportunities follow it (a domain event after commit)
            account_delete(actor=None, account=deal.account)
        world["binned_accounts"].append(deal.account_id)
    elif action == "account_restore" and world["binned_accounts"]:
        gone = world["binned_accounts"].pop(rng.randrange(len(world["binned_accounts"])))
        with capture(execute=True):
            record_restore(object_type="contacts.account", object_id=gone, actor=None)
