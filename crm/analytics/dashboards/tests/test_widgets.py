"""Each widget's figures equal a direct computation on known data; scoping by the viewer; the filters; every
drill-down URL lists exactly the records behind its figure; bounded query counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.analytics.dashboards.selectors import widget_compute
from crm.analytics.dashboards.tests.conftest import Q2
from crm.analytics.dashboards.widgets import widget_type_get
from crm.sales.selectors.opportunities import opportunity_query

pytestmark = pytest.mark.django_db


def compute(user: Any, key: str, params: dict[str, str] | None = None, **settings: Any) -> Any:
    filters = dashboard_filters_parse(user=user, params=params if params is not None else Q2)
    return widget_compute(user=user, widget=widget_type_get(key), filters=filters, settings=settings)


def drill(user: Any, url: str) -> list[Any]:
    """The opportunities the drill-down list shows (its own filters applied by its own selector)."""
    parts = urlsplit(url)
    assert parts.path == "/opportunities/"
    return list(opportunity_query(user=user, params=dict(parse_qsl(parts.query))))


def test_pipeline_by_stage_sums_open_deals_of_the_period_in_the_company_currency(
    deals: Any, boss: Any
) -> None:
    result = compute(boss, "pipeline_by_stage")
    assert result.figures["count"] == 3
    assert Decimal(result.figures["amount"]) == Decimal("1900")  # 1000 + 400 USD / 2 + 700
    by_label = {s["label"]: s for s in result.figures["stages"]}
    assert by_label["Qualify"]["count"] == 2 and Decimal(by_label["Qualify"]["amount"]) == Decimal("1700")
    assert by_label["Proposal"]["count"] == 1 and Decimal(by_label["Proposal"]["amount"]) == Decimal("200")
    assert by_label["Negotiation"]["count"] == 0
    # the bar opens exactly its deals
    assert sorted(o.amount for o in drill(boss, by_label["Qualify"]["url"])) == [
        Decimal("700"),
        Decimal("1000"),
    ]
    assert 'href="/opportunities/?' in str(result.chart).replace("/sales", "")


def test_a_rep_sees_only_their_team_and_mine_narrows_to_their_own(deals: Any, north: Any, south: Any) -> None:
    seen = compute(north, "pipeline_by_stage")
    assert seen.figures["count"] == 2 and Decimal(seen.figures["amount"]) == Decimal("1200")
    assert compute(south, "pipeline_by_stage", mine=True).figures["count"] == 1
    # asking for another team's owner shows nothing the rep may not see
    assert compute(north, "pipeline_by_stage", {**Q2, "owner": str(south.pk)}).figures["count"] == 0


def test_filters_owner_team_pipeline_and_period(deals: Any, boss: Any, north: Any, south: Any) -> None:
    assert compute(boss, "pipeline_by_stage", {**Q2, "owner": str(south.pk)}).figures["count"] == 1
    team = compute(boss, "pipeline_by_stage", {**Q2, "team": str(north.team_id)})
    assert team.figures["count"] == 2
    assert (
        compute(boss, "pipeline_by_stage", {**Q2, "pipeline": str(deals["pipeline"].pk + 999)}).figures[
            "count"
        ]
        == 0
    )
    assert compute(boss, "pipeline_by_stage", {"period": "2026-Q3"}).figures["count"] == 1
    custom = compute(boss, "pipeline_by_stage", {"from": "2026-04-01", "to": "2026-04-30"})
    assert custom.figures["count"] == 1  # only the 1000 EUR deal closes in April
    assert compute(boss, "pipeline_by_stage", {**Q2, "owner": "me"}).figures["count"] == 0


def test_won_lost_win_rate_average_deal_size(deals: Any, boss: Any, north: Any) -> None:
    result = compute(boss, "won_lost")
    assert result.figures["won"]["count"] == 2 and Decimal(result.figures["won"]["amount"]) == Decimal("800")
    assert result.figures["lost"]["count"] == 1
    assert {o.amount for o in drill(boss, result.figures["won"]["url"])} == {Decimal("300"), Decimal("500")}
    rate = compute(boss, "win_rate")
    assert rate.figures["won"] == 2 and rate.figures["closed"] == 3
    assert rate.figures["rate"] == pytest.approx(2 / 3)
    per_owner = {o["owner"]: o for o in rate.figures["owners"]}
    assert per_owner[north.pk]["rate"] == pytest.approx(0.5)
    average = compute(boss, "average_deal_size")
    assert Decimal(average.figures["average"]) == Decimal("400")
    assert compute(north, "average_deal_size").figures["average"] == "300.00"


def test_sales_cycle_is_the_mean_of_creation_to_close(deals: Any, boss: Any) -> None:
    won = list(opportunity_query(user=boss, params={"status": "won"}))
    expected = sum(max((o.closed_on - o.created_at.date()).days, 0) for o in won) / len(won)
    result = compute(boss, "sales_cycle")
    assert result.figures["won"] == 2
    assert result.figures["average_days"] == pytest.approx(expected, abs=1.0)


def test_forecast_vs_quota_reuses_the_forecast(deals: Any, boss: Any, north: Any) -> None:
    from crm.sales.services.quotas import QuotaEntry, quotas_set

    quotas_set(actor=boss, entries=[QuotaEntry(user_id=north.pk, month="2026-04", amount=Decimal("600"))])
    result = compute(boss, "forecast_vs_quota", {**Q2, "owner": str(north.pk)})
    assert Decimal(result.figures["closed_won"]) == Decimal("300")
    assert Decimal(result.figures["quota"]) == Decimal("600")
    assert result.figures["attainment"] == pytest.approx(0.5)
    mine = compute(north, "forecast_vs_quota", mine=True)
    assert Decimal(mine.figures["closed_won"]) == Decimal("300")


def test_activities_by_owner_counts_the_period_and_drills_down(boss: Any, north: Any, south: Any) -> None:
    import datetime as dt

    from crm.activities.selectors import activity_query
    from crm.activities.services import activity_create
    from crm.contacts.tests.factories import AccountFactory

    at = dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC)
    account = AccountFactory(owner=north)
    for owner, n in ((north, 3), (south, 1)):
        for i in range(n):
            activity_create(
                actor=None,
                kind="note",
                subject=f"n{i}",
                body="x",
                owner=owner,
                occurred_at=at,
                account_id=account.pk,
            )
    activity_create(
        actor=None,
        kind="note",
        subject="old",
        body="x",
        owner=north,
        occurred_at=at.replace(year=2025),
        account_id=account.pk,
    )
    result = compute(boss, "activities_by_owner")
    counts = {o["owner"]: o["count"] for o in result.figures["owners"]}
    assert counts == {north.pk: 3, south.pk: 1}
    url = next(o["url"] for o in result.figures["owners"] if o["owner"] == north.pk)
    parts = urlsplit(url)
    assert parts.path == "/activities/"
    assert activity_query(user=boss, params=dict(parse_qsl(parts.query))).count() == 3
    assert compute(north, "activities_by_owner", mine=True).figures["count"] == 3


def test_query_count_is_bounded_per_widget(deals: Any, boss: Any, make_user: Any) -> None:
    counts = {}
    for key in (
        "pipeline_by_stage",
        "won_lost",
        "win_rate",
        "average_deal_size",
        "sales_cycle",
        "forecast_vs_quota",
        "activities_by_owner",
        "customers",
        "revenue_by_product",
        "lifecycle_durations",
    ):
        compute(boss, key)  # warm caches (permissions, currencies)
        with CaptureQueriesContext(connection) as ctx:
            compute(boss, key)
        counts[key] = len(ctx.captured_queries)
    assert max(counts.values()) <= 12, counts
    more = [make_user("sales_rep", team="North") for _ in range(5)]
    assert more
    with CaptureQueriesContext(connection) as ctx:
        compute(boss, "win_rate")
    assert len(ctx.captured_queries) == counts["win_rate"]


def test_customers_new_active_lapsed_and_revenue_by_product(boss: Any, north: Any) -> None:
    import datetime as dt

    from crm.contacts.tests.factories import AccountFactory
    from crm.sales.selectors.orders import order_query
    from crm.sales.tests.orders.factories import catalog_setup, make_order

    items = catalog_setup()
    lines = [{"product": items["router"], "quantity": 3}, {"product": items["install"], "quantity": 1}]
    old, new, lapsed = AccountFactory(owner=north), AccountFactory(owner=north), AccountFactory(owner=north)
    make_order(owner=north, account=old, lines=lines, ordered_on=dt.date(2025, 6, 1))  # first order before Q2
    make_order(owner=north, account=old, lines=lines, ordered_on=dt.date(2026, 6, 20))  # active
    make_order(owner=north, account=new, lines=lines, ordered_on=dt.date(2026, 4, 2))  # new, not active
    make_order(owner=north, account=lapsed, lines=lines, ordered_on=dt.date(2025, 1, 5))  # lapsed
    result = compute(boss, "customers", days=30)
    assert (result.figures["new"], result.figures["active"], result.figures["lapsed"]) == (1, 1, 2)
    assert result.figures["cutoff"] == "2026-06-01"
    active_url = next(k.url for k in result.kpis if k.value == 1 and "gte=2026-06-01" in k.url)
    assert order_query(user=boss, params=dict(parse_qsl(urlsplit(active_url).query))).count() == 1

    revenue = compute(boss, "revenue_by_product")
    by_name = {p["name"]: p for p in revenue.figures["products"]}
    assert Decimal(by_name["Router X1"]["amount"]) == Decimal("600")  # 3 × 100 in each of the two Q2 orders
    assert Decimal(by_name["Installation"]["amount"]) == Decimal("100")
    router_url = by_name["Router X1"]["url"]
    assert order_query(user=boss, params=dict(parse_qsl(urlsplit(router_url).query))).count() == 2


def test_revenue_by_territory_matches_accounts_primary_address(boss: Any, north: Any) -> None:
    import datetime as dt

    from crm.contacts.services.addresses import address_add
    from crm.contacts.tests.factories import AccountFactory
    from crm.core.assignment.services import territory_create
    from crm.sales.selectors.orders import order_query
    from crm.sales.tests.orders.factories import catalog_setup, make_order

    items = catalog_setup()
    lines = [{"product": items["router"], "quantity": 2}]  # 200 EUR net
    iberia = territory_create(actor=None, name="Iberia", countries=["ES", "PT"])
    madrid, lisbon, paris = (AccountFactory(owner=north) for _ in range(3))
    for account, country in ((madrid, "ES"), (lisbon, "PT"), (paris, "FR")):
        address_add(actor=None, account=account, city="Somewhere", country=country, is_primary=True)
    for account in (madrid, lisbon, paris):
        make_order(owner=north, account=account, lines=lines, ordered_on=dt.date(2026, 5, 5))
    make_order(owner=north, account=madrid, lines=lines, ordered_on=dt.date(2025, 5, 5))  # another period
    result = compute(boss, "revenue_by_territory")
    by_name = {t["name"]: t for t in result.figures["territories"]}
    assert (
        Decimal(by_name["Iberia"]["amount"]) == Decimal("400") and by_name["Iberia"]["territory"] == iberia.pk
    )
    assert Decimal(by_name["No territory"]["amount"]) == Decimal("200")
    url = by_name["Iberia"]["url"]
    assert order_query(user=boss, params=dict(parse_qsl(urlsplit(url).query))).count() == 2
