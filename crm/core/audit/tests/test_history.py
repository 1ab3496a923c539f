"""A record's History panel: who changed what, when, from where, with labels people read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from crm.core.audit.context import audit_context
from crm.core.audit.models import AuditEntry
from crm.core.customfields.services import custom_field_create, parse_choices

pytestmark = pytest.mark.django_db


def _url(account) -> str:
    return reverse("audit:history", args=["contacts.account", account.pk])


def test_history_shows_old_and_new_values_with_field_labels(client, rep, make_user, contacts):
    colleague = make_user("sales_rep", full_name="Carl Colleague")
    account = contacts.account_create(actor=rep, name="Acme", account_type="prospect")
    contacts.account_update(actor=rep, account=account, name="Acme Iberia", account_type="customer")
    contacts.account_assign_owner(
        actor=rep, account=account, owner=colleague, reason="Carl covers Iberia now"
    )
    client.force_login(rep)
    response = client.get(_url(account), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    # newest first: the owner change, then the rename, then the creation
    assert html.index("Carl covers Iberia now") < html.index("Acme Iberia") < html.index("created")
    items = response.context["page"].items
    owner_change = items[0].changes
    assert [(c.label, c.old, c.new) for c in owner_change] == [
        ("Relationship manager", "Rita Rep", "Carl Colleague")
    ]
    assert items[0].reason == "Carl covers Iberia now"
    rename = {c.field: (c.label, c.old, c.new) for c in items[1].changes}
    assert rename["name"] == ("Name", "Acme", "Acme Iberia")
    assert rename["account_type"] == ("Type", "Prospect", "Customer")  # choice labels, not keys
    assert items[1].source_label == "System" and items[1].actor == rep


def test_history_source_and_booleans(client, rep, contacts):
    contact = contacts.contact_create(actor=rep, first_name="Ana", last_name="Ruiz")
    with audit_context(source="import"):
        contacts.contact_update(actor=rep, contact=contact, do_not_call=True, birthday=dt.date(1990, 5, 17))
    client.force_login(rep)
    response = client.get(reverse("audit:history", args=["contacts.contact", contact.pk]))
    item = response.context["page"].items[0]
    assert item.source_label == "Import"
    changes = {c.field: (c.label, c.old, c.new) for c in item.changes}
    assert changes["do_not_call"] == ("Do not call", "No", "Yes")
    assert changes["birthday"][2] == "May 17, 1990"


def test_history_names_custom_fields_by_their_label(client, rep, admin, contacts):
    custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="tier",
        label="Loyalty tier",
        label_es="Nivel",
        field_type="choice",
        choices=parse_choices("gold|Gold|Oro\nsilver|Silver|Plata"),
    )
    account = contacts.account_create(actor=rep, name="Acme", custom={"tier": "silver"})
    contacts.account_update(actor=rep, account=account, custom={"tier": "gold"})
    client.force_login(rep)
    item = client.get(_url(account)).context["page"].items[0]
    assert [(c.label, c.old, c.new) for c in item.changes] == [("Loyalty tier", "Silver", "Gold")]
    client.cookies["crm_language"] = "es"
    item = client.get(_url(account)).context["page"].items[0]
    assert [(c.label, c.old, c.new) for c in item.changes] == [("Nivel", "Plata", "Oro")]


def test_history_of_another_teams_record_is_404(client, rep, make_user, contacts):
    outsider = make_user("sales_rep", team="South")
    account = contacts.account_create(actor=outsider, name="Theirs")
    client.force_login(rep)
    assert client.get(_url(account)).status_code == 404
    client.force_login(outsider)
    assert client.get(_url(account)).status_code == 200


@pytest.mark.parametrize(
    ("object_type", "object_id"),
    [("contacts.account", 999999), ("nope.nothing", 1), ("identity.user", 1), ("contacts", 1)],
)
def test_history_of_unknown_or_unscoped_things_is_404(client, rep, object_type, object_id):
    client.force_login(rep)
    assert client.get(reverse("audit:history", args=[object_type, object_id])).status_code == 404


def test_history_needs_sign_in(client, rep, contacts):
    account = contacts.account_create(actor=rep, name="Acme")
    response = client.get(_url(account))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_history_pages_with_older_button_and_constant_queries(
    client, rep, contacts, django_assert_max_num_queries
):
    account = contacts.account_create(actor=rep, name="Acme 0")
    for n in range(1, 30):
        contacts.account_update(actor=rep, account=account, name=f"Acme {n}")
    client.force_login(rep)
    with django_assert_max_num_queries(7):
        first = client.get(_url(account))
    page = first.context["page"]
    assert len(page.items) == 20 and page.next_cursor
    assert "Older changes" in first.content.decode()
    with django_assert_max_num_queries(7):
        older = client.get(_url(account), {"cursor": page.next_cursor}, HTTP_HX_REQUEST="true")
    rows = older.content.decode()
    assert rows.count('class="history__item') == 10 and "Older changes" not in rows
    assert 'class="history"' not in rows  # only the rows, appended in place of the button
    oldest_shown = page.items[-1].entry
    entries = AuditEntry.objects.filter(object_type="contacts.account", object_id=account.pk).order_by(
        "-at", "-id"
    )
    assert list(entries.values_list("pk", flat=True)[:20]) == [i.entry.pk for i in page.items]
    assert oldest_shown.pk == entries[19].pk
    assert ">Acme 9<" in rows or "Acme 9" in rows  # the 21st newest change is on the second page
    assert client.get(_url(account), {"cursor": "garbage"}).status_code == 400
    from crm.core.listing import encode_cursor

    assert client.get(_url(account), {"cursor": encode_cursor("x", 1)}).status_code == 400


def test_empty_history_says_so(client, rep):
    from django.apps import apps

    account = apps.get_model("contacts", "Account")
    with audit_context():
        created = account.objects.create(name="Quiet", owner=rep)
    AuditEntry.objects.filter(object_id=created.pk).delete()
    client.force_login(rep)
    assert "No changes recorded yet" in client.get(_url(created)).content.decode()
