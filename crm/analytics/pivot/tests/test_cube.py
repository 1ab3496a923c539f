"""The pivot over the opportunity cube gives the very result the GROUP BY over the deals gives: after random
writes through the sales services, for random definitions the cube can answer, for an administrator and a rep —
and the page and the API read the cube when a definition fits it, the deals otherwise."""

from __future__ import annotations

import contextlib
import random
from decimal import Decimal
from typing import Any

import pytest

from crm.analytics.pivot import engine, selectors
from crm.analytics.pivot.cube import cube_for
from crm.analytics.pivot.definition import definition_parse
from crm.analytics.pivot.selectors import pivot_compute
from crm.catalog import services as catalog
from crm.catalog.tests.factories import price_book, product
from crm.contacts.tests.factories import AccountFactory, user_with_role
from crm.core.api.tests.client import ApiClient
from crm.core.errors import DomainError
from crm.sales.tests.factories import make_pipeline
from crm.sales.tests.random_writes import random_write

_DIMENSIONS = ["close_date", "closed_on", "owner", "team", "stage", "pipeline", "status", "currency"]
_MEASURES = ["count"] + [f"{a}:{m}" for a in ("sum", "avg", "min", "max") for m in ("amount", "probability")]


def _writes_world(world: Any) -> dict[str, Any]:
    book = price_book("General")
    laptop = product(name="Laptop")
    catalog.price_set(actor=None, price_book=book, product=laptop, unit_price=Decimal("999.99"))
    third = user_with_role("sales_rep", email="tom@example.com", full_name="Tom Toledo", team=world.north)
    people = [world.rep, world.other_rep, third]
    return {
        "people": people,
        "pipelines": [world.pipeline, make_pipeline("Renewals")],
        "accounts": [AccountFactory(owner=people[i % 3]) for i in range(4)],
        "laptop": laptop,
        "binned_accounts": [],
    }


def _axis(rng: random.Random, used: set[str]) -> str:
    key = rng.choice([d for d in _DIMENSIONS if d not in used])
    used.add(key)
    if key in ("close_date", "closed_on"):
        return f"{key}:{rng.choice(['month', 'quarter', 'year'])}"
    return key


def _filters(rng: random.Random, world: Any, people: list[Any]) -> dict[str, Any]:
    choices: list[dict[str, Any]] = [
        {"status": "open"},
        {"status": ["won", "lost"]},
        {"owner": "me"},
        {"owner": str(rng.choice(people).pk)},
        {"pipeline": str(world.pipeline.pk)},
        {"currency": rng.choice(["usd", "EUR"])},
        {"close_date__gte": "2026-03-01"},
        {"close_date__lte": "2026-04-30"},
        {"close_date__gt": "2026-01-31", "close_date__lt": "2026-07-01"},
        {"closed_on__gte": "2026-01-01"},
    ]
    out: dict[str, Any] = {}
    for f in rng.sample(choices, rng.randrange(0, 3)):
        out |= f
    return out


def _definition(rng: random.Random, world: Any, people: list[Any]) -> dict[str, Any]:
    used: set[str] = set()
    rows = [_axis(rng, used) for _ in range(rng.choice([1, 2]))]
    columns = [_axis(rng, used)] if rng.random() < 0.7 else []
    return {
        "object": "opportunities",
        "rows": rows,
        "columns": columns,
        "measure": rng.choice(_MEASURES),
        "filters": _filters(rng, world, people),
    }


def _snapshot(result: Any) -> Any:
    return (
        [(c.key, c.label) for c in result.columns],
        [
            ([(m.key, m.label) for m in line.members], line.values, line.total, line.is_subtotal)
            for line in result.lines
        ],
        result.column_totals,
        result.grand_total,
        result.value_kind,
        result.currency,
        result.folded,
    )


