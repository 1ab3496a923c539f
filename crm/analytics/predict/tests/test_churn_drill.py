"""The churn page links its risk bands and histogram bars to the accounts list filtered the same way, and its
visible range form narrows the table (bad bounds are named next to their input and filter nothing)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import AnalysisRun, CustomerInsight
from crm.analytics.predict.tests import data

pytestmark = pytest.mark.django_db
RESULT = {
    "auc": 0.8,
    "roc": [[0, 0], [1, 1]],
    "histogram": [3, 2, 0, 1, 0, 0, 0, 2, 1, 1],
    "importance": [],
    "groups": [],
    "window": 90,
    "scored": 10,
    "mean_risk": 0.4,
    "train": 10,
    "test": 10,
    "train_cutoff": "2026-01-01",
    "test_cutoff": "2026-03-01",
}
RISKS = [0.05, 0.08, 0.09, 0.15, 0.18, 0.35, 0.75, 0.78, 0.85, 1.0]


@pytest.fixture
def scored(manager: Any) -> list[int]:
    AnalysisRun.objects.create(kind="churn", status=RunStatus.DONE, result=RESULT)
    ids = data.accounts(len(RISKS), owner=manager)
    CustomerInsight.objects.bulk_create(
        [
            CustomerInsight(account_id=a, churn_risk=r, churn_factors=[])
            for a, r in zip(ids, RISKS, strict=True)
        ]
    )
    return ids


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(client: Client, url: str) -> set[str]:
    html = client.get(url.replace("&amp;", "&")).content.decode()
    return set(re.findall(r"Customer \d{4}", html))


def _names(ids: list[int], low: float, high: float) -> set[str]:
    return {f"Customer {i:04d}" for i, r in enumerate(RISKS) if low <= r < high}


def test_risk_bands_open_the_accounts_list_filtered_to_them(manager: Any, scored: list[int]) -> None:
    client = _client(manager)
    html = client.get("/analytics/churn/").content.decode()
    bands = dict(re.findall(r'href="([^"]+)" data-band="(\w+)"', html))
    by_key = {key: url for url, key in bands.items()}
    assert set(by_key) == {"low", "medium", "high"}
    assert _listed(client, by_key["low"]) == _names(scored, 0, 0.4)
    assert _listed(client, by_key["medium"]) == _names(scored, 0.4, 0.7) == set()
    assert _listed(client, by_key["high"]) == _names(scored, 0.7, 2)
    assert re.search(r'data-band="high">.*?<span class="risk-band__value num">4</span>', html, re.S)


def test_histogram_bars_link_to_each_tenth(manager: Any, scored: list[int]) -> None:
    client = _client(manager)
    html = client.get("/analytics/churn/").content.decode()
    links = [u.replace("&amp;", "&") for u in re.findall(r'href="(/accounts/\?churn_risk__gte=[^"]+)"', html)]
    tenth = [
        u
        for u in links
        if parse_qs(urlsplit(u).query) == {"churn_risk__gte": ["0.1"], "churn_risk__lt": ["0.2"]}
    ]
    assert tenth and _listed(client, tenth[0]) == _names(scored, 0.1, 0.2)
    last = [u for u in links if parse_qs(urlsplit(u).query) == {"churn_risk__gte": ["0.9"]}]
    assert last and _listed(client, last[0]) == _names(scored, 0.9, 2)  # 100 % included


def test_the_range_form_narrows_the_table_and_links_the_same_accounts(
    manager: Any, scored: list[int]
) -> None:
    client = _client(manager)
    html = client.get("/analytics/churn/", {"risk_min": "10", "risk_max": "80"}).content.decode()
    table = html[html.index('id="risk-title"') :]
    assert {int(a) for a in re.findall(r'<tr data-account="(\d+)"', table)} == {
        scored[i] for i, r in enumerate(RISKS) if 0.1 <= r <= 0.8
    }
    assert 'value="10"' in html and 'value="80"' in html
    link = re.search(r'href="([^"]+)" data-testid="churn-list-link"', html)
    assert link is not None
    assert _listed(client, link.group(1)) == {
        f"Customer {i:04d}" for i, r in enumerate(RISKS) if 0.1 <= r <= 0.8
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"risk_min": "abc"}, "risk-min", "Enter a number."),
        ({"risk_max": "120"}, "risk-max", "Enter a number from 0 to 100."),
        ({"risk_min": "60", "risk_max": "20"}, "risk-max", "“To” must not be below “from”."),
    ],
)
def test_a_bad_bound_is_named_next_to_its_input_and_filters_nothing(
    manager: Any, scored: list[int], params: dict[str, str], field: str, message: str
) -> None:
    html = _client(manager).get("/analytics/churn/", params).content.decode()
    assert f'<span class="field__error" id="{field}-error">{message}</span>' in html
    assert len(re.findall(r'<tr data-account="\d+"', html)) == len(RISKS)  # the whole table, unfiltered
    assert 'data-testid="churn-list-link"' not in html
    assert CustomerInsight.objects.filter(churn_risk__isnull=False).count() == len(RISKS)
