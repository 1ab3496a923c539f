"""Merging duplicates across apps: fields chosen, related records moved (activities through their merge handler),
history kept, undo restores exactly, a concurrent edit refuses everything, permissions; and the API."""

from __future__ import annotations

from typing import Any

import pytest

from crm.activities.services import activity_create
from crm.contacts import services
from crm.contacts.models import Address, Contact, ContactAccount, Merge
from crm.contacts.services.merge import merge_undo, records_merge
from crm.contacts.tests.factories import user_with_role
from crm.core.api.tests.client import ApiClient
from crm.core.audit.models import AuditEntry
from crm.core.errors import ConcurrentEdit, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Any:
    return user_with_role("administrator")


@pytest.fixture
def pair(admin: Any) -> tuple[Contact, Contact]:
    acme = services.account_create(actor=admin, name="Acme")
    globex = services.account_create(actor=admin, name="Globex")
    a = services.contact_create(
        actor=admin,
        first_name="Lucía",
        last_name="Martínez",
        email="lucia@acme.es",
        account=acme,
        tags=["vip"],
    )
    b = services.contact_create(
        actor=admin,
        first_name="Lucia",
        last_name="Martinez",
        email="lmartinez@gmail.com",
        phone="+34 911 222 333",
        job_title="CFO",
        account=globex,
        tags=["lead"],
    )
    services.address_add(actor=admin, contact=b, street="Calle Mayor 1", city="Madrid", is_primary=True)
    activity_create(actor=admin, kind="note", body="Called about renewal", contact_id=b.pk)
    return a, b


def _snapshot(*contacts: Contact) -> dict[str, Any]:
    from crm.activities.models import Activity

    return {
        "contacts": sorted(
            Contact.all_objects.filter(pk__in=[c.pk for c in contacts]).values_list(
                "pk",
                "first_name",
                "email",
                "phone",
                "job_title",
                "other_emails",
                "deleted_at",
                "primary_account_id",
            )
        ),
        "memberships": sorted(
            ContactAccount.objects.values_list("pk", "contact_id", "account_id", "is_primary")
        ),
        "addresses": sorted(Address.objects.values_list("pk", "contact_id", "is_primary")),
        "activities": sorted(Activity.all_objects.values_list("pk", "contact_id")),
        "tags": sorted(
            (c.pk, t)
            for c in contacts
            for t in Contact.all_objects.get(pk=c.pk).tags.values_list("name", flat=True)
        ),
    }


def test_merge_takes_chosen_fields_moves_everything_and_keeps_history(admin: Any, pair: Any) -> None:
    from crm.activities.models import Activity

    a, b = pair
    merge = records_merge(
        actor=admin,
        object_type="contacts",
        survivor_id=a.pk,
        merged_ids=[b.pk],
        field_sources={"first_name": a.pk, "email": b.pk},
        expected_versions={a.pk: a.version, b.pk: b.version},
    )
    a.refresh_from_db()
    assert a.email == "lmartinez@gmail.com"  # chosen from b
    assert a.first_name == "Lucía"  # chosen from a
    assert a.job_title == "CFO" and a.phone == "+34911222333"  # empty on the survivor: filled from b
    assert a.other_emails == ["lucia@acme.es"]  # the email not chosen is kept
    assert set(ContactAccount.objects.filter(contact=a).values_list("account__name", flat=True)) == {
        "Acme",
        "Globex",
    }
    assert Address.objects.get().contact_id == a.pk
    assert Activity.objects.get().contact_id == a.pk
    assert set(a.tags.values_list("name", flat=True)) == {"vip", "lead"}
    gone = Contact.all_objects.get(pk=b.pk)
    assert gone.deleted_at is not None and gone.deletion_batch == merge.deletion_batch
    deleted = AuditEntry.objects.filter(object_type="contacts.contact", object_id=b.pk, action="delete").get()
    assert f"#{a.pk}" in deleted.reason
    changes = [
        (c["field"], c["new"], e.reason)
        for e in AuditEntry.objects.filter(object_type="contacts.contact", object_id=a.pk, action="update")
        for c in e.changes
    ]
    assert any(f == "email" and new == "lmartinez@gmail.com" and f"#{b.pk}" in why for f, new, why in changes)


def test_undo_restores_exactly(admin: Any, pair: Any) -> None:
    a, b = pair
    before = _snapshot(a, b)
    merge = records_merge(actor=admin, object_type="contacts", survivor_id=a.pk, merged_ids=[b.pk])
    assert _snapshot(a, b) != before
    merge_undo(actor=admin, merge_id=merge.pk)
    assert _snapshot(a, b) == before
    assert Merge.objects.get().is_undone


