"""The lifetime-value page: bands around the mean CLV, each linked to the accounts list filtered to it, and a
visible range form that lists the most valuable customers within it (bad bounds named, nothing filtered)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from crm.analytics.clv.bands import band_edges
from crm.analytics.core.enums import RunStatus

pytestmark = pytest.mark.django_db
CLVS = [Decimal(v) for v in ("10", "40", "90", "110", "150", "250", "600", "1500")]  # mean 343.75


@pytest.fixture
def valued(company_currency: str, make_user: Callable[..., Any]) -> tuple[Any, list[int]]:
    manager = make_user("sales_manager")
    account = apps.get_model("contacts", "Account")
    insight = apps.get_model("analytics", "CustomerInsight")
    run = apps.get_model("analytics", "AnalysisRun")
    ids = [
        a.pk
        for a in account.objects.bulk_create(
            [account(name=f"Customer {i:04d}", owner=manager) for i in range(len(CLVS))]
        )
    ]
    insight.objects.bulk_create(
        [
            insight(account_id=a, clv=v, p_alive=0.5, expected_purchases=1, expected_order_value=v)
            for a, v in zip(ids, CLVS, strict=True)
        ]
    )
    run.objects.create(
        kind="clv",
        status=RunStatus.DONE,
        result={
            "currency": company_currency,
            "customers": len(CLVS),
            "kpis": {"mean_clv": 343.75},
            "top": [],
        },
    )
    return manager, ids


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(client: Client, url: str) -> set[str]:
    return set(re.findall(r"Customer \d{4}", client.get(url.replace("&amp;", "&")).content.decode()))


def _names(test: Callable[[Decimal], bool]) -> set[str]:
    return {f"Customer {i:04d}" for i, v in enumerate(CLVS) if test(v)}


def test_band_edges_are_round_multiples_of_the_mean() -> None:
    assert band_edges(343.75) == [Decimal("170"), Decimal("340"), Decimal("690"), Decimal("1700")]
    assert band_edges(0) == [] and band_edges(None) == []


def test_each_band_counts_and_links_the_accounts_in_it(valued: tuple[Any, list[int]]) -> None:
    manager, _ids = valued
    client = _client(manager)
    html = client.get("/analytics/clv/").content.decode()
    bands = re.findall(r'href="([^"]+)" data-band="\d+">.*?class="clv-band__value num">(\d+)<', html, re.S)
    edges = [Decimal(0), Decimal(170), Decimal(340), Decimal(690), Decimal(1700), Decimal(10**9)]
    expected = [_names(lambda v, lo=lo, hi=hi: lo <= v < hi) for lo, hi in itertools.pairwise(edges)]
    expected.reverse()  # the highest band first
    assert [int(n) for _u, n in bands] == [len(e) for e in expected]
    for (url, _n), names in zip(bands, expected, strict=True):
        assert _listed(client, url) == names


def test_the_range_form_lists_the_customers_within_it(valued: tuple[Any, list[int]]) -> None:
    manager, _ids = valued
    client = _client(manager)
    html = client.get("/analytics/clv/", {"clv_min": "90", "clv_max": "250"}).content.decode()
    top = html[html.index('id="clv-top-title"') :]
    assert re.findall(r"Customer \d{4}", top) == [
        "Customer 0005",
        "Customer 0004",
        "Customer 0003",
        "Customer 0002",
    ]
    link = re.search(r'href="([^"]+)" data-testid="clv-list-link"', html)
    assert link is not None and _listed(client, link.group(1)) == _names(lambda v: 90 <= v <= 250)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"clv_min": "lots"}, "clv-min", "Enter a number."),
        ({"clv_max": "-5"}, "clv-max", "Enter a number of 0 or more."),
        ({"clv_min": "500", "clv_max": "100"}, "clv-max", "“To” must not be below “from”."),
    ],
)
def test_a_bad_bound_is_named_and_filters_nothing(
    valued: tuple[Any, list[int]], params: dict[str, str], field: str, message: str
) -> None:
    manager, _ids = valued
    html = _client(manager).get("/analytics/clv/", params).content.decode()
    assert f'<span class="field__error" id="{field}-error">{message}</span>' in html
    assert 'data-testid="clv-list-link"' not in html and "Most valuable customers</h2>" in html
    assert apps.get_model("analytics", "CustomerInsight").objects.filter(clv__isnull=False).count() == len(
        CLVS
    )
