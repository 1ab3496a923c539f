"""The set-based contact loader on its own (the import wizard covers it end to end in crm.integrations)."""

from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.models import Contact, ContactAccount
from crm.contacts.services.bulk_load import contact_bulk_upsert
from crm.contacts.tests.factories import AccountFactory, ContactFactory, user_with_role


def test_created_ids_follow_the_rows_and_many_keys_match_existing_records(db: Any) -> None:
    admin = user_with_role("administrator")
    account = AccountFactory(name="Acme", owner=admin)
    existing = [ContactFactory(email=f"old{i}@example.com", first_name="Old", owner=admin) for i in range(3)]
    rows: list[dict[str, Any]] = [{"email": f"new{i}@example.com", "first_name": f"N{i}"} for i in range(5)]
    rows += [{"email": c.email, "first_name": "Renamed", "account": "Acme"} for c in existing]

    result = contact_bulk_upsert(actor=admin, rows=rows, update_by="email", default_owner=admin)

    assert result.outcomes == ["created"] * 5 + ["updated"] * 3
    created = dict(Contact.objects.filter(pk__in=result.created_ids).values_list("pk", "email"))
    assert [created[pk] for pk in result.created_ids] == [f"new{i}@example.com" for i in range(5)]
    assert sorted(pk for pk, _previous in result.updated) == sorted(c.pk for c in existing)
    assert set(Contact.objects.filter(first_name="Renamed").values_list("pk", flat=True)) == {
        c.pk for c in existing
    }
    members = ContactAccount.objects.filter(account=account).values_list("contact_id", flat=True)
    assert sorted(members) == sorted(c.pk for c in existing)


def test_a_new_contact_gets_an_id_above_every_existing_one(db: Any) -> None:
    admin = user_with_role("administrator")
    before = ContactFactory(owner=admin).pk
    result = contact_bulk_upsert(
        actor=admin, rows=[{"email": "late@example.com"}], update_by="email", default_owner=admin
    )
    assert result.created_ids and result.created_ids[0] > before
    # the database's own sequence moved on too: an ordinary create does not collide with the loaded id
    assert ContactFactory(owner=admin).pk > result.created_ids[0]


@pytest.mark.parametrize("key", ["email", "external_id"])
def test_a_binned_record_is_never_matched_by_its_key(db: Any, key: str) -> None:
    from django.utils import timezone

    admin = user_with_role("administrator")
    live = ContactFactory(email="ana@example.com", external_id="A-1", first_name="Live", owner=admin)
    live.deleted_at = timezone.now()
    live.save(update_fields=["deleted_at"])
    row = {"email": "ana@example.com", "external_id": "A-1", "first_name": "New"}

    result = contact_bulk_upsert(actor=admin, rows=[row], update_by=key, default_owner=admin)

    assert result.outcomes == ["created"]
    assert Contact.all_objects.get(pk=live.pk).first_name == "Live"
    assert Contact.objects.get().first_name == "New"


def test_upsert_by_external_id_among_many(db: Any) -> None:
    admin = user_with_role("administrator")
    old = ContactFactory(external_id="EXT-7", first_name="Old", owner=admin)
    rows = [{"external_id": f"EXT-{i}", "first_name": f"N{i}"} for i in range(300)]
    result = contact_bulk_upsert(actor=admin, rows=rows, update_by="external_id", default_owner=admin)
    assert result.outcomes.count("updated") == 1 and result.outcomes[7] == "updated"
    assert Contact.objects.get(pk=old.pk).first_name == "N7"
    assert Contact.objects.count() == 300