def test_concurrent_edit_refuses_the_merge_and_changes_nothing(admin: Any, pair: Any) -> None:
    a, b = pair
    seen = {a.pk: a.version, b.pk: b.version}
    services.contact_update(actor=admin, contact=b, job_title="CEO")  # someone else edits b meanwhile
    before = _snapshot(a, b)
    with pytest.raises(ConcurrentEdit):
        records_merge(
            actor=admin, object_type="contacts", survivor_id=a.pk, merged_ids=[b.pk], expected_versions=seen
        )
    assert _snapshot(a, b) == before
    assert not Merge.objects.exists()


def test_merge_needs_change_on_survivor_and_delete_on_the_others(admin: Any, pair: Any) -> None:
    a, b = pair
    reader = user_with_role("read_only")
    before = _snapshot(a, b)
    with pytest.raises((PermissionDenied, Exception)) as exc:
        records_merge(actor=reader, object_type="contacts", survivor_id=a.pk, merged_ids=[b.pk])
    assert exc.type.__name__ in {"PermissionDenied", "RecordNotFound"}
    assert _snapshot(a, b) == before


def test_api_merge_and_undo(admin: Any, pair: Any) -> None:
    a, b = pair
    api = ApiClient(admin)
    stale = api.post(
        "/api/v1/duplicates/contacts/merge",
        {
            "survivor_id": a.pk,
            "merged_ids": [b.pk],
            "versions": {str(a.pk): a.version, str(b.pk): b.version + 1},
        },
    )
    assert stale.status_code == 409, stale.content
    assert stale.json()["code"] == "conflict"
    response = api.post(
        "/api/v1/duplicates/contacts/merge",
        {
            "survivor_id": a.pk,
            "merged_ids": [b.pk],
            "fields": {"email": b.pk},
            "versions": {str(a.pk): a.version, str(b.pk): b.version},
        },
    )
    assert response.status_code == 201, response.content
    assert Contact.objects.get(pk=a.pk).email == "lmartinez@gmail.com"
    bad = api.post(
        "/api/v1/duplicates/contacts/merge",
        {"survivor_id": a.pk, "merged_ids": [b.pk], "fields": {"owner_id": a.pk}, "versions": {}},
    )
    assert bad.status_code in {404, 409, 422}
    undo = api.post(f"/api/v1/duplicates/merges/{response.json()['id']}/undo")
    assert undo.status_code == 200, undo.content
    assert Contact.objects.filter(pk=b.pk).exists()


