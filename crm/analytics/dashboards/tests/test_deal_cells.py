"""Pipeline by stage, won/lost and win rate read the forecast's cells (`ForecastMonth`) for whole-month periods:
after random deal writes their whole answer — figures, KPIs, links, chart — is what grouping the opportunities
themselves gives, for every viewer and filter; a custom range that cuts a month still groups the deals."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.analytics.dashboards.selectors import widget_compute
from crm.analytics.dashboards.widgets import deals as deal_widgets
from crm.analytics.dashboards.widgets import widget_type_get
from crm.contacts.tests.factories import AccountFactory
from crm.core.errors import DomainError
from crm.sales.services import opportunity_delete, opportunity_move_stage, opportunity_update
from crm.sales.tests.factories import make_opportunity, make_pipeline

pytestmark = pytest.mark.django_db

WIDGETS = ("pipeline_by_stage", "won_lost", "win_rate")


def _day(rng: random.Random) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))


def _random_deals(rng: random.Random, people: list[Any], pipelines: list[Any]) -> None:
    accounts = [AccountFactory(owner=people[i % len(people)]) for i in range(3)]
    for _ in range(45):
        pipeline = rng.choice(pipelines)
        deal = make_opportunity(
            pipeline=pipeline,
            owner=rng.choice(people),
            account=rng.choice(accounts),
            amount=rng.choice([None, Decimal(rng.randrange(1, 1_000_000)) / 100]),
            currency=rng.choice(["EUR", "USD"]),
            close_date=_day(rng),
        )
        try:
            action = rng.choice(["keep", "move", "move", "owner", "date", "delete"])
            if action == "move":
                at = dt.datetime.combine(_day(rng), dt.time(12), tzinfo=dt.UTC)
                target = rng.choice(list(pipeline.stages.all()))
                opportunity_move_stage(actor=None, opportunity=deal, stage=target, lost_reason="Price", at=at)
            elif action == "owner":
                opportunity_update(actor=None, opportunity=deal, owner=rng.choice(people))
            elif action == "date":
                opportunity_update(actor=None, opportunity=deal, close_date=_day(rng))
            elif action == "delete":
                opportunity_delete(actor=None, opportunity=deal)
        except DomainError:
            pass


def _answer(user: Any, key: str, params: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    widget = widget_type_get(key)
    filters = dashboard_filters_parse(user=user, params=params)
    result = widget_compute(
        user=user, widget=widget, filters=filters, settings=widget.settings_clean(settings)
    )
    return {**result.as_json(), "chart": str(result.chart), "links": result.links}


@pytest.mark.parametrize("seed", [21, 22])
def test_deal_widgets_from_the_forecast_cells_equal_grouping_the_deals(
    money: None, boss: Any, north: Any, south: Any, make_user: Any, seed: int, monkeypatch: Any
) -> None:
    rng = random.Random(seed)
    admin = make_user("administrator", team=None)
    north2 = make_user("sales_rep", team="North", manager=boss)
    people = [north, north2, south]
    pipelines = [make_pipeline("New business"), make_pipeline("Renewals")]
    _random_deals(rng, people, pipelines)
    cases: list[tuple[Any, dict[str, str], dict[str, Any]]] = []
    for period in ({"period": "2026-Q2"}, {"period": "2026"}, {"period": "2026-03"}):
        cases += [
            (admin, period, {}),
            (admin, {**period, "pipeline": str(pipelines[1].pk)}, {}),
            (admin, {**period, "team": str(north.team_id)}, {}),
            (admin, {**period, "owner": str(south.pk)}, {"measure": "count"}),
            (boss, period, {}),
            (north, period, {}),  # a rep: their team's deals
            (north2, period, {"mine": True}),
            (south, {**period, "owner": str(north.pk)}, {}),  # another team's owner: nothing
        ]
    seen = 0
    for user, params, settings in cases:
        for key in WIDGETS:
            if key != "pipeline_by_stage":
                settings = {k: v for k, v in settings.items() if k != "measure"}
            fast = _answer(user, key, params, settings)
            with monkeypatch.context() as patched:
                patched.setattr(deal_widgets, "forecast_cells_fit", lambda start, end: False)
                exact = _answer(user, key, params, settings)
            assert fast == exact, (key, params, settings)
            seen += not fast["empty"]
    assert seen > 10


def test_a_range_that_cuts_a_month_groups_the_deals(deals: Any, boss: Any, monkeypatch: Any) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise AssertionError("the cells hold whole months only")

    monkeypatch.setattr(deal_widgets, "forecast_cell_sums", refuse)
    custom = {"from": "2026-04-05", "to": "2026-04-30"}
    assert _answer(boss, "pipeline_by_stage", custom, {})["figures"]["count"] == 1
    assert _answer(boss, "won_lost", custom, {})["figures"]["won"]["count"] == 1
