"""The recycle bin: what is there, restore, delete for good, and the 30-day purge."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from crm.core.audit.models import AuditEntry
from crm.core.audit.services import record_purge, record_restore, recycle_bin_purge
from crm.core.errors import PermissionDenied, RecordNotFound

pytestmark = pytest.mark.django_db


def _account():
    return apps.get_model("contacts", "Account")


def _restore_url(obj) -> str:
    return reverse("audit:record_restore", args=[obj._meta.label_lower, obj.pk])


def _purge_url(obj) -> str:
    return reverse("audit:record_purge", args=[obj._meta.label_lower, obj.pk])


def test_bin_lists_what_the_user_could_delete(client, rep, make_user, contacts):
    mine = contacts.account_create(actor=rep, name="Mine")
    contacts.account_delete(actor=rep, account=mine)
    outsider = make_user("sales_rep", team="South")
    theirs = contacts.account_create(actor=outsider, name="Theirs")
    contacts.account_delete(actor=outsider, account=theirs)
    client.force_login(rep)
    response = client.get(reverse("audit:recycle_bin"))
    assert response.status_code == 200
    items = response.context["items"]
    assert [i.label for i in items] == ["Mine"]
    assert items[0].deleted_by == rep and items[0].days_left == 29
    html = response.content.decode()
    assert "Mine" in html and "Theirs" not in html and "Rita Rep" in html
    assert "Delete for good" not in html  # administrators only


def test_bin_query_count_does_not_grow_with_rows(client, rep, contacts, django_assert_max_num_queries):
    for n in range(3):
        contacts.account_delete(actor=rep, account=contacts.account_create(actor=rep, name=f"A{n}"))
    client.force_login(rep)
    # session, user, permissions, audit entries, roles, and one query per record type the bin lists
    from crm.core.identity.permissions import object_types

    with django_assert_max_num_queries(5 + len(object_types())) as few:
        client.get(reverse("audit:recycle_bin"))
    for n in range(10):
        contacts.account_delete(actor=rep, account=contacts.account_create(actor=rep, name=f"B{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("audit:recycle_bin"))


def test_restore_brings_the_record_back_with_a_link(client, rep, contacts):
    account = contacts.account_create(actor=rep, name="Acme")
    contacts.account_delete(actor=rep, account=account)
    client.force_login(rep)
    response = client.post(_restore_url(account), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["showToast"]["message"] == "“Acme” is restored."
    assert account.get_absolute_url() in response.content.decode()
    assert _account().objects.filter(pk=account.pk).exists()
    assert AuditEntry.objects.filter(object_id=account.pk, action="restore", actor=rep).exists()


def test_restore_without_htmx_goes_to_the_record(client, rep, contacts):
    account = contacts.account_create(actor=rep, name="Acme")
    contacts.account_delete(actor=rep, account=account)
    client.force_login(rep)
    response = client.post(_restore_url(account))
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()


def test_cannot_restore_what_one_could_not_delete(client, rep, make_user, contacts):
    outsider = make_user("sales_rep", team="South")
    theirs = contacts.account_create(actor=outsider, name="Theirs")
    contacts.account_delete(actor=outsider, account=theirs)
    client.force_login(rep)
    assert client.post(_restore_url(theirs)).status_code == 404
    assert not _account().objects.filter(pk=theirs.pk).exists()
    with pytest.raises(RecordNotFound):
        record_restore(object_type="contacts.account", object_id=theirs.pk, actor=rep)


def test_restore_of_a_live_or_unknown_record_is_404(client, rep, contacts):
    account = contacts.account_create(actor=rep, name="Alive")
    client.force_login(rep)
    assert client.post(_restore_url(account)).status_code == 404
    assert client.post(reverse("audit:record_restore", args=["nope.thing", 1])).status_code == 404
    assert client.get(_restore_url(account)).status_code == 405


def test_only_administrators_delete_for_good(client, rep, admin, contacts):
    account = contacts.account_create(actor=rep, name="Acme")
    contacts.account_delete(actor=rep, account=account)
    client.force_login(rep)
    assert client.post(_purge_url(account)).status_code == 403
    assert _account().all_objects.filter(pk=account.pk).exists()
    with pytest.raises(PermissionDenied):
        record_purge(object_type="contacts.account", object_id=account.pk, actor=rep)
    client.force_login(admin)
    assert "Delete for good" in client.get(reverse("audit:recycle_bin")).content.decode()
    response = client.post(_purge_url(account), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert not _account().all_objects.filter(pk=account.pk).exists()
    purge = AuditEntry.objects.get(object_type="contacts.account", object_id=account.pk, action="purge")
    assert purge.actor == admin


def test_purge_deletes_for_good_after_30_days_and_audits_it(rep, contacts):
    old = contacts.account_create(actor=rep, name="Old")
    recent = contacts.account_create(actor=rep, name="Recent")
    alive = contacts.account_create(actor=rep, name="Alive")
    contacts.account_delete(actor=rep, account=old)
    contacts.account_delete(actor=rep, account=recent)
    now = timezone.now()
    _account().all_objects.filter(pk=old.pk).update(deleted_at=now - dt.timedelta(days=31))
    _account().all_objects.filter(pk=recent.pk).update(deleted_at=now - dt.timedelta(days=29))
    assert recycle_bin_purge(now=now) == 1
    assert not _account().all_objects.filter(pk=old.pk).exists()
    assert _account().all_objects.filter(pk=recent.pk).exists()
    assert _account().objects.filter(pk=alive.pk).exists()
    entry = AuditEntry.objects.get(object_type="contacts.account", object_id=old.pk, action="purge")
    assert entry.source == "job" and entry.object_repr == "Old"
    assert recycle_bin_purge(now=now + dt.timedelta(days=2)) == 1  # the next night: "Recent" goes too


def test_empty_bin_says_so(client, rep):
    client.force_login(rep)
    assert "The recycle bin is empty" in client.get(reverse("audit:recycle_bin")).content.decode()
