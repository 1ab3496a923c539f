"""The territory stored on accounts: kept by the services (create, address changes, merge), re-matched by the
job when territories are created, changed, renamed (their order) or deleted; the CLI; lists, API, saved views."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from crm.contacts.enums import RematchStatus
from crm.contacts.models import Account, TerritoryRematch
from crm.contacts.services import account_create, address_add, address_remove, address_update
from crm.contacts.services.territories import (
    account_territory_refresh,
    territory_rematch_request,
    territory_rematch_run,
)
from crm.contacts.tests.factories import AccountFactory, AddressFactory, TeamFactory, user_with_role
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.assignment.services import territory_create, territory_delete, territory_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Any:
    return user_with_role("administrator", team=TeamFactory(name="North"), full_name="Ada Admin")


@pytest.fixture
def iberia() -> Any:
    return territory_create(actor=None, name="Iberia", countries=["ES", "PT"])


@pytest.fixture
def madrid() -> Any:
    return territory_create(actor=None, name="Madrid", countries=["ES"], postal_ranges=[["28000", "28999"]])


def _territory(account: Account) -> int | None:
    return Account.all_objects.values_list("territory_id", flat=True).get(pk=account.pk)


def _run_queued() -> TerritoryRematch:
    run = TerritoryRematch.objects.filter(status=RematchStatus.QUEUED).order_by("-id").first()
    assert run is not None, "a territory change queues a re-match"
    return territory_rematch_run(run_id=run.pk)


# --- kept by the services -------------------------------------------------------------------------------------
def test_account_created_with_an_address_stores_the_first_matching_territory(
    admin: Any, iberia: Any, madrid: Any
) -> None:
    # "Iberia" sorts before "Madrid": the first territory in name order that matches wins
    account = account_create(
        actor=admin, name="Acme", address={"city": "Madrid", "postal_code": "28001", "country": "es"}
    )
    assert account.territory_id == iberia.pk and _territory(account) == iberia.pk
    paris = account_create(actor=admin, name="Paris SA", address={"city": "Paris", "country": "FR"})
    assert paris.territory_id is None
    bare = account_create(actor=admin, name="No address")
    assert bare.territory_id is None


def test_primary_address_changes_move_the_account(admin: Any, iberia: Any) -> None:
    lisbon = territory_create(actor=None, name="Atlantic", countries=["PT"])  # before Iberia in name order
    account = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    assert _territory(account) == iberia.pk
    primary = account.addresses.get()
    address_update(actor=admin, address=primary, country="PT")
    assert _territory(account) == lisbon.pk
    # a second address that is not primary changes nothing; made primary, it decides
    other = address_add(actor=admin, account=account, city="Paris", country="FR")
    assert _territory(account) == lisbon.pk
    address_update(actor=admin, address=other, is_primary=True)
    assert _territory(account) is None
    address_remove(actor=admin, address=other)  # the remaining address stands in
    assert _territory(account) == lisbon.pk
    address_remove(actor=admin, address=primary)
    assert _territory(account) is None


def test_a_bad_address_changes_neither_the_address_nor_the_territory(admin: Any, iberia: Any) -> None:
    from crm.core.errors import InvalidInput

    account = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    with pytest.raises(InvalidInput) as info:
        address_update(actor=admin, address=account.addresses.get(), country="España")
    assert "country" in info.value.field_errors
    assert _territory(account) == iberia.pk
    assert account.addresses.get().country == "ES"


def test_a_merge_moves_the_address_and_its_territory_and_undo_moves_them_back(
    admin: Any, iberia: Any
) -> None:
    from crm.contacts.services.merge import merge_undo, records_merge

    survivor = account_create(actor=admin, name="Acme")  # no address
    merged = account_create(actor=admin, name="Acme SL", address={"city": "Lisboa", "country": "PT"})
    assert (_territory(survivor), _territory(merged)) == (None, iberia.pk)
    merge = records_merge(
        actor=admin, object_type="accounts", survivor_id=survivor.pk, merged_ids=[merged.pk]
    )
    assert (_territory(survivor), _territory(merged)) == (iberia.pk, None)
    merge_undo(actor=admin, merge_id=merge.pk)
    assert (_territory(survivor), _territory(merged)) == (None, iberia.pk)


# --- re-matched when territories change -----------------------------------------------------------------------
def test_creating_a_territory_queues_a_rematch_that_moves_the_accounts(
    admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    account = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    assert _territory(account) is None
    with django_capture_on_commit_callbacks(execute=True):
        spain = territory_create(actor=admin, name="Spain", countries=["ES"])
    assert _territory(account) is None  # the job does it, not the request
    run = _run_queued()
    assert run.status == RematchStatus.DONE and run.changed == 1 and run.percent == 100
    assert _territory(account) == spain.pk


def test_editing_a_territory_moves_accounts_in_and_out(
    admin: Any, iberia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spanish = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    french = account_create(actor=admin, name="Gaule", address={"city": "Paris", "country": "FR"})
    with django_capture_on_commit_callbacks(execute=True):
        territory_update(actor=admin, territory=iberia, countries=["FR"])
    _run_queued()
    assert (_territory(spanish), _territory(french)) == (None, iberia.pk)


def test_a_change_that_does_not_touch_matching_queues_nothing(
    admin: Any, iberia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    TerritoryRematch.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        territory_update(actor=admin, territory=iberia, description="Spain and Portugal")
    assert not TerritoryRematch.objects.exists()


def test_renaming_reorders_the_territories_and_the_first_match_wins(
    admin: Any, iberia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spain = territory_create(actor=None, name="Spain", countries=["ES"])  # after Iberia
    account = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    assert _territory(account) == iberia.pk
    with django_capture_on_commit_callbacks(execute=True):
        territory_update(actor=admin, territory=spain, name="A Spain")  # now first
    _run_queued()
    assert _territory(account) == spain.pk


def test_deleting_a_territory_empties_it_and_the_rematch_finds_the_next_one(
    admin: Any, iberia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    spain = territory_create(actor=None, name="Spain", countries=["ES"])
    account = account_create(actor=admin, name="Acme", address={"city": "Madrid", "country": "ES"})
    assert _territory(account) == iberia.pk
    with django_capture_on_commit_callbacks(execute=True):
        territory_delete(actor=admin, territory=iberia)
    assert _territory(account) is None  # never points at a deleted territory
    _run_queued()
    assert _territory(account) == spain.pk


def test_a_territory_rules_still_use_is_not_deleted_and_nothing_changes(
    admin: Any, iberia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from crm.core.assignment.services import rule_create
    from crm.core.errors import InvalidInput

    rule_create(
        actor=None, name="Iberia to Ada", object_type="contacts.account", territory=iberia, user=admin
    )
    account = account_create(
        actor=admin, owner=admin, name="Acme", address={"city": "Madrid", "country": "ES"}
    )
    TerritoryRematch.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        territory_delete(actor=admin, territory=iberia)
    assert _territory(account) == iberia.pk
    assert not TerritoryRematch.objects.exists()


# --- the job --------------------------------------------------------------------------------------------------
def test_rematch_walks_every_account_in_batches_with_progress(admin: Any, iberia: Any) -> None:
    accounts = [AccountFactory(owner=admin) for _ in range(7)]
    for account in accounts[:5]:
        AddressFactory(account=account, country="PT", is_primary=True)
    AddressFactory(account=accounts[5], country="FR")
    accounts[0].deleted_at = accounts[0].created_at  # in the recycle bin: kept right for a restore
    accounts[0].save(update_fields=["deleted_at"])
    Account.all_objects.filter(pk=accounts[6].pk).update(territory_id=iberia.pk)  # stale: no address any more
    seen: list[int] = []
    run = territory_rematch_request(reason="test")
    done = territory_rematch_run(run_id=run.pk, batch=2, progress=lambda r: seen.append(r.seen))
    assert done.status == RematchStatus.DONE
    assert done.seen == Account.all_objects.count() and done.changed == 6
    assert seen == sorted(seen) and len(seen) >= 4  # one progress line per batch
    assert [_territory(a) for a in accounts] == [iberia.pk] * 5 + [None, None]
    # idempotent: a finished run is left alone, and a new one changes nothing
    assert territory_rematch_run(run_id=run.pk).changed == 6
    again = territory_rematch_run(run_id=territory_rematch_request().pk)
    assert again.status == RematchStatus.DONE and again.changed == 0


def test_a_waiting_run_is_joined_and_a_newer_run_supersedes_a_running_one(admin: Any, iberia: Any) -> None:
    first = territory_rematch_request()
    assert territory_rematch_request().pk == first.pk  # still waiting: joined
    for _ in range(4):
        AddressFactory(account=AccountFactory(owner=admin), country="ES", is_primary=True)
    newer: list[TerritoryRematch] = []

    def progress(run: TerritoryRematch) -> None:
        if not newer:
            newer.append(territory_rematch_request())

    stopped = territory_rematch_run(run_id=first.pk, batch=1, progress=progress)
    assert stopped.status == RematchStatus.SUPERSEDED and stopped.seen == 2
    finished = territory_rematch_run(run_id=newer[0].pk, batch=1)
    assert finished.status == RematchStatus.DONE
    assert set(Account.objects.values_list("territory_id", flat=True)) == {iberia.pk}


def test_refresh_ignores_unknown_ids(iberia: Any) -> None:
    assert account_territory_refresh(account_ids=[987654, None]) == 0  # type: ignore[list-item]


def test_first_migrate_fills_the_territories_of_existing_accounts(admin: Any, iberia: Any) -> None:
    import importlib

    from django.apps import apps

    account = AccountFactory(owner=admin)
    AddressFactory(account=account, country="ES", is_primary=True)
    assert _territory(account) is None  # written behind the services' back
    migration = importlib.import_module("crm.contacts.migrations.0014_fill_account_territories")
    migration.fill_territories(apps, None)
    assert _territory(account) == iberia.pk


def test_cli_rematches_and_reports(admin: Any, iberia: Any, capsys: Any) -> None:
    account = AccountFactory(owner=admin)
    AddressFactory(account=account, country="ES", is_primary=True)
    call_command("territories", "rematch", "--batch", "1")
    out, err = capsys.readouterr()
    assert "done: " in out and "1 changed territory" in out
    assert "%" in err
    assert _territory(account) == iberia.pk


def test_cli_refuses_a_bad_batch_and_changes_nothing(admin: Any, iberia: Any) -> None:
    account = AccountFactory(owner=admin)
    AddressFactory(account=account, country="ES", is_primary=True)
    with pytest.raises(CommandError, match="--batch"):
        call_command("territories", "rematch", "--batch", "lots")
    assert _territory(account) is None and not TerritoryRematch.objects.exists()


# --- lists, API, saved views, the account page -----------------------------------------------------------------
@pytest.fixture
def placed(admin: Any, iberia: Any) -> dict[str, Account]:
    spain = account_create(actor=admin, name="Acme Iberia", address={"city": "Madrid", "country": "ES"})
    france = account_create(actor=admin, name="Gaule", address={"city": "Paris", "country": "FR"})
    return {"spain": spain, "france": france}


def test_api_shows_and_filters_by_territory(admin: Any, iberia: Any, placed: dict[str, Account]) -> None:
    api = ApiClient(admin)
    one = api.get(f"/api/v1/accounts/{placed['spain'].pk}").json()
    assert one["territory"] == {"id": iberia.pk, "name": "Iberia"}
    assert api.get(f"/api/v1/accounts/{placed['france'].pk}").json()["territory"] is None
    listed = api.get("/api/v1/accounts", {"territory": str(iberia.pk)}).json()["items"]
    assert [(a["name"], a["territory"]["name"]) for a in listed] == [("Acme Iberia", "Iberia")]
    nowhere = api.get("/api/v1/accounts", {"territory": "none"}).json()["items"]
    assert [a["name"] for a in nowhere] == ["Gaule"]
    people = api.get("/api/v1/contacts", {"territory": str(iberia.pk)})
    assert people.status_code == 200


@pytest.mark.parametrize("value", ["987654", "abc"])
def test_an_unknown_territory_in_a_filter_is_a_400_and_nothing_changes(
    admin: Any, placed: dict[str, Account], value: str
) -> None:
    api = ApiClient(admin)
    before = list(Account.objects.order_by("pk").values_list("pk", "territory_id", "version"))
    response = api.get("/api/v1/accounts", {"territory": value})
    assert response.status_code == 400
    assert "territory" in problem_fields(response)
    assert api.get("/api/v1/orders", {"territory": value}).status_code == 400
    assert list(Account.objects.order_by("pk").values_list("pk", "territory_id", "version")) == before


def test_account_list_page_has_the_column_filter_and_a_saved_view(
    client: Any, admin: Any, iberia: Any, placed: dict[str, Account]
) -> None:
    from crm.core.savedviews.services import saved_view_create

    client.force_login(admin)
    url = reverse("contacts:account_list")
    page = client.get(url, {"territory": str(iberia.pk), "columns": "territory"}).content.decode()
    assert "Acme Iberia" in page and "Gaule" not in page
    assert f'href="{url}?territory={iberia.pk}"' in page  # the column links to its territory
    assert 'name="territory"' in page  # the filter control
    view = saved_view_create(
        actor=admin, object_type="contacts.account", name="Iberia", query=f"territory={iberia.pk}"
    )
    assert view.query == f"territory={iberia.pk}"
    menu = client.get(url).content.decode()
    assert f'href="{url}?territory={iberia.pk}&amp;view={view.pk}"' in menu  # the views menu opens it
    saved = client.get(f"{url}?{view.query}&view={view.pk}").content.decode()
    assert "Acme Iberia" in saved and "Gaule" not in saved
    bad = client.get(url, {"territory": "987654"})
    assert bad.status_code in (200, 400) and "is not one of the choices" in bad.content.decode()


def test_account_page_shows_its_territory(client: Any, admin: Any, placed: dict[str, Account]) -> None:
    client.force_login(admin)
    page = client.get(placed["spain"].get_absolute_url()).content.decode()
    link = f'href="{reverse("contacts:account_list")}?territory={placed["spain"].territory_id}"'
    assert link in page and ">Iberia<" in page  # the key field links to the accounts of its territory


def test_territory_screen_shows_the_rematch_progress_and_starts_one(
    client: Any, admin: Any, iberia: Any
) -> None:
    client.force_login(admin)
    screen = client.get(reverse("assignment:territory_list")).content.decode()
    assert reverse("contacts:territory_rematch_status") in screen  # composed by URL
    TerritoryRematch.objects.all().delete()
    idle = client.get(reverse("contacts:territory_rematch_status")).content.decode()
    assert "Match all accounts again" in idle and "progress" not in idle
    started = client.post(reverse("contacts:territory_rematch_start")).content.decode()
    assert 'class="progress"' in started and "every 2s" in started  # polls until done
    run = TerritoryRematch.objects.get()
    territory_rematch_run(run_id=run.pk)
    done = client.get(reverse("contacts:territory_rematch_status")).content.decode()
    assert 'data-rematch-status="done"' in done and "every 2s" not in done


def test_only_administrators_see_or_start_the_rematch(client: Any, iberia: Any) -> None:
    TerritoryRematch.objects.all().delete()
    client.force_login(user_with_role("sales_rep", team=TeamFactory(name="South")))
    assert client.get(reverse("contacts:territory_rematch_status")).status_code == 404
    assert client.post(reverse("contacts:territory_rematch_start")).status_code == 404
    assert not TerritoryRematch.objects.exists()
