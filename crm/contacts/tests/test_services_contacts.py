from __future__ import annotations

import pytest

from crm.contacts.models import Contact, ContactAccount
from crm.contacts.services import (
    account_create,
    contact_bulk_tag,
    contact_create,
    contact_link_account,
    contact_unlink_account,
    contact_update,
)
from crm.core.audit.models import AuditEntry
from crm.core.customfields.services import custom_field_create
from crm.core.errors import InvalidInput, RecordNotFound


@pytest.fixture
def rep(make_user):
    return make_user("sales_rep", team="North")


@pytest.fixture
def admin(make_user):
    return make_user("administrator", team=None)


def test_create_with_account_makes_it_primary_with_the_role(rep):
    account = account_create(actor=rep, name="Acme")
    contact = contact_create(
        actor=rep,
        first_name=" Lucía ",
        last_name="Gómez",
        email="LUCIA@acme.es",
        mobile="+34 600 123 456",
        account=account,
        account_role="billing",
    )
    assert contact.full_name == "Lucía Gómez"
    assert contact.email == "lucia@acme.es"
    assert contact.mobile == "+34600123456"
    assert contact.primary_account == account
    membership = ContactAccount.objects.get(contact=contact)
    assert (membership.account, membership.role, membership.is_primary) == (account, "billing", True)


def test_create_with_account_is_one_created_entry_without_a_separate_account_change(rep):
    account = account_create(actor=rep, name="Acme")

    contact = contact_create(actor=rep, first_name="Ana", account=account)

    entries = AuditEntry.objects.filter(object_type="contacts.contact", object_id=contact.pk)
    assert list(entries.values_list("action", flat=True)) == ["create"]
    membership = ContactAccount.objects.get(contact=contact)
    assert AuditEntry.objects.filter(
        object_type="contacts.contactaccount", object_id=membership.pk, action="create"
    ).exists()


def test_contact_needs_a_name_or_an_email_and_nothing_is_stored(rep):
    with pytest.raises(InvalidInput) as exc:
        contact_create(actor=rep, first_name="  ", other_emails="ok@x.es\nnot-an-email")
    assert "last_name" in exc.value.field_errors
    assert "other_emails" in exc.value.field_errors
    assert not Contact.all_objects.exists()


def test_cannot_attach_a_contact_to_an_account_the_actor_cannot_see(rep, make_user):
    stranger = make_user("sales_rep", team="South")
    hidden = account_create(actor=stranger, name="Hidden")
    with pytest.raises(RecordNotFound):
        contact_create(actor=rep, first_name="Ana", account=hidden)
    assert not Contact.all_objects.exists()


def test_link_second_account_and_unlink_primary_promotes_the_other(rep):
    a1 = account_create(actor=rep, name="One")
    a2 = account_create(actor=rep, name="Two")
    contact = contact_create(actor=rep, first_name="Ana", account=a1)
    contact_link_account(actor=rep, contact=contact, account=a2, role="technical")
    contact_unlink_account(actor=rep, contact=contact, account=a1)
    contact.refresh_from_db()
    assert contact.primary_account == a2
    assert ContactAccount.objects.get(contact=contact).is_primary


def test_custom_fields_are_validated_and_audited(admin, rep):
    custom_field_create(
        actor=admin,
        object_type="contacts.contact",
        key="segment",
        label="Segment",
        field_type="choice",
        choices=[{"value": "smb", "label": "SMB"}, {"value": "ent", "label": "Enterprise"}],
    )
    custom_field_create(
        actor=admin, object_type="contacts.contact", key="score", label="Score", field_type="number"
    )
    contact = contact_create(actor=rep, first_name="Ana", custom={"segment": "smb", "score": "7"})
    assert contact.custom == {"segment": "smb", "score": 7}
    with pytest.raises(InvalidInput) as exc:
        contact_update(actor=rep, contact=contact, custom={"segment": "galactic", "score": "many", "nope": 1})
    assert set(exc.value.field_errors) == {"custom.segment", "custom.score", "custom.nope"}
    contact.refresh_from_db()
    assert contact.custom == {"segment": "smb", "score": 7}
    contact_update(actor=rep, contact=contact, custom={"segment": "ent"})
    entry = AuditEntry.objects.filter(
        object_id=contact.pk, object_type="contacts.contact", action="update"
    ).latest("id")
    assert {"field": "custom.segment", "old": "smb", "new": "ent"} in entry.changes


def test_required_custom_field_is_enforced_on_create(admin, rep):
    custom_field_create(
        actor=admin,
        object_type="contacts.contact",
        key="source",
        label="Source",
        field_type="text",
        is_required=True,
    )
    with pytest.raises(InvalidInput) as exc:
        contact_create(actor=rep, first_name="Ana")
    assert "custom.source" in exc.value.field_errors
    assert not Contact.all_objects.exists()


def test_bulk_tag_adds_tags_only_where_allowed(rep, make_user):
    stranger = make_user("sales_rep", team="South")
    mine = contact_create(actor=rep, first_name="Mine")
    theirs = contact_create(actor=stranger, first_name="Theirs")
    assert contact_bulk_tag(actor=rep, ids=[mine.pk, theirs.pk], tags=["fair-2026"]) == (1, 1)
    assert [t.name for t in mine.tags.all()] == ["fair-2026"]
    assert not theirs.tags.exists()
