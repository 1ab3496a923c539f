"""The new / active / lapsed customers widget reads the sales app's purchase summary: after random order writes
its figures and drill-down links are those of grouping every order by account (what the widget computed before
the summary), for an administrator, a manager, a rep and "only mine", over past, running and custom periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.analytics.dashboards.selectors import widget_compute
from crm.analytics.dashboards.widgets import widget_type_get
from crm.analytics.dashboards.widgets.customers import LIST, STANDING
from crm.analytics.dashboards.widgets.scope import date_range, list_params, list_url
from crm.sales.selectors.orders import order_query
from crm.sales.tests.orders.test_purchases import purchases_world, random_order_writes

pytestmark = pytest.mark.django_db

PERIODS: list[dict[str, str]] = [
    {"period": "2026"},  # running: the reference day is today (2026-11-22), orders after it exist
    {"period": "2026-Q2"},  # past
    {"period": "this_month"},
    {"period": "last_12_months"},
    {"period": "2025"},
    {"from": "2026-10-20", "to": "2026-11-03"},  # a short custom range: cutoff and reference in one month
]


def by_grouping(user: Any, params: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    """The widget's figures and links as it computed them before the summary: every order grouped by account."""
    filters = dashboard_filters_parse(user=user, params=params)
    days = int(settings["days"])
    base = {**list_params(user=user, filters=filters, settings=settings, pipeline=False), "status": STANDING}
    reference = min(filters.period.last_day, timezone.localdate())
    cutoff = reference - dt.timedelta(days=days - 1)
    until = {**base, "ordered_on__lte": reference.isoformat()}
    found = (
        order_query(user=user, params=until)
        .order_by()
        .values("account_id")
        .annotate(first=Min("ordered_on"), last=Max("ordered_on"))
        .aggregate(
            new=Count("account_id", filter=Q(first__gte=filters.period.start, first__lt=filters.period.end)),
            active=Count("account_id", filter=Q(last__gte=cutoff)),
            lapsed=Count("account_id", filter=Q(last__lt=cutoff)),
        )
    )
    new_end = min(filters.period.end, reference + dt.timedelta(days=1))
    return {
        "counts": {k: int(found[k] or 0) for k in ("new", "active", "lapsed")},
        "urls": [
            list_url(LIST, {**base, **date_range("ordered_on", filters.period.start, new_end)}),
            list_url(LIST, {**until, "ordered_on__gte": cutoff.isoformat()}),
            list_url(LIST, {**base, "ordered_on__lte": (cutoff - dt.timedelta(days=1)).isoformat()}),
        ],
    }


@pytest.mark.parametrize("seed", [11, 12])
def test_customer_figures_and_links_equal_grouping_every_order(
    make_user: Any, seed: int, django_capture_on_commit_callbacks: Any
) -> None:
    world = purchases_world(make_user)
    random_order_writes(world, seed=seed, steps=60, capture=django_capture_on_commit_callbacks)
    people = world["people"]
    viewers: list[tuple[Any, dict[str, str], dict[str, Any]]] = [
        (world["admin"], {}, {"mine": False}),
        (world["admin"], {"team": str(people[0].team_id)}, {"mine": False}),
        (world["admin"], {"owner": str(people[2].pk)}, {"mine": False}),
        (world["boss"], {}, {"mine": False}),
        (people[0], {}, {"mine": False}),  # a rep: their team's orders
        (people[1], {}, {"mine": True}),
        (people[2], {"owner": str(people[0].pk)}, {"mine": False}),  # another team's owner: nothing
    ]
    compared = 0
    for user, extra, settings in viewers:
        for period in PERIODS:
            for days in (7, 30, 90, 365):
                params = {**period, **extra}
                filters = dashboard_filters_parse(user=user, params=params)
                result = widget_compute(
                    user=user,
                    widget=widget_type_get("customers"),
                    filters=filters,
                    settings={**settings, "days": days},
                )
                expected = by_grouping(user, params, {**settings, "days": days})
                got = {k: result.figures[k] for k in ("new", "active", "lapsed")}
                assert got == expected["counts"], (user.email, params, days)
                assert [k.url for k in result.kpis] == expected["urls"]
                assert [k.value for k in result.kpis] == [got["new"], got["active"], got["lapsed"]]
                compared += sum(got.values())
    assert compared  # the random orders gave the widget something to count
