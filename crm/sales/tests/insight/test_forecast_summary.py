"""The forecast summary (`ForecastMonth`): after any sequence of writes through the services — create, update
(amount, currency, close date, probability, owner), stage moves, won, lost, reopen, lines, delete, restore, an
account going to the recycle bin and coming back — the summary equals one rebuilt from scratch, and the forecast
read from it equals the forecast added up from the deals, for every grouping, filter and scope."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from crm.core.errors import DomainError
from crm.sales.models import ForecastMonth, Opportunity
from crm.sales.selectors.forecast import forecast_filters_parse, forecast_get, forecast_get_exact
from crm.sales.selectors.opportunities import board_totals, closed_since, opportunity_query
from crm.sales.services.forecast import forecast_summary_rebuild
from crm.sales.tests.factories import make_opportunity
from crm.sales.tests.random_writes import random_world, random_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    return random_world(make_user)


def _stored() -> dict[str, tuple[Decimal, Decimal, int]]:
    return {
        cell: (amount, weighted, deals)
        for cell, amount, weighted, deals in ForecastMonth.objects.values_list(
            "cell", "amount", "weighted", "deals"
        )
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_equals_a_rebuild_after_random_writes(
    world: dict[str, Any], seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    rng = random.Random(seed)
    refused = 0
    for _ in range(90):
        try:
            random_write(rng, world, django_capture_on_commit_callbacks)
        except DomainError:
            refused += 1
    assert Opportunity.objects.exists() and refused < 90
    kept = _stored()
    assert forecast_summary_rebuild() == len(kept)
    assert _stored() == kept
    assert {kind for kind in ForecastMonth.objects.values_list("kind", flat=True)} <= {"open", "closed"}
    # and the forecast read from it is the forecast added up from the deals
    people = world["people"]
    cases: list[tuple[Any, dict[str, str]]] = [
        (world["admin"], {"period": period, "group_by": group, "interval": interval})
        for period in ("2026", "2026-Q2", "2026-03")
        for group in ("owner", "team", "pipeline")
        for interval in ("month", "quarter")
    ]
    cases += [
        (world["admin"], {"period": "2026", "pipeline": str(world["pipelines"][1].pk)}),
        (world["admin"], {"period": "2026", "team": str(people[0].team_id), "group_by": "team"}),
        (world["admin"], {"period": "2026", "owner": str(people[2].pk)}),
        (world["boss"], {"period": "2026", "group_by": "team"}),
        (people[0], {"period": "2026", "group_by": "owner"}),  # a rep: their team only
        (people[2], {"period": "2026-Q2", "group_by": "pipeline"}),
    ]
    for user, params in cases:
        filters = forecast_filters_parse(user=user, params=params)
        fast = dataclasses.asdict(forecast_get(user=user, filters=filters))
        exact = dataclasses.asdict(forecast_get_exact(user=user, filters=filters))
        assert fast == exact, params
    # the board's open columns read their count and totals from the same cells
    for user in (world["admin"], world["boss"], *people):
        for pipeline in world["pipelines"]:
            for params in ({}, {"owner": "me"}, {"currency": "USD"}, {"owner": str(people[1].pk)}):
                assert board_totals(user=user, pipeline=pipeline, params=params) == _board_totals_exact(
                    user, pipeline, params
                ), params


def _board_totals_exact(user: Any, pipeline: Any, params: dict[str, str]) -> dict[int, Any]:
    """What the board's column headers show, added up from the deals."""
    out: dict[int, Any] = {}
    deals = opportunity_query(user=user, params=params)
    for s in pipeline.stages.all():
        rows = deals.filter(stage=s)
        if s.is_closed:
            rows = rows.filter(closed_on__gte=closed_since())
        totals: dict[str, Decimal] = {}
        for o in rows:
            totals[o.currency] = totals.get(o.currency, Decimal(0)) + (o.amount or Decimal(0))
        out[s.pk] = (len(rows), sorted(totals.items(), key=lambda t: (-t[1], t[0])))
    return out


def test_a_rep_reads_only_their_teams_cells(world: dict[str, Any]) -> None:
    north, _north2, south = world["people"]
    pipeline = world["pipelines"][0]
    make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("100"), close_date=dt.date(2026, 5, 2))
    make_opportunity(pipeline=pipeline, owner=south, amount=Decimal("7000"), close_date=dt.date(2026, 5, 2))
    filters = forecast_filters_parse(user=north, params={"period": "2026-Q2", "group_by": "owner"})
    result = forecast_get(user=north, filters=filters)
    assert [r.key for r in result.rows] == [str(north.pk)] and result.total.pipeline == Decimal("100.00")


def test_the_rebuild_command_replaces_a_stale_summary(world: dict[str, Any]) -> None:
    north = world["people"][0]
    make_opportunity(
        pipeline=world["pipelines"][0], owner=north, amount=Decimal("250"), close_date=dt.date(2026, 4, 9)
    )
    good = _stored()
    ForecastMonth.objects.update(amount=Decimal(1))
    ForecastMonth.objects.create(
        cell="open:2020-01:1:1:1:EUR",
        kind="open",
        month=dt.date(2020, 1, 1),
        owner=north,
        **_somewhere(world),
    )
    out = StringIO()
    call_command("forecast", "rebuild", stdout=out)
    assert _stored() == good and "1 cells" in out.getvalue()


def _somewhere(world: dict[str, Any]) -> dict[str, Any]:
    pipeline = world["pipelines"][0]
    return {"pipeline": pipeline, "stage": pipeline.stages.first(), "currency": "EUR"}
