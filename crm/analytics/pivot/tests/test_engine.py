"""The pivot's figures against a computation by hand, permission scoping, folding, buckets and bad input."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from crm.analytics.pivot import engine
from crm.analytics.pivot.selectors import pivot_cell_records, pivot_compute
from crm.analytics.pivot.tests.conftest import in_eur
from crm.core.errors import InvalidInput

CENT = Decimal("0.01")


def _q(v: Decimal | None) -> Decimal | None:
    return v.quantize(CENT) if v is not None else None


def test_cells_subtotals_and_totals_equal_a_manual_computation(world: Any) -> None:
    result = pivot_compute(
        user=world.manager,
        data={
            "object": "opportunities",
            "rows": ["team", "owner"],
            "columns": ["close_date:month"],
            "measure": "sum:amount",
        },
    )
    assert result.value_kind == "money" and result.currency == "EUR"
    months = [c.key for c in result.columns]
    assert months == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert [c.label for c in result.columns] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    by: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for d in world.deals:
        if d.amount is not None:
            by[(d.owner.full_name, d.close_date.replace(day=1).isoformat())] += in_eur(d)
    lines = {tuple(m.label for m in line.members): line for line in result.lines}
    for owner, team in (("Rita Reyes", "North"), ("Sam Soto", "South")):
        line = lines[(team, owner)]
        assert line.values == [_q(by.get((owner, m))) for m in months]
        assert line.total == _q(sum((v for (o, _m), v in by.items() if o == owner), Decimal(0)))
        subtotal = lines[(team,)]
        assert subtotal.is_subtotal and subtotal.total == line.total  # one person per team here
    assert result.column_totals == [
        _q(sum((v for (_o, m), v in by.items() if m == month), Decimal(0))) for month in months
    ]
    assert result.grand_total == _q(sum(by.values(), Decimal(0)))
    assert result.grand_total == Decimal("1580.00")  # 100 + 250/1.25 + 400 + 80 + 1000/1.25


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("count", {"North": 3, "South": 3}),
        (
            "avg:amount",
            {"North": Decimal("233.33"), "South": Decimal("440.00")},
        ),  # (100+200+400)/3, (80+800)/2
        ("min:amount", {"North": Decimal("100.00"), "South": Decimal("80.00")}),
        ("max:amount", {"North": Decimal("400.00"), "South": Decimal("800.00")}),
        ("distinct:account", {"North": 2, "South": 2}),
        ("sum:probability", None),
    ],
)
def test_each_aggregate_matches_by_hand(world: Any, measure: str, expected: Any) -> None:
    result = pivot_compute(
        user=world.manager, data={"object": "opportunities", "rows": ["team"], "measure": measure}
    )
    got = {line.members[0].label: line.total for line in result.lines}
    if expected is None:  # a plain number: the probabilities the stages gave
        by: dict[str, Decimal] = defaultdict(Decimal)
        for d in world.deals:
            by[d.owner.team.name] += d.probability
        expected = {k: _q(v) for k, v in by.items()}
    assert got == expected


def test_distinct_totals_are_exact_not_added_up(world: Any) -> None:
    result = pivot_compute(
        user=world.manager,
        data={
            "object": "opportunities",
            "rows": ["team"],
            "columns": ["close_date:quarter"],
            "measure": "distinct:account",
        },
    )
    assert [c.label for c in result.columns] == ["Q1 2026"]
    assert result.grand_total == 2  # Acme and Globex, though each team counts both
    assert result.column_totals == [2]


def test_a_rep_counts_only_what_they_may_see(world: Any) -> None:
    data = {"object": "opportunities", "rows": ["owner"], "measure": "count"}
    rep = pivot_compute(user=world.rep, data=data)
    assert {line.members[0].label: line.total for line in rep.lines} == {"Rita Reyes": 3}
    assert rep.grand_total == 3
    assert pivot_compute(user=world.manager, data=data).grand_total == 6


def test_filters_use_the_list_grammar(world: Any) -> None:
    result = pivot_compute(
        user=world.manager,
        data={
            "object": "opportunities",
            "rows": ["industry"],
            "measure": "count",
            "filters": {"close_date__gte": "2026-02-01", "currency": "EUR"},
        },
    )
    assert {line.members[0].label: line.total for line in result.lines} == {
        "Retail and wholesale": 2,
        "Technology": 1,
    }


def test_the_tail_is_folded_into_other(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(engine, "ROW_MEMBERS", 1)
    result = pivot_compute(
        user=world.manager, data={"object": "opportunities", "rows": ["owner"], "measure": "sum:amount"}
    )
    assert [line.members[0].key for line in result.lines][-1] == engine.OTHER
    assert result.folded and len(result.lines) == 2
    assert result.lines[0].members[0].label == "Sam Soto"  # 880 > 700
    assert result.grand_total == Decimal("1580.00")


@pytest.mark.parametrize("bucket", ["day", "week", "month", "quarter", "year"])
def test_every_date_bucket_adds_up(world: Any, bucket: str) -> None:
    result = pivot_compute(
        user=world.manager, data={"object": "opportunities", "rows": [f"close_date:{bucket}"]}
    )
    keys = [dt.date.fromisoformat(line.members[0].key) for line in result.lines]
    assert keys == sorted(keys) and sum(line.total for line in result.lines) == 6
    if bucket == "week":
        assert all(k.weekday() == 0 for k in keys)  # weeks start on Monday on both engines
        assert dt.date(2026, 1, 5) in keys  # a Monday stays itself
    if bucket == "quarter":
        assert keys == [dt.date(2026, 1, 1)]


def test_created_at_is_bucketed_in_the_current_time_zone(world: Any) -> None:
    result = pivot_compute(user=world.manager, data={"object": "opportunities", "rows": ["created_at:day"]})
    from django.utils import timezone

    assert [line.members[0].key for line in result.lines] == [timezone.localdate().isoformat()]


def test_drill_down_lists_the_records_of_a_cell(world: Any) -> None:
    data = {"object": "opportunities", "rows": ["owner"], "columns": ["close_date:month"], "measure": "count"}
    rows = pivot_cell_records(user=world.manager, data=data, keys=[str(world.rep.pk), "2026-01-01"])
    assert {r.name for r in rows} == {"Deal 0", "Deal 1"}
    assert len(pivot_cell_records(user=world.manager, data=data, keys=["*", "2026-03-01"])) == 2
    assert pivot_cell_records(user=world.rep, data=data, keys=[str(world.other_rep.pk)]) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"object": "ships", "rows": ["owner"]}, "object"),
        ({"object": "opportunities", "rows": ["colour"]}, "rows"),
        ({"object": "opportunities", "rows": []}, "rows"),
        ({"object": "opportunities", "rows": ["close_date:fortnight"]}, "rows"),
        ({"object": "opportunities", "rows": ["owner:month"]}, "rows"),
        ({"object": "opportunities", "rows": ["owner"], "columns": ["owner"]}, "columns"),
        ({"object": "opportunities", "rows": ["owner"], "columns": ["stage", "status"]}, "columns"),
        ({"object": "opportunities", "rows": ["owner"], "measure": "median:amount"}, "measure"),
        ({"object": "opportunities", "rows": ["owner"], "measure": "sum:name"}, "measure"),
        ({"object": "opportunities", "rows": ["owner"], "measure": "count:amount"}, "measure"),
        ({"object": "opportunities", "rows": ["owner"], "filters": {"colour": "red"}}, "filters.colour"),
        (
            {"object": "opportunities", "rows": ["owner"], "filters": {"close_date__gte": "soon"}},
            "filters.close_date__gte",
        ),
        ({"object": "opportunities", "rows": ["owner"], "filters": ["status"]}, "filters"),
    ],
)
def test_bad_input_names_the_field(world: Any, data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        pivot_compute(user=world.manager, data=data)
    assert field in caught.value.field_errors, caught.value.field_errors


@pytest.mark.parametrize(
    "source", ["orders", "invoice_lines", "payments", "activities", "accounts", "contacts", "leads"]
)
def test_every_object_answers(world: Any, source: str) -> None:
    from crm.analytics.pivot.sources import source_get

    dims = source_get(source).dimensions
    result = pivot_compute(
        user=world.manager, data={"object": source, "rows": [dims[0].key], "columns": [dims[-1].key]}
    )
    assert result.grand_total is not None or result.lines == []


def test_a_custom_field_is_a_dimension(world: Any) -> None:
    from crm.contacts.tests.factories import AccountFactory, user_with_role
    from crm.core.customfields.services import custom_field_create

    custom_field_create(
        actor=user_with_role("administrator", is_superuser=True),
        object_type="contacts.account",
        key="tier",
        label="Tier",
        field_type="text",
    )
    AccountFactory(owner=world.rep, name="Tiered", custom={"tier": "gold"})
    result = pivot_compute(user=world.manager, data={"object": "accounts", "rows": ["custom.tier"]})
    assert {line.members[0].label: line.total for line in result.lines} == {"gold": 1, "(none)": 2}


def test_the_query_count_does_not_grow_with_the_data(world: Any, django_assert_max_num_queries: Any) -> None:
    from crm.contacts.tests.factories import user_with_role
    from crm.sales.tests.factories import make_opportunity

    data = {
        "object": "opportunities",
        "rows": ["owner", "stage"],
        "columns": ["close_date:month"],
        "measure": "sum:amount",
    }
    pivot_compute(user=world.manager, data=data)  # warm the permission cache
    with django_assert_max_num_queries(8) as few:
        pivot_compute(user=world.manager, data=data)
    for n in range(5):
        owner = user_with_role("sales_rep", email=f"extra{n}@example.com", team=world.north)
        make_opportunity(pipeline=world.pipeline, owner=owner, currency="USD")
    with django_assert_max_num_queries(len(few.captured_queries)):
        pivot_compute(user=world.manager, data=data)