def test_api_create_warns_of_likely_duplicate_with_409(admin: Any, pair: Any) -> None:
    a, _b = pair
    api = ApiClient(admin)
    count = Contact.objects.count()
    response = api.post(
        "/api/v1/contacts", {"first_name": "LUCIA", "last_name": "martinez", "email": "Lucia@Acme.es"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "likely_duplicate"
    assert a.pk in [c["id"] for c in body["candidates"]]
    assert Contact.objects.count() == count
    ok = api.post(
        "/api/v1/contacts?allow_duplicate=true",
        {"first_name": "Lucia", "last_name": "Martinez", "email": "lucia@acme.es"},
    )
    assert ok.status_code == 201


def test_merge_fills_custom_fields_the_survivor_lacks(admin: Any) -> None:
    from crm.core.customfields.services import custom_field_create

    custom_field_create(
        actor=admin, object_type="contacts.contact", key="shoe", label="Shoe size", field_type="text"
    )
    custom_field_create(
        actor=admin, object_type="contacts.contact", key="team", label="Team", field_type="text"
    )
    a = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz", custom={"team": "Red"})
    b = services.contact_create(
        actor=admin, first_name="Ana", last_name="Ruiz", custom={"shoe": "38", "team": "Blue"}
    )
    records_merge(actor=admin, object_type="contacts", survivor_id=a.pk, merged_ids=[b.pk])
    a.refresh_from_db()
    assert a.custom == {"shoe": "38", "team": "Red"}


def test_account_merge_moves_people_subsidiaries_and_activities_and_undo_restores(admin: Any) -> None:
    from crm.activities.models import Activity

    acme = services.account_create(actor=admin, name="Acme, S.L.", tax_id="B123")
    dup = services.account_create(actor=admin, name="ACME", tax_id="B123", website="acme.es")
    child = services.account_create(actor=admin, name="Acme Norte", parent=dup)
    person = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz", account=dup)
    both = services.contact_create(actor=admin, first_name="Leo", last_name="Sanz", account=acme)
    services.contact_link_account(actor=admin, contact=both, account=dup, role="billing")
    activity_create(actor=admin, kind="note", body="Visit", account_id=dup.pk)

    def state() -> Any:
        return (
            sorted(
                ContactAccount.objects.values_list("pk", "contact_id", "account_id", "role", "is_primary")
            ),
            sorted(Contact.objects.values_list("pk", "primary_account_id")),
            sorted(Activity.all_objects.values_list("pk", "account_id")),
            parent_of(child.pk),
        )

    def parent_of(pk: int) -> Any:
        from crm.contacts.models import Account

        return Account.all_objects.get(pk=pk).parent_id

    before = state()
    merge = records_merge(actor=admin, object_type="accounts", survivor_id=acme.pk, merged_ids=[dup.pk])
    acme.refresh_from_db()
    assert acme.website == "https://acme.es"  # filled from the merged-away account
    assert Contact.objects.get(pk=person.pk).primary_account_id == acme.pk
    assert set(ContactAccount.objects.filter(account=acme).values_list("contact_id", flat=True)) == {
        person.pk,
        both.pk,
    }
    assert Activity.objects.get().account_id == acme.pk
    assert parent_of(child.pk) == acme.pk
    merge_undo(actor=admin, merge_id=merge.pk)
    assert state() == before


def test_undo_is_refused_after_the_survivor_changed(admin: Any, pair: Any) -> None:
    a, b = pair
    merge = records_merge(actor=admin, object_type="contacts", survivor_id=a.pk, merged_ids=[b.pk])
    services.contact_update(actor=admin, contact=Contact.objects.get(pk=a.pk), job_title="Boss")
    with pytest.raises(ConcurrentEdit):
        merge_undo(actor=admin, merge_id=merge.pk)
    assert not Contact.objects.filter(pk=b.pk).exists()
    assert not Merge.objects.get().is_undone


def test_api_queue_dismiss_and_scan(admin: Any, pair: Any) -> None:
    from crm.contacts.services.duplicates import duplicate_scan
    from crm.contacts.tasks import duplicate_scan_task

    a, b = pair
    services.contact_update(actor=admin, contact=b, email="lucia@acme.es")
    assert duplicate_scan_task.call(object_type="contacts") == 1
    api = ApiClient(admin)
    page = api.get("/api/v1/duplicates/contacts/pairs")
    assert page.status_code == 200
    assert [(p["record_a"], p["record_b"]) for p in page.json()["items"]] == [(a.pk, b.pk)]
    assert "same_email" in page.json()["items"][0]["reasons"]
    assert api.get("/api/v1/duplicates/contacts/pairs", {"cursor": "nonsense"}).status_code == 400
    assert api.get("/api/v1/duplicates/people/pairs").status_code in {400, 422}
    bad = api.post("/api/v1/duplicates/contacts/dismiss", {"ids": [a.pk]})
    assert bad.status_code == 422
    ok = api.post("/api/v1/duplicates/contacts/dismiss", {"ids": [a.pk, b.pk]})
    assert ok.status_code == 200
    assert api.get("/api/v1/duplicates/contacts/pairs").json()["items"] == []
    assert duplicate_scan(object_type="contacts").matches == []
    started = api.post("/api/v1/duplicates/contacts/scan")
    assert started.status_code == 202 and started.json()["task_id"]
    rep = user_with_role("sales_rep")
    assert ApiClient(rep).post("/api/v1/duplicates/contacts/scan").status_code == 403


def test_cli_auto_merge_merges_only_above_the_threshold(admin: Any) -> None:
    import io

    from django.core.management import call_command

    sure_a = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz", email="ana@ruiz.es")
    sure_b = services.contact_create(actor=admin, first_name="ANA", last_name="RUIZ", email="ana@ruiz.es")
    maybe_a = services.contact_create(actor=admin, first_name="Leo", last_name="Sanz")
    maybe_b = services.contact_create(actor=admin, first_name="Leo", last_name="Sanz")
    err = io.StringIO()
    call_command(
        "duplicates", "scan", "--object", "contacts", "--auto-merge", stdout=io.StringIO(), stderr=err
    )
    assert "1 pairs merged automatically" in err.getvalue()
    assert not Contact.objects.filter(pk=sure_b.pk).exists() and Contact.objects.filter(pk=sure_a.pk).exists()
    assert Contact.objects.filter(pk__in=[maybe_a.pk, maybe_b.pk]).count() == 2
    assert Merge.objects.get().is_automatic


def test_cli_merge_and_undo_and_their_bad_input(admin: Any, pair: Any) -> None:
    import io

    from django.core.management import CommandError, call_command

    a, b = pair
    before = _snapshot(a, b)
    with pytest.raises(CommandError, match="--merge must be record ids"):
        call_command("duplicates", "merge", "--object", "contacts", "--survivor", str(a.pk), "--merge", "x")
    with pytest.raises(CommandError, match="Not found"):
        call_command(
            "duplicates", "merge", "--object", "contacts", "--survivor", str(a.pk), "--merge", "999999"
        )
    with pytest.raises(CommandError, match="at least one other record"):
        call_command(
            "duplicates", "merge", "--object", "contacts", "--survivor", str(a.pk), "--merge", str(a.pk)
        )
    with pytest.raises(CommandError, match="Not found"):
        call_command("duplicates", "undo", "999999")
    assert _snapshot(a, b) == before and not Merge.objects.exists()
    err = io.StringIO()
    call_command(
        "duplicates",
        "merge",
        "--object",
        "contacts",
        "--survivor",
        str(a.pk),
        "--merge",
        str(b.pk),
        stderr=err,
    )
    merge = Merge.objects.get()
    assert f"undo with `crm duplicates undo {merge.pk}`" in err.getvalue()
    call_command("duplicates", "undo", str(merge.pk), stderr=io.StringIO())
    assert _snapshot(a, b) == before


def test_merge_moves_typed_links_to_the_survivor_and_undo_puts_them_back(admin: Any) -> None:
    from crm.contacts.models import AccountLink, ContactLink
    from crm.contacts.services.network import account_link_create, contact_link_create

    acme = services.account_create(actor=admin, name="Acme")
    dup = services.account_create(actor=admin, name="ACME Iberia")
    dealer = services.account_create(actor=admin, name="Dealer")
    rival = services.account_create(actor=admin, name="Rival")
    account_link_create(actor=admin, from_account=dealer, to_account=dup, link_type="distributor")
    account_link_create(actor=admin, from_account=dup, to_account=rival, link_type="competitor")
    account_link_create(actor=admin, from_account=rival, to_account=acme, link_type="competitor")  # kept once
    account_link_create(
        actor=admin, from_account=acme, to_account=dup, link_type="partner"
    )  # would be a self-link
    boss = services.contact_create(actor=admin, first_name="Eva", last_name="Jefa")
    ana = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz")
    ana_dup = services.contact_create(actor=admin, first_name="Ana", last_name="Ruíz")
    contact_link_create(actor=admin, from_contact=ana_dup, to_contact=boss, link_type="reports_to")

    def links() -> Any:
        return (
            sorted(AccountLink.objects.values_list("pk", "from_account_id", "to_account_id", "link_type")),
            sorted(ContactLink.objects.values_list("pk", "from_contact_id", "to_contact_id", "link_type")),
        )

    before = links()
    account_merge = records_merge(
        actor=admin, object_type="accounts", survivor_id=acme.pk, merged_ids=[dup.pk]
    )
    contact_merge = records_merge(
        actor=admin, object_type="contacts", survivor_id=ana.pk, merged_ids=[ana_dup.pk]
    )

    accounts_now = {(f, t, k) for _pk, f, t, k in links()[0]}
    assert (dealer.pk, acme.pk, "distributor") in accounts_now
    assert (rival.pk, acme.pk, "competitor") in accounts_now  # already linked: the merged one stays behind
    assert (dup.pk, rival.pk, "competitor") in accounts_now
    assert (acme.pk, rival.pk, "competitor") not in accounts_now  # competitors both ways: one link
    assert (acme.pk, dup.pk, "partner") in accounts_now  # not turned into a link from acme to itself
    assert {(f, t) for _pk, f, t, _k in links()[1]} == {(ana.pk, boss.pk)}
    merge_undo(actor=admin, merge_id=contact_merge.pk)
    merge_undo(actor=admin, merge_id=account_merge.pk)
    assert links() == before


def test_account_merge_moves_opportunities_and_contact_links_and_undo_restores(admin: Any) -> None:
    from crm.sales.models import Opportunity, OpportunityContact
    from crm.sales.tests.factories import make_opportunity, make_pipeline

    pipeline = make_pipeline()
    acme = services.account_create(actor=admin, name="Acme, S.L.", tax_id="B123")
    dup = services.account_create(actor=admin, name="ACME", tax_id="B123")
    deal = make_opportunity(pipeline=pipeline, owner=admin, account=dup, name="Deal")
    ana = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz", account=acme)
    ana2 = services.contact_create(actor=admin, first_name="Ana", last_name="Ruiz", account=dup)
    OpportunityContact.objects.create(opportunity=deal, contact=ana2)

    def state() -> Any:
        return (
            sorted(Opportunity.all_objects.values_list("pk", "account_id")),
            sorted(OpportunityContact.objects.values_list("opportunity_id", "contact_id")),
        )

    before = state()
    account_merge = records_merge(
        actor=admin, object_type="accounts", survivor_id=acme.pk, merged_ids=[dup.pk]
    )
    assert Opportunity.objects.get(pk=deal.pk).account_id == acme.pk
    contact_merge = records_merge(
        actor=admin, object_type="contacts", survivor_id=ana.pk, merged_ids=[ana2.pk]
    )
    assert list(OpportunityContact.objects.values_list("contact_id", flat=True)) == [ana.pk]
    merge_undo(actor=admin, merge_id=contact_merge.pk)
    merge_undo(actor=admin, merge_id=account_merge.pk)
    assert state() == before
