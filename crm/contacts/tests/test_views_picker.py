"""The account picker: search-as-you-type suggestions scoped to what the user sees, and the forms that use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.contacts.models import Account, Contact, ContactAccount
from crm.contacts.tests.factories import AccountFactory, TeamFactory, user_with_role

pytestmark = pytest.mark.django_db

OPTIONS_URL = "contacts:account_picker_options"
ERROR = "Choose an account you can see."


@pytest.fixture
def rep():
    return user_with_role("sales_rep", team=TeamFactory(name="North"), full_name="Rita Rep")


@pytest.fixture
def outsider():
    return user_with_role("sales_rep", team=TeamFactory(name="South"), full_name="Otto Outsider")


@pytest.fixture
def as_rep(client, rep):
    client.force_login(rep)
    return client


def content(response) -> str:
    return response.content.decode()


def option_values(body: str) -> list[str]:
    import re

    return re.findall(r'role="option" aria-selected="(?:true|false)" data-value="(\d+)"', body)


# --- the suggestions endpoint ------------------------------------------------------------------------------


def test_picker_suggests_only_visible_accounts_by_name(as_rep, rep, outsider):
    mine = AccountFactory(owner=rep, name="Acme Iberia")
    AccountFactory(owner=outsider, name="Acme Secret")
    AccountFactory(owner=rep, name="Other Co")

    response = as_rep.get(reverse(OPTIONS_URL), {"q": "acme", "selected": str(mine.pk)})
    body = content(response)

    assert response.status_code == 200
    assert option_values(body) == [str(mine.pk)]
    assert "Acme Iberia" in body and "Acme Secret" not in body and "Other Co" not in body
    assert 'aria-selected="true"' in body  # the current value is marked
    assert "<html" not in body  # a fragment


def test_picker_returns_at_most_ten_with_a_constant_query_count(as_rep, rep, django_assert_max_num_queries):
    AccountFactory.create_batch(3, owner=rep, name="Bolt few")
    with django_assert_max_num_queries(6) as few:
        as_rep.get(reverse(OPTIONS_URL), {"q": "bolt"})
    AccountFactory.create_batch(20, owner=rep, name="Bolt many")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = content(as_rep.get(reverse(OPTIONS_URL), {"q": "bolt"}))
    assert len(option_values(body)) == 10


def test_picker_without_text_asks_to_type_and_without_matches_says_so(as_rep, rep):
    AccountFactory(owner=rep, name="Acme")
    empty = content(as_rep.get(reverse(OPTIONS_URL), {"q": ""}))
    none = content(as_rep.get(reverse(OPTIONS_URL), {"q": "zzz"}))
    assert option_values(empty) == [] and "Type a name to search." in empty
    assert option_values(none) == [] and "Nothing found for “zzz”." in none


def test_picker_requires_login(client):
    assert client.get(reverse(OPTIONS_URL), {"q": "a"}).status_code == 302


# --- the forms -----------------------------------------------------------------------------------------------


def test_account_form_has_a_search_picker_not_a_list_of_accounts(as_rep, rep):
    parent = AccountFactory(owner=rep, name="Parent Holding")
    AccountFactory(owner=rep, name="Unrelated Co")
    child = AccountFactory(owner=rep, name="Child Co", parent=parent)

    body = content(as_rep.get(reverse("contacts:account_update", args=[child.pk])))

    assert 'role="combobox"' in body and 'aria-controls="id_parent_listbox"' in body
    assert f'<input type="hidden" name="parent" value="{parent.pk}" data-picker-value>' in body
    assert 'value="Parent Holding"' in body  # the current choice's label
    assert "Unrelated Co" not in body  # no list of accounts
    assert '<select name="parent"' not in body
    assert reverse(OPTIONS_URL) in body


def test_account_create_with_an_invisible_parent_is_refused_and_creates_nothing(as_rep, rep, outsider):
    hidden = AccountFactory(owner=outsider, name="Hidden Parent")

    response = as_rep.post(
        reverse("contacts:account_create"),
        {
            "name": "Sneaky Co",
            "account_type": "customer",
            "status": "active",
            "owner": rep.pk,
            "parent": hidden.pk,
            "parent_label": "Anything",
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["parent"] == [ERROR]
    assert ERROR in content(response)
    assert not Account.all_objects.filter(name="Sneaky Co").exists()


def test_account_update_with_an_invisible_parent_changes_nothing(as_rep, rep, outsider):
    hidden = AccountFactory(owner=outsider, name="Hidden Parent")
    account = AccountFactory(owner=rep, name="Mine Co", phone="")
    version = account.version

    response = as_rep.post(
        reverse("contacts:account_update", args=[account.pk]),
        {
            "name": "Renamed Co",
            "account_type": "customer",
            "status": "active",
            "owner": rep.pk,
            "phone": "+34911111111",
            "parent": hidden.pk,
            "version": version,
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["parent"] == [ERROR]
    account.refresh_from_db()
    assert (account.name, account.phone, account.parent_id, account.version) == ("Mine Co", "", None, version)


def test_inline_parent_edit_with_an_invisible_account_shows_the_error_inline(as_rep, rep, outsider):
    hidden = AccountFactory(owner=outsider, name="Hidden Parent")
    account = AccountFactory(owner=rep, name="Mine Co")

    response = as_rep.post(
        reverse("contacts:account_field", args=[account.pk, "parent"]),
        {"parent": hidden.pk, "version": account.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert ERROR in content(response) and "inline-field--editing" in content(response)
    account.refresh_from_db()
    assert account.parent_id is None


def test_inline_parent_edit_with_a_visible_account_saves_it(as_rep, rep):
    parent = AccountFactory(owner=rep, name="Parent Co")
    account = AccountFactory(owner=rep, name="Mine Co")

    form = content(
        as_rep.get(reverse("contacts:account_field", args=[account.pk, "parent"]), HTTP_HX_REQUEST="true")
    )
    assert 'role="combobox"' in form and "autofocus" in form

    response = as_rep.post(
        reverse("contacts:account_field", args=[account.pk, "parent"]),
        {"parent": parent.pk, "parent_label": "Parent Co", "version": account.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.parent_id == parent.pk


def test_clearing_the_picker_removes_the_parent(as_rep, rep):
    parent = AccountFactory(owner=rep, name="Parent Co")
    account = AccountFactory(owner=rep, name="Mine Co", parent=parent)

    as_rep.post(
        reverse("contacts:account_field", args=[account.pk, "parent"]),
        {"parent": "", "parent_label": "", "version": account.version},
        HTTP_HX_REQUEST="true",
    )

    account.refresh_from_db()
    assert account.parent_id is None


def test_a_non_numeric_account_id_is_a_field_error(as_rep, rep):
    response = as_rep.post(
        reverse("contacts:account_create"),
        {
            "name": "Odd Co",
            "account_type": "customer",
            "status": "active",
            "owner": rep.pk,
            "parent": "abc",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["parent"] == ["Choose an account from the list."]
    assert not Account.all_objects.filter(name="Odd Co").exists()


def test_contact_create_with_an_invisible_account_is_refused_and_creates_nothing(as_rep, rep, outsider):
    hidden = AccountFactory(owner=outsider, name="Hidden Co")

    response = as_rep.post(
        reverse("contacts:contact_create"),
        {
            "first_name": "Ana",
            "last_name": "Sneak",
            "owner": rep.pk,
            "email_consent": "unknown",
            "account": hidden.pk,
            "account_label": "Hidden Co",
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["account"] == [ERROR]
    assert not Contact.all_objects.filter(last_name="Sneak").exists()
    assert not ContactAccount.objects.filter(account=hidden).exists()


def test_contact_create_from_an_account_preselects_it_in_the_picker(as_rep, rep):
    account = AccountFactory(owner=rep, name="Home Co")

    body = content(as_rep.get(reverse("contacts:contact_create"), {"account": account.pk}))

    assert f'<input type="hidden" name="account" value="{account.pk}" data-picker-value>' in body
    assert 'value="Home Co"' in body


def test_contact_create_form_re_renders_the_chosen_label_after_another_error(as_rep, rep):
    account = AccountFactory(owner=rep, name="Chosen Co")

    response = as_rep.post(
        reverse("contacts:contact_create"),
        {
            "owner": rep.pk,
            "email_consent": "unknown",
            "account": account.pk,
            "account_label": "Chosen Co",
        },
    )

    assert response.status_code == 422  # no name nor email
    body = content(response)
    assert f'name="account" value="{account.pk}"' in body and 'value="Chosen Co"' in body
