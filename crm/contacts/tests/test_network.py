"""The relationship network and the customer 360 page: hierarchy (cycles refused), roll-ups, typed links with
their inverses, roles, bulk reassignment reasons, "my"/"team" views, the panel registry, query counts, API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.contacts.models import Account, AccountLink, ContactLink
from crm.contacts.network import account_family
from crm.contacts.panels import account_panel_register, account_panel_unregister, account_panels
from crm.contacts.services import account_bulk_assign_owner, account_delete, account_update
from crm.contacts.services.network import account_link_create, contact_link_create, membership_role_set
from crm.contacts.tests.factories import (
    AccountFactory,
    ContactAccountFactory,
    ContactFactory,
    TeamFactory,
    user_with_role,
)
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.audit.selectors import audit_entry_list
from crm.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def admin(team: Any) -> Any:
    return user_with_role("administrator", team=team, full_name="Ada Admin")


@pytest.fixture
def rep(team: Any) -> Any:
    return user_with_role("sales_rep", team=team, full_name="Rita Rep")


@pytest.fixture
def outsider() -> Any:
    return user_with_role("sales_rep", team=TeamFactory(name="South"), full_name="Otto Outsider")


@pytest.fixture
def family(admin: Any) -> dict[str, Account]:
    group = AccountFactory(name="Group", owner=admin)
    spain = AccountFactory(name="Spain", owner=admin, parent=group)
    madrid = AccountFactory(name="Madrid", owner=admin, parent=spain)
    france = AccountFactory(name="France", owner=admin, parent=group)
    return {"group": group, "spain": spain, "madrid": madrid, "france": france}


def test_cycle_in_the_hierarchy_is_refused_and_nothing_changes(
    admin: Any, family: dict[str, Account]
) -> None:
    group = family["group"]
    with pytest.raises(InvalidInput) as exc:
        account_update(actor=admin, account=group, parent=family["madrid"])
    assert "parent" in exc.value.field_errors
    with pytest.raises(InvalidInput):
        account_update(actor=admin, account=group, parent=group)
    group.refresh_from_db()
    assert group.parent_id is None and group.version == 1


def test_family_tree_is_depth_first_with_the_current_account_marked(
    admin: Any, family: dict[str, Account]
) -> None:
    tree = account_family(user=admin, account=family["spain"])
    assert [(n.account.name, n.depth) for n in tree.nodes if n.account] == [
        ("Group", 0),
        ("France", 1),
        ("Spain", 1),
        ("Madrid", 2),
    ]
    assert [n.account.name for n in tree.nodes if n.is_current] == ["Spain"]
    assert [a.name for a in tree.ancestors] == ["Group"]
    assert tree.descendant_ids == [family["spain"].pk, family["madrid"].pk]


def test_family_walk_stops_at_a_deleted_ancestor_and_leaves_out_deleted_subsidiaries(
    admin: Any, family: dict[str, Account]
) -> None:
    # Group > Spain > Madrid (+ Seville, deleted): with Spain in the recycle bin, Madrid's family starts at Madrid
    seville = AccountFactory(name="Seville", owner=admin, parent=family["madrid"])
    account_delete(actor=admin, account=seville)
    account_delete(actor=admin, account=family["spain"])
    madrid = Account.objects.get(pk=family["madrid"].pk)

    tree = account_family(user=admin, account=madrid)

    assert [(n.account.name, n.depth) for n in tree.nodes if n.account] == [("Madrid", 0)]
    assert tree.ancestors == [] and tree.descendant_ids == [madrid.pk]
    # and from the top, the live family only (Spain's branch is gone with it)
    top = account_family(user=admin, account=family["group"])
    assert [(n.account.name, n.depth) for n in top.nodes if n.account] == [("Group", 0), ("France", 1)]


def test_family_hides_names_of_accounts_the_user_may_not_see(rep: Any, outsider: Any) -> None:
    parent = AccountFactory(name="Secret parent", owner=outsider)
    mine = AccountFactory(name="Mine", owner=rep, parent=parent)
    tree = account_family(user=rep, account=mine)
    assert [n.account.name if n.account else None for n in tree.nodes] == [None, "Mine"]


def test_rollups_sum_over_the_subtree(client: Any, admin: Any, family: dict[str, Account]) -> None:
    for account in (family["spain"], family["madrid"], family["madrid"]):
        ContactAccountFactory(contact=ContactFactory(owner=admin), account=account)
    shared = ContactFactory(owner=admin)
    ContactAccountFactory(contact=shared, account=family["spain"])
    ContactAccountFactory(contact=shared, account=family["madrid"])
    client.force_login(admin)
    response = client.get(reverse("contacts:account_detail", args=[family["spain"].pk]))
    figures = {r.key: r.value for r in response.context["rollups"]}
    assert figures["contacts.subsidiaries"] == 1
    assert figures["contacts.contacts"] == 4  # distinct people over Spain and Madrid
    assert figures["activities.open"] == 0


def test_account_links_read_with_their_inverse_label(admin: Any) -> None:
    maker = AccountFactory(name="Maker", owner=admin)
    dist = AccountFactory(name="Dist", owner=admin)
    account_link_create(
        actor=admin, from_account=dist, to_account=maker, link_type="distributor", note="Iberia"
    )
    from crm.contacts.network import account_links

    assert [
        (label, [i.other.name for i in items]) for label, items in account_links(user=admin, account=dist)
    ] == [("Distributor of", ["Maker"])]
    assert [
        (label, [i.other.name for i in items]) for label, items in account_links(user=admin, account=maker)
    ] == [("Distributed by", ["Dist"])]


def test_duplicate_self_and_symmetric_links_are_refused(admin: Any) -> None:
    a = AccountFactory(owner=admin)
    b = AccountFactory(owner=admin)
    account_link_create(actor=admin, from_account=a, to_account=b, link_type="partner")
    for args in ((b, a, "partner"), (a, b, "partner"), (a, a, "supplier"), (a, b, "friend")):
        with pytest.raises(InvalidInput):
            account_link_create(actor=admin, from_account=args[0], to_account=args[1], link_type=args[2])
    assert AccountLink.objects.count() == 1


def test_contact_links_and_mutual_reporting_refused(admin: Any) -> None:
    boss = ContactFactory(owner=admin, first_name="Boss")
    aide = ContactFactory(owner=admin, first_name="Aide")
    contact_link_create(actor=admin, from_contact=aide, to_contact=boss, link_type="reports_to")
    with pytest.raises(InvalidInput) as exc:
        contact_link_create(actor=admin, from_contact=boss, to_contact=aide, link_type="reports_to")
    assert "to_contact" in exc.value.field_errors
    from crm.contacts.network import contact_links

    assert [label for label, _items in contact_links(user=admin, contact=boss)] == ["Manages"]
    assert ContactLink.objects.count() == 1


def test_link_changes_are_audited(admin: Any) -> None:
    a = AccountFactory(owner=admin)
    b = AccountFactory(owner=admin)
    link = account_link_create(actor=admin, from_account=a, to_account=b, link_type="supplier")
    entries = list(audit_entry_list(object_type="contacts.accountlink", object_id=link.pk))
    assert entries and entries[0].actor == admin


def test_role_is_editable_and_a_bad_role_changes_nothing(client: Any, admin: Any) -> None:
    account = AccountFactory(owner=admin)
    member = ContactAccountFactory(contact=ContactFactory(owner=admin), account=account, role="user")
    client.force_login(admin)
    url = reverse("contacts:membership_role", args=[member.contact_id, account.pk])
    assert client.post(url, {"role": "billing"}).status_code == 302
    member.refresh_from_db()
    assert member.role == "billing"
    client.post(url, {"role": "boss"})
    member.refresh_from_db()
    assert member.role == "billing"
    with pytest.raises(InvalidInput):
        membership_role_set(actor=admin, contact=member.contact, account=account, role="boss")


def test_bulk_reassignment_requires_a_reason_and_shows_it_in_history(
    client: Any, admin: Any, rep: Any
) -> None:
    accounts = [AccountFactory(owner=admin) for _ in range(2)]
    with pytest.raises(InvalidInput) as exc:
        account_bulk_assign_owner(actor=admin, ids=[a.pk for a in accounts], owner=rep, reason="  ")
    assert "reason" in exc.value.field_errors
    assert Account.objects.filter(owner=rep).count() == 0
    changed, skipped = account_bulk_assign_owner(
        actor=admin, ids=[a.pk for a in accounts], owner=rep, reason="Territory change"
    )
    assert (changed, skipped) == (2, 0)
    client.force_login(admin)
    history = client.get(reverse("audit:history", args=["contacts.account", accounts[0].pk]))
    assert "Territory change" in history.content.decode()


def test_my_and_team_views_scope_the_account_list(client: Any, admin: Any, rep: Any, outsider: Any) -> None:
    AccountFactory(name="Admin's", owner=admin)
    AccountFactory(name="Rep's", owner=rep)
    AccountFactory(name="Outsider's", owner=outsider)
    api = ApiClient(admin)
    names = lambda q: sorted(r["name"] for r in api.get(f"/api/v1/accounts?owner={q}").json()["items"])  # noqa: E731
    assert names("me") == ["Admin's"]
    assert names("team") == ["Admin's", "Rep's"]
    client.force_login(admin)
    page = client.get(reverse("contacts:account_list")).content.decode()
    assert "My accounts" in page and "owner=team" in page
    team_page = client.get(reverse("contacts:account_list"), {"owner": "team"})
    assert team_page.status_code == 200
    html = team_page.content.decode()
    assert "Rep&#x27;s" in html and "Outsider&#x27;s" not in html


def test_panel_registry_composes_the_account_page_by_url(client: Any, admin: Any) -> None:
    account = AccountFactory(owner=admin)
    account_panel_register(key="tests.extra", title="Extra", url_name="contacts:account_network", order=99)
    account_panel_register(key="tests.missing", title="Missing", url_name="nope:nothing", order=98)
    try:
        # panels of apps above contacts (sales…) may be registered too: this test is about its own and the test's
        keys = [p.key for p in account_panels(user=admin, account_id=account.pk)]
        assert [k for k in keys if k.startswith(("contacts.", "tests."))] == [
            "contacts.network",
            "tests.extra",
        ]
        client.force_login(admin)
        html = client.get(reverse("contacts:account_detail", args=[account.pk])).content.decode()
        assert f'hx-get="{reverse("contacts:account_network", args=[account.pk])}"' in html
        assert 'hx-trigger="load"' in html
    finally:
        account_panel_unregister("tests.extra")
        account_panel_unregister("tests.missing")


def test_account_page_query_count_does_not_grow_with_family_members_and_links(
    client: Any, admin: Any
) -> None:
    # the same depth (a query per level of the family tree), one member against fifteen
    small = AccountFactory(owner=admin)
    AccountFactory(owner=admin, parent=small)
    big = AccountFactory(owner=admin)
    for i in range(15):
        child = AccountFactory(owner=admin, parent=big)
        ContactAccountFactory(contact=ContactFactory(owner=admin), account=child if i % 2 else big)
        account_link_create(
            actor=admin, from_account=big, to_account=AccountFactory(owner=admin), link_type="supplier"
        )
    client.force_login(admin)
    for url_name in ("contacts:account_detail", "contacts:account_network"):
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse(url_name, args=[small.pk])).status_code == 200
        with CaptureQueriesContext(connection) as many:
            assert client.get(reverse(url_name, args=[big.pk])).status_code == 200
        assert len(many.captured_queries) == len(few.captured_queries), url_name


def test_network_panel_adds_and_removes_a_link(client: Any, admin: Any) -> None:
    account = AccountFactory(owner=admin, name="Maker")
    other = AccountFactory(owner=admin, name="Dist")
    client.force_login(admin)
    url = reverse("contacts:account_link_add", args=[account.pk])
    bad = client.post(url, {"link_type": "supplier"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "Choose an account." in bad.content.decode()
    assert AccountLink.objects.count() == 0
    ok = client.post(url, {"link_type": "supplier", "to_account": other.pk}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "Supplier of" in ok.content.decode()
    link = AccountLink.objects.get()
    other_page = client.get(reverse("contacts:account_network", args=[other.pk])).content.decode()
    assert "Supplied by" in other_page and "Maker" in other_page
    client.post(reverse("contacts:account_link_remove", args=[other.pk, link.pk]))
    assert AccountLink.objects.count() == 0


def test_outsider_cannot_reach_network_pages(client: Any, admin: Any, outsider: Any) -> None:
    account = AccountFactory(owner=admin)
    client.force_login(outsider)
    assert client.get(reverse("contacts:account_network", args=[account.pk])).status_code == 404
    assert client.get(reverse("contacts:account_owner_form", args=[account.pk])).status_code == 404


def test_api_hierarchy_links_and_bulk_owner(admin: Any, rep: Any, family: dict[str, Account]) -> None:
    api = ApiClient(admin)
    tree = api.get(f"/api/v1/accounts/{family['madrid'].pk}/hierarchy").json()
    assert tree["root"]["name"] == "Group"
    spain = next(c for c in tree["root"]["children"] if c["name"] == "Spain")
    assert spain["children"][0]["is_current"] is True
    created = api.post(
        f"/api/v1/accounts/{family['spain'].pk}/links",
        {"link_type": "partner", "to_account_id": family["france"].pk},
    )
    assert created.status_code == 201, created.content
    again = api.post(
        f"/api/v1/accounts/{family['france'].pk}/links",
        {"link_type": "partner", "to_account_id": family["spain"].pk},
    )
    assert again.status_code == 422 and "to_account_id" in problem_fields(again)
    unknown = api.post(
        f"/api/v1/accounts/{family['spain'].pk}/links", {"link_type": "partner", "to_account_id": 999999}
    )
    assert unknown.status_code == 422 and "to_account_id" in problem_fields(unknown)
    listed = api.get(f"/api/v1/accounts/{family['france'].pk}/links").json()
    assert listed[0]["direction"] == "in" and listed[0]["other"]["name"] == "Spain"
    assert api.delete(f"/api/v1/accounts/{family['france'].pk}/links/{listed[0]['id']}").status_code == 204
    assert api.get("/api/v1/accounts/999999/hierarchy").status_code == 404
    no_reason = api.post(
        "/api/v1/accounts/bulk/owner", {"ids": [family["group"].pk], "owner_id": rep.pk, "reason": ""}
    )
    assert no_reason.status_code == 422 and "reason" in problem_fields(no_reason)
    done = api.post(
        "/api/v1/accounts/bulk/owner", {"ids": [family["group"].pk], "owner_id": rep.pk, "reason": "Holiday"}
    )
    assert done.json() == {"changed": 1, "skipped": 0}
    people = [ContactFactory(owner=admin) for _ in range(2)]
    link = api.post(
        f"/api/v1/contacts/{people[0].pk}/links", {"link_type": "assistant_of", "to_contact_id": people[1].pk}
    )
    assert link.status_code == 201
    assert api.get(f"/api/v1/contacts/{people[1].pk}/links").json()[0]["label"] == "Assisted by"


def test_account_page_loads_owner_and_address_forms_on_demand(client: Any, admin: Any, rep: Any) -> None:
    from crm.contacts.tests.factories import AddressFactory

    account = AccountFactory(owner=admin)
    address = AddressFactory(account=account, city="Sevilla")
    client.force_login(admin)
    page = client.get(reverse("contacts:account_detail", args=[account.pk])).content.decode()
    assert 'name="owner"' not in page and f'name="a{address.pk}-street"' not in page
    assert reverse("contacts:account_owner_form", args=[account.pk]) in page
    owner_form = client.get(reverse("contacts:account_owner_form", args=[account.pk])).content.decode()
    assert 'name="owner"' in owner_form and "Rita Rep" in owner_form
    edit = client.get(reverse("contacts:address_form", args=[address.pk])).content.decode()
    assert f'name="a{address.pk}-city"' in edit and "Sevilla" in edit
    add = client.get(reverse("contacts:account_address_form", args=[account.pk])).content.decode()
    assert 'name="new-street"' in add
    client.force_login(rep)  # may see (team scope) but not change the admin's account
    assert client.get(reverse("contacts:account_owner_form", args=[account.pk])).status_code in (403, 404)


def test_api_create_with_an_address_follows_the_rules_and_names_bad_address_fields(
    admin: Any, rep: Any
) -> None:
    from crm.core.assignment.services import rule_create, territory_create

    madrid = territory_create(
        actor=admin, name="Madrid", countries=["ES"], postal_ranges=[["28000", "28999"]]
    )
    rule_create(actor=admin, name="Madrid", object_type="contacts.account", territory=madrid, user=rep)
    api = ApiClient(admin)
    body = {
        "name": "Castellana SA",
        "address": {"street": "Castellana 1", "postal_code": "28046", "country": "ES"},
    }
    created = api.post("/api/v1/accounts", body)
    assert created.status_code == 201, created.content
    assert created.json()["owner"]["id"] == rep.pk
    bad = api.post("/api/v1/accounts", {"name": "Nowhere SL", "address": {"country": "ES"}})
    assert bad.status_code == 422 and "address.street" in problem_fields(bad)
    assert not Account.objects.filter(name="Nowhere SL").exists()


def test_contact_relationships_panel_adds_a_link_and_refuses_a_self_link(client: Any, admin: Any) -> None:
    boss = ContactFactory(owner=admin, first_name="Marta", last_name="Jefa")
    aide = ContactFactory(owner=admin, first_name="Iván", last_name="Ayudante")
    client.force_login(admin)
    url = reverse("contacts:contact_link_add", args=[aide.pk])
    refused = client.post(url, {"link_type": "reports_to", "to_contact": aide.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "cannot be linked to themselves" in refused.content.decode()
    assert ContactLink.objects.count() == 0
    added = client.post(url, {"link_type": "assistant_of", "to_contact": boss.pk}, HTTP_HX_REQUEST="true")
    assert added.status_code == 200 and "Assistant of" in added.content.decode()
    boss_panel = client.get(reverse("contacts:contact_network", args=[boss.pk])).content.decode()
    assert "Assisted by" in boss_panel and "Iván Ayudante" in boss_panel
    options = client.get(reverse("contacts:contact_picker_options"), {"q": "Marta"}).content.decode()
    assert "Marta Jefa" in options
