"""The forecast: categories, weighted, closed won, quotas and attainment in the company currency; scoping; bad
input; query counts; the quota services and API (managers only, all or nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.catalog.services.currencies import currency_create, exchange_rate_set
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.errors import InvalidInput, PermissionDenied
from crm.sales.models import Quota
from crm.sales.selectors.forecast import forecast_filters_parse, forecast_get
from crm.sales.services.quotas import QuotaEntry, quotas_set
from crm.sales.services.stages import opportunity_move_stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline() -> Any:
    return make_pipeline()


@pytest.fixture
def money() -> None:
    currency_create(actor=None, code="EUR", is_company=True)
    usd = currency_create(actor=None, code="USD")
    exchange_rate_set(actor=None, currency=usd, valid_on=dt.date(2026, 1, 1), rate=Decimal("2"))
    exchange_rate_set(
        actor=None, currency=usd, valid_on=dt.date(2026, 12, 1), rate=Decimal("4")
    )  # after the period


@pytest.fixture
def boss(make_user: Any) -> Any:
    return make_user("sales_manager", team=None)


@pytest.fixture
def north(make_user: Any, boss: Any) -> Any:
    return make_user("sales_rep", team="North", manager=boss)


@pytest.fixture
def south(make_user: Any, boss: Any) -> Any:
    return make_user("sales_rep", team="South", manager=boss)


def _deals(pipeline: Any, north: Any, south: Any) -> None:
    day = dt.date(2026, 4, 20)
    make_opportunity(
        pipeline=pipeline, owner=north, amount=Decimal("1000"), close_date=day
    )  # Qualify: pipeline
    make_opportunity(
        pipeline=pipeline,
        owner=north,
        amount=Decimal("400"),
        currency="USD",
        next_step="Call",
        close_date=dt.date(2026, 5, 3),
        stage=stage(pipeline, "Proposal"),
    )  # best case, 200 EUR
    make_opportunity(
        pipeline=pipeline,
        owner=north,
        amount=Decimal("500"),
        close_date=day,
        stage=stage(pipeline, "Negotiation"),
    )  # commit
    won = make_opportunity(pipeline=pipeline, owner=north, amount=Decimal("300"), close_date=day)
    opportunity_move_stage(
        actor=None, opportunity=won, stage=stage(pipeline, "Won"), at=dt.datetime(2026, 4, 10, tzinfo=dt.UTC)
    )
    make_opportunity(pipeline=pipeline, owner=south, amount=Decimal("7000"), close_date=day)
    make_opportunity(
        pipeline=pipeline, owner=north, amount=Decimal("9000"), close_date=dt.date(2026, 7, 1)
    )  # Q3
    quotas_set(
        actor=None,
        entries=[
            QuotaEntry(user_id=north.pk, month="2026-04", amount="600"),
            QuotaEntry(user_id=north.pk, month="2026-05", amount="400"),
            QuotaEntry(user_id=south.pk, month="2026-04", amount="5000"),
        ],
    )


def test_forecast_by_category_with_quotas_in_the_company_currency(
    pipeline: Any, money: None, north: Any, south: Any, boss: Any
) -> None:
    _deals(pipeline, north, south)
    filters = forecast_filters_parse(user=boss, params={"period": "2026-Q2", "group_by": "owner"})
    result = forecast_get(user=boss, filters=filters)
    assert result.currency == "EUR" and result.rates_on == dt.date(2026, 6, 30)
    rows = {r.key: r for r in result.rows}
    mine = rows[str(north.pk)]
    assert (mine.pipeline, mine.best_case, mine.commit) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("500.00"),
    )
    # 1000 × 10 % + 200 × 50 % + 500 × 80 %
    assert mine.weighted == Decimal("600.00")
    assert mine.closed_won == Decimal("300.00") and mine.won_count == 1 and mine.open_count == 3
    assert mine.quota == Decimal("1000") and mine.attainment == Decimal("0.3")
    assert rows[str(south.pk)].pipeline == Decimal("7000.00") and rows[str(south.pk)].attainment == Decimal(0)
    assert result.total.pipeline == Decimal("8000.00") and result.total.quota == Decimal("6000")
    # by month: April and May (and June, empty)
    april, may, june = result.buckets
    assert (april.key, may.key, june.key) == ("2026-04", "2026-05", "2026-06")
    assert april.total.commit == Decimal("500.00") and may.total.best_case == Decimal("200.00")
    assert may.total.quota == Decimal("400") and june.rows == []
    # by quarter, by team, by pipeline
    quarter = forecast_get(
        user=boss,
        filters=forecast_filters_parse(
            user=boss, params={"period": "2026", "interval": "quarter", "group_by": "team"}
        ),
    )
    assert [b.key for b in quarter.buckets] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    teams = {r.label: r for r in quarter.rows}
    assert teams["North"].pipeline == Decimal("10000.00") and teams["South"].quota == Decimal("5000")
    by_pipeline = forecast_get(
        user=boss,
        filters=forecast_filters_parse(user=boss, params={"period": "2026-Q2", "group_by": "pipeline"}),
    )
    assert [r.label for r in by_pipeline.rows] == ["New business"]
    assert by_pipeline.rows[0].closed_won == Decimal("300.00")


def test_a_missing_rate_is_a_clear_error(pipeline: Any, north: Any, boss: Any) -> None:
    currency_create(actor=None, code="EUR", is_company=True)
    currency_create(actor=None, code="USD")
    make_opportunity(
        pipeline=pipeline, owner=north, amount=Decimal("5"), currency="USD", close_date=dt.date(2026, 4, 2)
    )
    response = ApiClient(boss).get("/api/v1/forecast?period=2026-04")
    assert response.status_code == 422
    assert "USD" in response.json()["detail"]


def test_a_rep_does_not_see_other_teams_amounts(pipeline: Any, money: None, north: Any, south: Any) -> None:
    _deals(pipeline, north, south)
    body = ApiClient(north).get("/api/v1/forecast?period=2026-Q2&group_by=team").json()
    assert [r["label"] for r in body["rows"]] == ["North"]
    assert Decimal(body["total"]["pipeline"]) == Decimal("1000")
    assert Decimal(body["total"]["quota"]) == Decimal("1000")
    quotas = ApiClient(north).get("/api/v1/quotas?period=2026").json()
    assert {q["user"]["id"] for q in quotas} == {north.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=month", "group_by"),
        ("interval=week", "interval"),
        ("period=2026-Q5", "period"),
        ("period=last-year", "period"),
        ("team=north", "team"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(north: Any, query: str, field: str) -> None:
    response = ApiClient(north).get(f"/api/v1/forecast?{query}")
    assert response.status_code == 422
    assert field in problem_fields(response)


def test_the_query_count_does_not_grow_with_the_deals(
    pipeline: Any, money: None, north: Any, boss: Any, make_user: Any
) -> None:
    filters = forecast_filters_parse(user=boss, params={"period": "2026-Q2", "group_by": "team"})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            forecast_get(user=boss, filters=filters)
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            owner = make_user("sales_rep", team=f"T{i}")
            make_opportunity(
                pipeline=pipeline, owner=owner, amount=Decimal(10), close_date=dt.date(2026, 4, 1 + i)
            )
            quotas_set(actor=None, entries=[QuotaEntry(user_id=owner.pk, month="2026-05", amount="1")])

    make_opportunity(
        pipeline=pipeline, owner=north, amount=Decimal(1), currency="USD", close_date=dt.date(2026, 4, 1)
    )
    add(2)
    count()
    few = count()
    add(6)
    assert count() == few


def test_managers_set_quotas_through_the_api(boss: Any, north: Any) -> None:
    api = ApiClient(boss)
    response = api.put("/api/v1/quotas", {"user_id": north.pk, "month": "2026-05", "amount": "1500.50"})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "1500.50" and response.json()["month"] == "2026-05-01"
    assert (
        api.put("/api/v1/quotas", {"user_id": north.pk, "month": "2026-05", "amount": "1600"}).status_code
        == 200
    )
    assert Quota.objects.get(user=north).amount == Decimal("1600")
    assert (
        api.put("/api/v1/quotas", {"user_id": north.pk, "month": "2026-05", "amount": None}).status_code
        == 204
    )
    assert not Quota.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2026-13", "amount": "10"}, "month"),
        ({"month": "May", "amount": "10"}, "month"),
        ({"month": "2026-05", "amount": "-1"}, "amount"),
        ({"month": "2026-05", "amount": "1.234"}, "amount"),
    ],
)
def test_bad_quotas_are_refused_and_nothing_changes(
    boss: Any, north: Any, body: dict[str, Any], field: str
) -> None:
    quotas_set(actor=None, entries=[QuotaEntry(user_id=north.pk, month="2026-05", amount="99")])
    response = ApiClient(boss).put("/api/v1/quotas", {"user_id": north.pk, **body})
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert list(Quota.objects.values_list("amount", flat=True)) == [Decimal("99")]


def test_a_rep_cannot_set_quotas(north: Any) -> None:
    response = ApiClient(north).put(
        "/api/v1/quotas", {"user_id": north.pk, "month": "2026-05", "amount": "10"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        quotas_set(actor=north, entries=[QuotaEntry(user_id=north.pk, month="2026-05", amount="10")])
    assert not Quota.objects.exists()


def test_a_batch_with_one_bad_cell_writes_nothing(boss: Any, north: Any, south: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        quotas_set(
            actor=boss,
            entries=[
                QuotaEntry(user_id=north.pk, month="2026-05", amount="10"),
                QuotaEntry(user_id=south.pk, month="2026-05", amount="ten"),
            ],
        )
    assert list(exc.value.field_errors) == ["1.amount"]
    assert not Quota.objects.exists()


def test_the_pages(client: Any, pipeline: Any, money: None, north: Any, south: Any, boss: Any) -> None:
    _deals(pipeline, north, south)
    client.force_login(boss)
    page = client.get("/forecast/?period=2026-Q2&group_by=team&interval=quarter")
    assert page.status_code == 200
    assert b'data-forecast="2026-Q2"' in page.content and b"South" in page.content
    assert client.get("/forecast/?interval=week").status_code == 400
    grid = client.get("/forecast/quotas/?year=2026")
    assert grid.status_code == 200 and f'name="q-{north.pk}-2026-04"'.encode() in grid.content
    saved = client.post("/forecast/quotas/", {"year": "2026", f"q-{north.pk}-2026-06": "250"})
    assert saved.status_code == 302
    assert Quota.objects.get(user=north, month=dt.date(2026, 6, 1)).amount == Decimal("250")
    refused = client.post(
        "/forecast/quotas/", {"year": "2026", f"q-{north.pk}-2026-06": "-3", f"q-{south.pk}-2026-06": "5"}
    )
    assert refused.status_code == 400
    assert Quota.objects.get(user=north, month=dt.date(2026, 6, 1)).amount == Decimal("250")
    assert not Quota.objects.filter(user=south, month=dt.date(2026, 6, 1)).exists()
    client.force_login(north)
    assert client.get("/forecast/quotas/").status_code == 403
    mine = client.get("/forecast/?period=2026-Q2&group_by=team")
    assert f'data-row="{north.team_id}"'.encode() in mine.content
    assert f'data-row="{south.team_id}"'.encode() not in mine.content
