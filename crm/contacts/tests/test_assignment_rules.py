"""Territories, assignment rules and the rule engine (matching, order, round-robin, least loaded), the admin
screens and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from crm.contacts.services import account_create, contact_create
from crm.contacts.tests.factories import AccountFactory, TeamFactory, user_with_role
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.assignment.matching import postal_in_range, territory_matches
from crm.core.assignment.selectors import rule_list, territory_list
from crm.core.assignment.services import (
    assignment_owner_pick,
    assignment_owners_pick,
    rule_create,
    rule_move,
    territory_create,
    territory_delete,
)
from crm.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Any:
    return TeamFactory(name="Iberia")


@pytest.fixture
def admin(team: Any) -> Any:
    return user_with_role("administrator", team=team, full_name="Ada Admin")


@pytest.fixture
def members(team: Any) -> list[Any]:
    return [user_with_role("sales_rep", team=team, full_name=f"Rep {i}") for i in range(3)]


def test_territory_matches_country_region_and_postal_ranges(admin: Any) -> None:
    madrid = territory_create(
        actor=admin,
        name="Madrid",
        countries=["es"],
        regions=["Comunidad de Madrid"],
        postal_ranges=[["28000", "28999"]],
    )
    assert madrid.countries == ["ES"]
    assert territory_matches(
        madrid, {"country": "ES", "region": "comunidad de madrid", "postal_code": "28 001"}
    )
    assert not territory_matches(
        madrid, {"country": "ES", "region": "Comunidad de Madrid", "postal_code": "08001"}
    )
    assert not territory_matches(
        madrid, {"country": "PT", "region": "Comunidad de Madrid", "postal_code": "28001"}
    )
    cat = territory_create(actor=admin, name="Cataluña", regions=["Cataluña"])
    assert territory_matches(cat, {"region": "CATALUNA"})  # accents and case folded
    assert postal_in_range("SW1A 1AA", "SW1A", "SW1Z")
    assert not postal_in_range("", "1000", "2000")


def test_bad_territory_is_refused_with_field_errors_and_nothing_is_stored(admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        territory_create(actor=admin, name="Bad", countries=["Spain"], postal_ranges=[["29000", "28000"]])
    assert "countries" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        territory_create(actor=admin, name="Empty")
    assert "countries" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        territory_create(actor=admin, name="Ranges", postal_ranges=[["29000", "28000"]])
    assert "ends before it starts" in exc.value.field_errors["postal_ranges"][0]
    assert territory_list().count() == 0


def test_only_administrators_manage_rules(members: list[Any]) -> None:
    with pytest.raises(PermissionDenied):
        territory_create(actor=members[0], name="Madrid", countries=["ES"])
    assert territory_list().count() == 0


def test_first_matching_rule_wins_and_a_rule_without_conditions_is_the_default(
    admin: Any, members: list[Any]
) -> None:
    madrid = territory_create(actor=admin, name="Madrid", postal_ranges=[["28000", "28999"]])
    rule_create(actor=admin, name="Madrid", object_type="contacts.account", territory=madrid, user=members[0])
    rule_create(
        actor=admin, name="Retail", object_type="contacts.account", industries=["retail"], user=members[1]
    )
    rule_create(actor=admin, name="Large", object_type="contacts.account", sizes=["1000+"], user=members[2])
    rule_create(actor=admin, name="Default", object_type="contacts.account", user=admin)
    pick = lambda **facts: assignment_owner_pick(object_type="contacts.account", facts=facts)  # noqa: E731
    assert pick(postal_code="28010", industry="retail") == members[0]  # first match wins
    assert pick(postal_code="08010", industry="retail") == members[1]
    assert pick(size="1000+") == members[2]
    assert pick(country="FR") == admin
    assert assignment_owner_pick(object_type="contacts.contact", facts={}) is None  # no rules for contacts


def test_rule_needs_its_person_or_team_and_known_choices(admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        rule_create(
            actor=admin, name="X", object_type="contacts.account", strategy="round_robin", industries=["nope"]
        )
    assert {"team", "industries"} <= set(exc.value.field_errors)
    with pytest.raises(InvalidInput) as exc:
        rule_create(actor=admin, name="X", object_type="unknown.thing", user=admin)
    assert "object_type" in exc.value.field_errors
    assert rule_list().count() == 0


def test_round_robin_hands_out_turns_in_member_order_and_keeps_its_cursor(
    admin: Any, team: Any, members: list[Any]
) -> None:
    rule_create(actor=admin, name="RR", object_type="contacts.account", strategy="round_robin", team=team)
    order = sorted([admin, *members], key=lambda u: u.pk)
    picked = [assignment_owner_pick(object_type="contacts.account", facts={}) for _ in range(5)]
    assert picked == [order[0], order[1], order[2], order[3], order[0]]
    bulk = assignment_owners_pick(object_type="contacts.account", facts_list=[{}, {}, {}])
    assert bulk == [order[1], order[2], order[3]]
    assert rule_list().get().last_user == order[3]


def test_least_loaded_picks_the_member_owning_fewest_records(
    admin: Any, team: Any, members: list[Any]
) -> None:
    rule_create(actor=admin, name="LL", object_type="contacts.account", strategy="least_loaded", team=team)
    for owner, n in ((admin, 3), (members[0], 1), (members[1], 2), (members[2], 1)):
        for _ in range(n):
            AccountFactory(owner=owner)
    picked = assignment_owners_pick(object_type="contacts.account", facts_list=[{}, {}, {}, {}])
    # loads 3,1,2,1 → members[0] (tie, lower id), members[2], then members[0], members[1] (2,2,2 → lowest id)
    ids = sorted([members[0].pk, members[1].pk, members[2].pk])
    assert picked[0].pk == min(members[0].pk, members[2].pk)
    assert {picked[0].pk, picked[1].pk} == {members[0].pk, members[2].pk}
    assert picked[2].pk == ids[0] and picked[3].pk == ids[1]


def test_create_services_apply_rules_only_without_an_explicit_owner(admin: Any, members: list[Any]) -> None:
    rule_create(
        actor=admin, name="Retail", object_type="contacts.account", industries=["retail"], user=members[0]
    )
    madrid = territory_create(
        actor=admin, name="Madrid", countries=["ES"], postal_ranges=[["28000", "28999"]]
    )
    rule_create(
        actor=admin, name="Madrid people", object_type="contacts.contact", territory=madrid, user=members[1]
    )
    assert account_create(actor=admin, name="Shop", industry="retail").owner == members[0]
    assert account_create(actor=admin, name="Shop 2", industry="retail", owner=admin).owner == admin
    assert account_create(actor=admin, name="Bank", industry="finance").owner == admin  # no match: the actor
    located = account_create(
        actor=admin, name="Madrid Co", address={"country": "ES", "postal_code": "28004", "city": "Madrid"}
    )
    assert located.addresses.get().is_primary
    person = contact_create(
        actor=admin, first_name="Eva", account=located
    )  # matches on the account's address
    assert person.owner == members[1]


def test_rule_move_reorders(admin: Any, members: list[Any]) -> None:
    a = rule_create(actor=admin, name="A", object_type="contacts.account", user=members[0])
    b = rule_create(actor=admin, name="B", object_type="contacts.account", user=members[1])
    rule_move(actor=admin, rule=b, offset=-1)
    assert [r.name for r in rule_list()] == ["B", "A"]
    assert assignment_owner_pick(object_type="contacts.account", facts={}) == members[1]
    assert a.pk


def test_territory_in_use_cannot_be_deleted(admin: Any, members: list[Any]) -> None:
    madrid = territory_create(actor=admin, name="Madrid", countries=["ES"])
    rule_create(actor=admin, name="Madrid", object_type="contacts.account", territory=madrid, user=members[0])
    with pytest.raises(InvalidInput):
        territory_delete(actor=admin, territory=madrid)
    assert territory_list().filter(pk=madrid.pk).exists()


def test_admin_screens_create_a_territory_and_a_rule(client: Any, admin: Any, members: list[Any]) -> None:
    client.force_login(admin)
    assert client.get(reverse("assignment:rule_list")).status_code == 200
    response = client.post(
        reverse("assignment:territory_create"),
        {"name": "Madrid", "countries": "ES", "regions": "", "postal_ranges": "28000-28999\n28100"},
    )
    assert response.status_code == 302
    territory = territory_list().get()
    assert territory.postal_ranges == [["28000", "28999"], ["28100", "28100"]]
    bad = client.post(reverse("assignment:territory_create"), {"name": "Bad", "countries": "España"})
    assert bad.status_code == 422 and "two-letter" in bad.content.decode()
    response = client.post(
        reverse("assignment:rule_create"),
        {
            "name": "Madrid",
            "object_type": "contacts.account",
            "territory": territory.pk,
            "industries": ["retail"],
            "strategy": "user",
            "user": members[0].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("assignment:rule_list")).content.decode()
    assert [r.industries for r in rule_list()] == [["retail"]]
    assert "Madrid" in listing and "Retail and wholesale" in listing


def test_admin_screens_refuse_non_administrators(client: Any, members: list[Any]) -> None:
    client.force_login(members[0])
    assert client.get(reverse("assignment:rule_list")).status_code == 403
    assert client.get(reverse("assignment:territory_list")).status_code == 403


def test_api_crud_and_errors(admin: Any, team: Any, members: list[Any]) -> None:
    api = ApiClient(admin)
    response = api.post(
        "/api/v1/territories", {"name": "Madrid", "countries": ["ES"], "postal_ranges": [["28000", "28999"]]}
    )
    assert response.status_code == 201, response.content
    territory_id = response.json()["id"]
    bad = api.post("/api/v1/territories", {"name": "Bad", "countries": ["Spain"]})
    assert bad.status_code == 422 and "countries" in problem_fields(bad)
    rule = api.post(
        "/api/v1/assignment-rules",
        {
            "object_type": "contacts.account",
            "name": "RR",
            "strategy": "round_robin",
            "team_id": team.pk,
            "territory_id": territory_id,
        },
    )
    assert rule.status_code == 201, rule.content
    missing = api.post(
        "/api/v1/assignment-rules", {"object_type": "contacts.account", "name": "X", "territory_id": 999999}
    )
    assert missing.status_code == 422 and "territory_id" in problem_fields(missing)
    patched = api.patch(f"/api/v1/assignment-rules/{rule.json()['id']}", {"is_active": False})
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert api.get("/api/v1/assignment-rules").json()[0]["name"] == "RR"
    assert api.delete(f"/api/v1/assignment-rules/{rule.json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/territories/{territory_id}").status_code == 204
    assert ApiClient(members[0]).get("/api/v1/territories").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_round_robin_is_safe_under_concurrent_creates() -> None:
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("two connections taking row locks at once: PostgreSQL (SQLite serialises every writer)")
    team = TeamFactory(name="Concurrent")
    admin = user_with_role("administrator", team=team)
    reps = [user_with_role("sales_rep", team=team) for _ in range(3)]
    rule_create(actor=admin, name="RR", object_type="contacts.account", strategy="round_robin", team=team)
    barrier = threading.Barrier(4)
    picked: list[int] = []

    def create() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                owner = assignment_owner_pick(object_type="contacts.account", facts={})
                assert owner is not None
                picked.append(owner.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(picked) == sorted([admin.pk, *(r.pk for r in reps)])  # four turns, four different people
