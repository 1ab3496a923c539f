"""The opportunity cube (`OpportunityCube`): after any sequence of writes through the services it equals a rebuild
and the deals added up by hand; `crm forecast rebuild` restores a damaged cube; the selector scopes the cells by
the deals' owners and answers exactly the filters the cells can (the others: None, the caller reads the deals)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import random
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from crm.core.errors import DomainError
from crm.sales.models import Opportunity, OpportunityCube
from crm.sales.selectors.opportunities import opportunity_query
from crm.sales.selectors.opportunity_cube import opportunity_cube_query
from crm.sales.services.opportunity_cube import opportunity_cube_rebuild
from crm.sales.tests.factories import make_opportunity
from crm.sales.tests.random_writes import random_world, random_write

pytestmark = pytest.mark.django_db
_FIGURES = (
    "deals",
    "amount_sum",
    "amount_count",
    "amount_min",
    "amount_max",
    "probability_sum",
    "probability_min",
    "probability_max",
)


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    return random_world(make_user)


def _stored() -> dict[str, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in OpportunityCube.objects.values_list("cell", *_FIGURES)}


def _month(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else "-"


def _by_hand() -> dict[str, tuple[Any, ...]]:
    """The cube added up from the live deals in Python."""
    groups: dict[str, list[Opportunity]] = defaultdict(list)
    for o in Opportunity.objects.all():
        key = (
            f"{_month(o.close_date)}:{_month(o.closed_on)}:{o.owner_id}:{o.pipeline_id}:{o.stage_id}:"
            f"{o.status}:{o.currency}"
        )
        groups[key].append(o)
    out = {}
    for key, deals in groups.items():
        amounts = [o.amount for o in deals if o.amount is not None]
        chances = [o.probability for o in deals]
        out[key] = (
            len(deals),
            sum(amounts, Decimal(0)),
            len(amounts),
            min(amounts, default=None),
            max(amounts, default=None),
            sum(chances),
            min(chances),
            max(chances),
        )
    return out


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_the_cube_equals_a_rebuild_and_the_deals_after_random_writes(
    world: dict[str, Any], seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    rng = random.Random(seed)
    for _ in range(90):
        with contextlib.suppress(DomainError):
            random_write(rng, world, django_capture_on_commit_callbacks)
    kept = _stored()
    assert kept and kept == _by_hand()
    assert opportunity_cube_rebuild() == len(kept)
    assert _stored() == kept
    # the cells a user reads through the selector add up to the deals the opportunity list gives them
    people, pipelines = world["people"], world["pipelines"]
    filters: list[dict[str, Any]] = [
        {},
        {"status": "open"},
        {"status": ["won", "lost"]},
        {"owner": "me"},
        {"owner": str(people[2].pk)},
        {"pipeline": str(pipelines[1].pk), "currency": "usd"},
        {"close_date__gte": "2026-03-01", "close_date__lte": "2026-05-31"},
        {"close_date__gt": "2026-02-28", "close_date__lt": "2026-06-01"},
        {"closed_on__gte": "2026-01-01"},
        {"stage": str(pipelines[0].stages.first().pk), "q": ""},
    ]
    for user in (world["admin"], world["boss"], *people):
        for params in filters:
            cells = opportunity_cube_query(user=user, params=params)
            assert cells is not None, params
            deals = opportunity_query(user=user, params=params)
            assert sum(c.deals for c in cells) == deals.count(), params
            assert sum((c.amount_sum for c in cells), Decimal(0)) == sum(
                (o.amount or Decimal(0) for o in deals), Decimal(0)
            ), params


def test_a_rep_reads_only_the_cells_of_their_teams_owners(world: dict[str, Any]) -> None:
    north, north2, south = world["people"]
    pipeline = world["pipelines"][0]
    for owner in (north, north2, south):
        make_opportunity(pipeline=pipeline, owner=owner, amount=Decimal("10"), close_date=dt.date(2026, 5, 2))
    cells = opportunity_cube_query(user=north, params={})
    assert cells is not None
    assert {c.owner_id for c in cells} == {north.pk, north2.pk}
    everything = opportunity_cube_query(user=world["admin"], params={})
    assert everything is not None and {c.owner_id for c in everything} == {north.pk, north2.pk, south.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Acme"},
        {"amount__gte": "100"},
        {"account": "1"},
        {"close_date__gte": "2026-03-02"},  # not a month's first day
        {"close_date__lte": "2026-03-30"},  # not a month's last day
        {"closed_on__gt": "2026-03-01"},
        {"close_date": "2026-03-01"},  # no operator: the list refuses it
        {"created_at__gte": "2026-01-01"},
        {"updated_at__lt": "2026-01-01"},
        {"status": "bogus"},  # a bad value: the deals' query names it
        {"owner": "someone"},
        {"close_date__gte": "not a date"},
        {"custom.colour": "red"},
    ],
)
def test_filters_the_cells_cannot_answer_give_none(world: dict[str, Any], params: dict[str, str]) -> None:
    make_opportunity(pipeline=world["pipelines"][0], owner=world["people"][0], close_date=dt.date(2026, 3, 9))
    before = _stored()
    assert opportunity_cube_query(user=world["admin"], params=params) is None
    assert _stored() == before


def test_the_rebuild_command_restores_a_damaged_cube(world: dict[str, Any]) -> None:
    north = world["people"][0]
    pipeline = world["pipelines"][0]
    for day, amount in (
        (dt.date(2026, 4, 9), "250"),
        (dt.date(2026, 4, 20), "50"),
        (dt.date(2026, 6, 1), "7"),
    ):
        make_opportunity(pipeline=pipeline, owner=north, amount=Decimal(amount), close_date=day)
    good = _stored()
    assert len(good) == 2 and good == _by_hand()
    OpportunityCube.objects.update(amount_sum=Decimal(1), deals=99)
    OpportunityCube.objects.filter(close_month=dt.date(2026, 6, 1)).delete()
    OpportunityCube.objects.create(
        cell="2020-01:-:1:1:1:open:EUR",
        close_month=dt.date(2020, 1, 1),
        owner=north,
        pipeline=pipeline,
        stage=pipeline.stages.first(),
        status="open",
        currency="EUR",
        deals=3,
    )
    out = StringIO()
    call_command("forecast", "rebuild", "--only", "cube", stdout=out)
    assert _stored() == good
    assert "opportunity cube: 2 cells" in out.getvalue() and "forecast summary" not in out.getvalue()
    OpportunityCube.objects.all().delete()
    call_command("forecast", "rebuild", stdout=StringIO())  # both summaries
    assert _stored() == good


def test_the_migration_fills_the_cube_as_the_rebuild_does(world: dict[str, Any]) -> None:
    from django.apps import apps

    migration = importlib.import_module("crm.sales.migrations.0011_opportunity_cube")
    north, _north2, south = world["people"]
    pipeline = world["pipelines"][1]
    for owner, day, amount in ((north, dt.date(2026, 2, 3), "12.50"), (south, dt.date(2026, 2, 9), None)):
        make_opportunity(
            pipeline=pipeline, owner=owner, amount=Decimal(amount) if amount else None, close_date=day
        )
    good = _stored()
    OpportunityCube.objects.all().delete()
    migration.fill_the_cube(apps, None)
    assert _stored() == good and len(good) == 2
