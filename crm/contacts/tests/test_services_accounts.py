from __future__ import annotations

import pytest

from crm.contacts.errors import AccountCycle
from crm.contacts.models import Account
from crm.contacts.services import (
    account_assign_owner,
    account_bulk_assign_owner,
    account_create,
    account_delete,
    account_update,
)
from crm.core.audit.models import AuditEntry
from crm.core.audit.services import record_restore
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound


@pytest.fixture
def rep(make_user):
    return make_user("sales_rep", team="North")


@pytest.fixture
def other_rep(make_user):
    return make_user("sales_rep", team="South")


def test_create_normalises_fields_and_audits_who_and_what(rep):
    account = account_create(
        actor=rep,
        name="  Acme   Ibérica ",
        phone="912 345 678",
        website="acme.es",
        email="Info@ACME.es",
        tags=["VIP", "vip", "madrid"],
    )
    assert account.name == "Acme Ibérica"
    assert account.phone == "+34912345678"
    assert account.website == "https://acme.es"
    assert account.email == "info@acme.es"
    assert account.owner == rep
    assert sorted(t.name for t in account.tags.all()) == ["VIP", "madrid"]
    entry = AuditEntry.objects.get(object_type="contacts.account", object_id=account.pk, action="create")
    assert entry.actor == rep
    assert {"field": "name", "old": None, "new": "Acme Ibérica"} in entry.changes


def test_create_rejects_bad_input_naming_each_field_and_stores_nothing(rep):
    with pytest.raises(InvalidInput) as exc:
        account_create(actor=rep, name="", email="not-an-email", phone="12", account_type="martian")
    assert set(exc.value.field_errors) >= {"name", "email", "phone", "account_type"}
    assert not Account.all_objects.exists()
    assert not AuditEntry.objects.exists()


def test_create_refuses_unknown_fields_so_nothing_is_mass_assigned(rep):
    with pytest.raises(InvalidInput) as exc:
        account_create(actor=rep, name="Acme", version=99, deleted_at=None)
    assert set(exc.value.field_errors) == {"version", "deleted_at"}
    assert not Account.all_objects.exists()


def test_sales_rep_cannot_create_an_account_for_someone_else(rep, other_rep):
    with pytest.raises(PermissionDenied):
        account_create(actor=rep, name="Acme", owner=other_rep)
    assert not Account.all_objects.exists()


def test_update_records_old_and_new_values(rep):
    account = account_create(actor=rep, name="Acme")
    account_update(actor=rep, account=account, status="inactive", industry="retail")
    entry = AuditEntry.objects.filter(object_id=account.pk, action="update").latest("id")
    fields = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert fields == {"status": ("active", "inactive"), "industry": ("", "retail")}


def test_another_teams_rep_can_neither_see_nor_change_and_nothing_changes(rep, other_rep):
    account = account_create(actor=rep, name="Acme")
    with pytest.raises(RecordNotFound):
        account_update(actor=other_rep, account=account, name="Hijacked")
    account.refresh_from_db()
    assert account.name == "Acme"
    assert not AuditEntry.objects.filter(object_id=account.pk, action="update").exists()


def test_teammate_may_see_but_not_change_a_reps_account(make_user, rep):
    mate = make_user("sales_rep", team="North")
    account = account_create(actor=rep, name="Acme")
    with pytest.raises(PermissionDenied):
        account_update(actor=mate, account=account, name="Changed")
    account.refresh_from_db()
    assert account.name == "Acme"


def test_manager_changes_records_of_people_who_report_to_them(make_user):
    boss = make_user("sales_manager", team="North")
    rep = make_user("sales_rep", team="North", manager=boss)
    account = account_create(actor=rep, name="Acme")
    account_update(actor=boss, account=account, name="Acme Group")
    account.refresh_from_db()
    assert account.name == "Acme Group"


def test_stale_version_is_refused_and_nothing_changes(rep):
    account = account_create(actor=rep, name="Acme")
    account_update(actor=rep, account=account, expected_version=1, name="Acme 2")
    with pytest.raises(ConcurrentEdit):
        account_update(actor=rep, account=account, expected_version=1, name="Acme 3")
    account.refresh_from_db()
    assert (account.name, account.version) == ("Acme 2", 2)


def test_owner_change_records_who_when_and_why(make_user):
    boss = make_user("sales_manager", team="North")
    rep = make_user("sales_rep", team="North", manager=boss)
    rep2 = make_user("sales_rep", team="North", manager=boss)
    account = account_create(actor=rep, name="Acme")
    account_assign_owner(actor=boss, account=account, owner=rep2, reason="Territory split")
    entry = AuditEntry.objects.filter(object_id=account.pk, action="update").latest("id")
    assert entry.actor == boss
    assert entry.reason == "Territory split"
    change = next(c for c in entry.changes if c["field"] == "owner")
    assert (change["old"], change["new"]) == (rep.pk, rep2.pk)
    assert (change["old_repr"], change["new_repr"]) == (str(rep), str(rep2))


def test_parent_cycle_is_refused(rep):
    parent = account_create(actor=rep, name="Parent")
    child = account_create(actor=rep, name="Child", parent=parent)
    with pytest.raises(InvalidInput) as exc:
        account_update(actor=rep, account=parent, parent=child)
    assert str(AccountCycle.default_message) in exc.value.field_errors["parent"]
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_delete_moves_to_recycle_bin_and_restore_brings_it_back(rep):
    account = account_create(actor=rep, name="Acme")
    account_delete(actor=rep, account=account)
    assert not Account.objects.filter(pk=account.pk).exists()
    assert Account.all_objects.get(pk=account.pk).deleted_at is not None
    record_restore(object_type="contacts.account", object_id=account.pk, actor=rep)
    assert Account.objects.filter(pk=account.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_id=account.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "restore"]


def test_bulk_assign_skips_records_the_actor_may_not_change(make_user, rep, other_rep):
    boss = make_user("sales_manager", team="North")
    rep.manager = boss
    rep.save()
    mine = account_create(actor=rep, name="Mine")
    theirs = account_create(actor=other_rep, name="Theirs")
    changed, skipped = account_bulk_assign_owner(
        actor=boss, ids=[mine.pk, theirs.pk], owner=boss, reason="Holiday"
    )
    assert (changed, skipped) == (1, 1)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.owner == boss
    assert theirs.owner == other_rep
