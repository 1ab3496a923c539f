from __future__ import annotations

import pytest
from django.test import Client

from crm.contacts.models import Contact
from crm.contacts.tests.factories import AccountFactory, ContactFactory
from crm.core.api.tests.client import ApiClient, problem_fields

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def test_search_answers_grouped_ranked_hits(admin):
    ContactFactory(owner=admin, first_name="Luis", last_name="González", full_name="Luis González")
    AccountFactory(owner=admin, name="González Hermanos", tax_id="B-11.222.333")

    response = ApiClient(admin, scopes=["read"]).get(URL, {"q": "gonzalez"})

    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "gonzalez"
    assert [(g["type"], [i["title"] for i in g["items"]]) for g in body["groups"]] == [
        ("contacts.account", ["González Hermanos"]),
        ("contacts.contact", ["Luis González"]),
    ]
    item = body["groups"][1]["items"][0]
    assert item["url"] == f"/contacts/{item['id']}/" and item["match"] == "word_prefix"


def test_types_and_limit_narrow_the_answer_and_typos_are_labelled(admin):
    for i in range(3):
        ContactFactory(
            owner=admin, first_name="Luis", last_name=f"González{i}", full_name=f"Luis González {i}"
        )
    AccountFactory(owner=admin, name="González Hermanos")

    body = ApiClient(admin).get(URL, {"q": "gonzales", "types": "contacts.contact", "limit": 2}).json()

    assert [g["type"] for g in body["groups"]] == ["contacts.contact"]
    group = body["groups"][0]
    assert len(group["items"]) == 2 and group["has_more"] is True
    assert {i["match"] for i in group["items"]} == {"typo"}


def test_a_rep_only_gets_what_they_may_see(rep, outsider):
    ContactFactory(owner=outsider, first_name="Secret", last_name="Person", full_name="Secret Person")

    body = ApiClient(rep).get(URL, {"q": "secret"}).json()

    assert body["groups"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "a"}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "ana", "types": "contacts.contact,nosuch.thing"}, "types"),
        ({"q": "ana", "limit": 0}, "limit"),
        ({"q": "ana", "limit": 500}, "limit"),
    ],
)
def test_bad_input_is_a_400_problem_naming_the_parameter(admin, params, field):
    before = Contact.all_objects.count()

    response = ApiClient(admin).get(URL, params)

    assert response.status_code == 400
    assert field in problem_fields(response)
    assert Contact.all_objects.count() == before


def test_a_limit_that_is_not_a_number_is_a_problem_naming_it(admin):
    response = ApiClient(admin).get(URL, {"q": "ana", "limit": "many"})

    assert response.status_code in (400, 422)
    assert "limit" in problem_fields(response)


def test_errors_are_translated(admin):
    response = ApiClient(admin).get(URL, {"q": "a"}, **{"Accept-Language": "es"})

    assert "Escribe al menos 2 letras o cifras." in problem_fields(response)["q"]


def test_without_credentials_is_401():
    response = Client().get(URL, {"q": "ana"})

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
