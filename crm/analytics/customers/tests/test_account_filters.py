"""The accounts list filters by the stored figures (RFM segment, ABC class, cohort, lifetime value, churn risk):
in the web list, the API list and saved views — registered from analytics, so contacts never imports it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from crm.analytics.core.models import CustomerInsight
from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.savedviews.services import saved_view_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(make_user: Any) -> dict[str, Any]:
    admin = make_user("administrator")
    champion, lost, plain = (
        AccountFactory(owner=admin, name=n) for n in ("Champion Co", "Lost Ltd", "Plain SA")
    )
    CustomerInsight.objects.create(
        account=champion,
        rfm_segment="champions",
        abc_class="A",
        clv=Decimal("900"),
        churn_risk=0.1,
        cohort_month=dt.date(2026, 3, 1),
    )
    CustomerInsight.objects.create(
        account=lost,
        rfm_segment="lost",
        abc_class="C",
        clv=Decimal("20"),
        churn_risk=0.9,
        cohort_month=dt.date(2025, 1, 1),
    )
    return {"admin": admin, "champion": champion, "lost": lost, "plain": plain}


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"rfm_segment": "champions"}, ["Champion Co"]),
        ({"rfm_segment": "champions,lost"}, ["Champion Co", "Lost Ltd"]),
        ({"abc_class": "C"}, ["Lost Ltd"]),
        ({"clv__gte": "100"}, ["Champion Co"]),
        ({"churn_risk__gte": "0.5"}, ["Lost Ltd"]),
        ({"cohort__gte": "2026-03-01", "cohort__lte": "2026-03-01"}, ["Champion Co"]),
    ],
)
def test_api_list_filters_by_the_figures(
    params: dict[str, str], names: list[str], scored: dict[str, Any]
) -> None:
    body = ApiClient(scored["admin"]).get("/api/v1/accounts", params).json()
    assert sorted(a["name"] for a in body["items"]) == names


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rfm_segment": "bogus"}, "rfm_segment"),
        ({"clv__gte": "lots"}, "clv__gte"),
        ({"abc_class__gte": "A"}, "abc_class__gte"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(
    params: dict[str, str], field: str, scored: dict[str, Any]
) -> None:
    response = ApiClient(scored["admin"]).get("/api/v1/accounts", params)
    assert response.status_code == 400 and field in problem_fields(response)


def test_web_list_filters_and_offers_the_segment_filter(scored: dict[str, Any]) -> None:
    client = Client()
    client.force_login(scored["admin"])
    html = client.get("/accounts/", {"rfm_segment": "champions"}).content.decode()
    assert "Champion Co" in html and "Lost Ltd" not in html and "Plain SA" not in html
    assert 'name="rfm_segment"' in html and 'name="abc_class"' in html  # the "More filters" controls


def test_a_saved_view_keeps_the_segment_filter(scored: dict[str, Any]) -> None:
    view = saved_view_create(
        actor=scored["admin"],
        object_type="contacts.account",
        name="Champions",
        query="rfm_segment=champions&sort=name",
    )
    client = Client()
    client.force_login(scored["admin"])
    html = client.get(f"/accounts/?{view.query}&view={view.pk}").content.decode()
    assert "Champion Co" in html and "Lost Ltd" not in html
    listing = client.get("/accounts/").content.decode()
    assert "rfm_segment=champions" in listing.replace("&amp;", "&")


def test_the_filter_is_one_subquery_not_a_query_per_account(
    scored: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    api = ApiClient(scored["admin"])
    api.get("/api/v1/accounts", {"rfm_segment": "champions"})  # warm caches
    with django_assert_max_num_queries(12):
        api.get("/api/v1/accounts", {"rfm_segment": "champions,lost"})