@pytest.mark.parametrize("seed", [11, 12])
def test_the_cube_gives_the_group_bys_result_after_random_writes(
    world: Any, seed: int, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    rng = random.Random(seed)
    writes = _writes_world(world)
    for _ in range(120):
        with contextlib.suppress(DomainError):
            random_write(rng, writes, django_capture_on_commit_callbacks)
    admin = user_with_role("administrator", email="ada@example.com")
    compared = nonempty = 0
    for n in range(60):
        # every other definition with small caps, so "Other" folds members on both paths
        monkeypatch.setattr(engine, "ROW_MEMBERS", 3 if n % 2 else 50)
        monkeypatch.setattr(engine, "COLUMN_MEMBERS", 2 if n % 2 else 24)
        data = _definition(rng, world, writes["people"])
        definition = definition_parse(data)
        for user in (admin, world.rep):
            cube = cube_for(user=user, definition=definition)
            assert cube is not None, data
            records = definition.source.query(user=user, params=definition.filters)
            by_deals = engine.pivot_run(qs=records, definition=definition)
            by_cells = engine.pivot_run(qs=records, definition=definition, cube=cube)
            assert _snapshot(by_cells) == _snapshot(by_deals), (data, user.email)
            compared += 1
            nonempty += bool(by_deals.lines)
    assert compared == 120 and nonempty > 60


@pytest.mark.parametrize(
    "change",
    [
        {"rows": ["created_at:month"]},  # a time of day: not in the cube
        {"rows": ["closed_on:week"]},  # finer than a month
        {"rows": ["industry"]},  # through the account
        {"measure": "distinct:account"},
        {"filters": {"amount__gte": "100"}},
        {"filters": {"close_date__gte": "2026-01-15"}},  # not a month's edge
        {"filters": {"q": "Deal"}},
        {"object": "orders", "rows": ["status"], "columns": [], "measure": "count"},
    ],
)
def test_a_definition_the_cube_cannot_answer_reads_the_deals(
    world: Any, change: dict[str, Any], monkeypatch: Any
) -> None:
    data = {
        "object": "opportunities",
        "rows": ["owner"],
        "columns": ["close_date:month"],
        "measure": "sum:amount",
        **change,
    }
    assert cube_for(user=world.manager, definition=definition_parse(data)) is None
    calls = _spy(monkeypatch)
    pivot_compute(user=world.manager, data=data)
    assert calls == [False]


def test_the_page_and_the_api_read_the_cube_when_it_fits(world: Any, client: Any, monkeypatch: Any) -> None:
    calls = _spy(monkeypatch)
    data = {
        "object": "opportunities",
        "rows": ["team"],
        "columns": ["close_date:quarter"],
        "measure": "sum:amount",
    }
    response = ApiClient(world.manager).post("/api/v1/analytics/pivot", data)
    assert response.status_code == 200 and response.json()["grand_total"] == "1580.00"
    client.force_login(world.manager)
    fields = {"object": "opportunities", "row": "team", "column": "close_date:quarter", "aggregate": "count"}
    page = client.get("/analytics/pivot/", {**fields, "partial": "result"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b"Q1 2026" in page.content
    full = client.get("/analytics/pivot/", fields)
    assert full.status_code == 200
    # the rep sees their team's deals only, through the cube as through the deals
    assert pivot_compute(user=world.rep, data={**data, "measure": "count"}).grand_total == 3
    assert calls == [True, True, True, True]


def _spy(monkeypatch: Any) -> list[bool]:
    """Whether each pivot computed from here on read the cube."""
    calls: list[bool] = []
    run = selectors.pivot_run

    def spy(**kwargs: Any) -> Any:
        calls.append(kwargs.get("cube") is not None)
        return run(**kwargs)

    monkeypatch.setattr(selectors, "pivot_run", spy)
    return calls


def test_closed_on_by_quarter_puts_open_deals_under_none_on_both_paths(world: Any) -> None:
    data = {"object": "opportunities", "rows": ["closed_on:quarter"], "measure": "count"}
    definition = definition_parse(data)
    records = definition.source.query(user=world.manager, params={})
    cube = cube_for(user=world.manager, definition=definition)
    for result in (
        engine.pivot_run(qs=records, definition=definition, cube=cube),
        pivot_compute(user=world.manager, data=data),
    ):
        assert [(line.members[0].key, line.total) for line in result.lines] == [(engine.NONE, 6)]


def test_a_reps_quarters_are_computed_under_the_debug_cursor(world: Any, settings: Any) -> None:
    """A bucket's SQL holds literal % signs: with parameters (a rep's owners) they must reach the database
    escaped, or Django's debug cursor fails formatting the query it logs."""
    settings.DEBUG = True
    for rows in (["close_date:quarter"], ["close_date:week"], ["closed_on:year"]):
        data = {"object": "opportunities", "rows": rows, "measure": "count"}
        assert pivot_compute(user=world.rep, data=data).grand_total == 3
