"""Duplicates pages: the warning panel and the create/edit forms, the review queue, merge screen, undo."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from crm.contacts import services
from crm.contacts.enums import DuplicateStatus
from crm.contacts.models import Contact, DuplicateCandidate, Merge
from crm.contacts.services.duplicates import duplicate_scan
from crm.contacts.tests.factories import TeamFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Any:
    return user_with_role("administrator", team=TeamFactory(name="North"))


@pytest.fixture
def as_admin(client: Any, admin: Any) -> Any:
    client.force_login(admin)
    return client


@pytest.fixture
def lucia(admin: Any) -> Contact:
    return services.contact_create(
        actor=admin, first_name="Lucía", last_name="Martínez", email="lucia@acme.es"
    )


def test_panel_lists_likely_duplicates_while_typing(as_admin: Any, lucia: Contact) -> None:
    response = as_admin.post(
        reverse("contacts:duplicate_check"),
        {"object": "contacts", "first_name": "lucia", "last_name": "martinez", "email": "LUCIA@acme.es"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert lucia.get_absolute_url() in html
    assert 'name="allow_duplicate"' in html
    nothing = as_admin.post(
        reverse("contacts:duplicate_check"), {"object": "contacts", "first_name": "Pedro"}
    )
    assert nothing.content.decode().strip() == ""
    # editing the record itself does not warn about itself
    itself = as_admin.post(
        reverse("contacts:duplicate_check"),
        {"object": "contacts", "exclude": str(lucia.pk), "first_name": "Lucía", "last_name": "Martínez"},
    )
    assert itself.content.decode().strip() == ""


def test_create_form_refuses_a_likely_duplicate_until_confirmed(
    as_admin: Any, admin: Any, lucia: Contact
) -> None:
    url = reverse("contacts:contact_create")
    data = {
        "first_name": "Lucia",
        "last_name": "Martinez",
        "email": "lucia@acme.es",
        "email_consent": "unknown",
        "owner": admin.pk,
    }
    page = as_admin.get(url).content.decode()
    assert 'id="duplicate-warning"' in page and reverse("contacts:duplicate_check") in page
    refused = as_admin.post(url, data)
    assert refused.status_code == 422
    assert "already exists" in refused.content.decode()
    assert Contact.objects.count() == 1
    created = as_admin.post(url, {**data, "allow_duplicate": "1"})
    assert created.status_code == 302
    assert Contact.objects.count() == 2


def test_edit_form_warns_only_when_identity_changes(as_admin: Any, admin: Any, lucia: Contact) -> None:
    other = services.contact_create(actor=admin, first_name="Pedro", last_name="Sanz", email="pedro@acme.es")
    url = reverse("contacts:contact_update", args=[other.pk])
    base = {"first_name": "Pedro", "last_name": "Sanz", "email_consent": "unknown", "owner": admin.pk}
    base["version"] = other.version
    assert as_admin.post(url, {**base, "email": "pedro@acme.es", "job_title": "CEO"}).status_code == 302
    other.refresh_from_db()
    refused = as_admin.post(
        url,
        {
            **base,
            "first_name": "Lucía",
            "last_name": "Martínez",
            "email": "lucia@acme.es",
            "version": other.version,
        },
    )
    assert refused.status_code == 422
    other.refresh_from_db()
    assert other.first_name == "Pedro" and other.job_title == "CEO"


def test_queue_merge_and_undo_through_the_pages(as_admin: Any, admin: Any, lucia: Contact) -> None:
    twin = services.contact_create(
        actor=admin, first_name="Lucia", last_name="Martinez", email="lucia@acme.es", phone="911222333"
    )
    duplicate_scan(object_type="contacts")
    queue = as_admin.get(reverse("contacts:duplicate_queue") + "?object=contacts").content.decode()
    assert lucia.get_absolute_url() in queue and twin.get_absolute_url() in queue
    merge_url = reverse("contacts:duplicate_merge")
    page = as_admin.get(merge_url, {"object": "contacts", "ids": f"{lucia.pk},{twin.pk}"})
    assert page.status_code == 200
    assert f'name="version_{twin.pk}"' in page.content.decode()
    response = as_admin.post(
        merge_url,
        {
            "object": "contacts",
            "ids": f"{lucia.pk},{twin.pk}",
            "survivor": str(lucia.pk),
            "field_first_name": str(twin.pk),
            f"version_{lucia.pk}": lucia.version,
            f"version_{twin.pk}": twin.version,
        },
    )
    merge = Merge.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contacts:duplicate_merge_detail", args=[merge.pk]
    )
    detail = as_admin.get(response["Location"]).content.decode()
    assert f"#{twin.pk}" in detail and "Undo merge" in detail
    lucia.refresh_from_db()
    assert lucia.first_name == "Lucia" and lucia.phone == "+34911222333"
    assert not Contact.objects.filter(pk=twin.pk).exists()
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    as_admin.post(reverse("contacts:duplicate_merge_undo", args=[merge.pk]))
    lucia.refresh_from_db()
    assert lucia.first_name == "Lucía" and lucia.phone == ""
    assert Contact.objects.filter(pk=twin.pk).exists()


def test_merge_page_refuses_after_a_concurrent_edit_and_changes_nothing(
    as_admin: Any, admin: Any, lucia: Contact
) -> None:
    twin = services.contact_create(actor=admin, first_name="Lucia", last_name="Martinez", email="l@acme.es")
    versions = {f"version_{lucia.pk}": lucia.version, f"version_{twin.pk}": twin.version}
    services.contact_update(actor=admin, contact=twin, job_title="CFO")
    response = as_admin.post(
        reverse("contacts:duplicate_merge"),
        {"object": "contacts", "ids": f"{lucia.pk},{twin.pk}", "survivor": str(lucia.pk), **versions},
    )
    assert response.status_code == 409
    assert "changed after you opened the merge" in response.content.decode()
    assert Contact.objects.filter(pk=twin.pk).exists() and not Merge.objects.exists()
    lucia.refresh_from_db()
    assert lucia.job_title == ""


def test_merge_needs_delete_permission_on_the_others(client: Any, admin: Any, lucia: Contact) -> None:
    twin = services.contact_create(actor=admin, first_name="Lucia", last_name="Martinez", email="l@acme.es")
    reader = user_with_role("read_only", team=TeamFactory(name="North"))
    client.force_login(reader)
    response = client.post(
        reverse("contacts:duplicate_merge"),
        {
            "object": "contacts",
            "ids": f"{lucia.pk},{twin.pk}",
            "survivor": str(lucia.pk),
            f"version_{lucia.pk}": lucia.version,
            f"version_{twin.pk}": twin.version,
        },
    )
    assert response.status_code in {403, 404}
    assert Contact.objects.filter(pk=twin.pk).exists() and not Merge.objects.exists()


def test_not_a_duplicate_from_the_queue(as_admin: Any, admin: Any, lucia: Contact) -> None:
    twin = services.contact_create(
        actor=admin, first_name="Lucia", last_name="Martinez", email="lucia@acme.es"
    )
    duplicate_scan(object_type="contacts")
    as_admin.post(
        reverse("contacts:duplicate_not_duplicate"), {"object": "contacts", "ids": f"{lucia.pk},{twin.pk}"}
    )
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.DISMISSED
    queue = as_admin.get(reverse("contacts:duplicate_queue")).content.decode()
    assert twin.get_absolute_url() not in queue
    bad = as_admin.post(
        reverse("contacts:duplicate_not_duplicate"), {"object": "contacts", "ids": "x"}, follow=True
    )
    assert "Choose at least two records." in bad.content.decode()


def test_merged_away_record_shows_in_the_recycle_bin_as_merged_into_the_survivor(
    as_admin: Any, admin: Any, lucia: Contact
) -> None:
    from crm.contacts.services.merge import records_merge

    twin = services.contact_create(actor=admin, first_name="Lucia", last_name="Martinez", email="l@acme.es")
    records_merge(actor=admin, object_type="contacts", survivor_id=lucia.pk, merged_ids=[twin.pk])
    page = as_admin.get(reverse("audit:recycle_bin")).content.decode()
    assert "Lucia Martinez" in page and f"Merged into #{lucia.pk}" in page


def test_queue_offers_a_group_of_three_for_one_merge(as_admin: Any, admin: Any, lucia: Contact) -> None:
    twin = services.contact_create(
        actor=admin, first_name="Lucia", last_name="Martinez", email="lucia@acme.es"
    )
    third = services.contact_create(
        actor=admin, first_name="LUCIA", last_name="MARTINEZ", email="lucia@acme.es"
    )
    duplicate_scan(object_type="contacts")
    queue = as_admin.get(reverse("contacts:duplicate_queue")).content.decode()
    assert f"ids={lucia.pk},{twin.pk},{third.pk}" in queue and "(+1 more)" in queue
    page = as_admin.get(
        reverse("contacts:duplicate_merge"), {"object": "contacts", "ids": f"{lucia.pk},{twin.pk},{third.pk}"}
    )
    assert page.status_code == 200 and f'name="version_{third.pk}"' in page.content.decode()
