"""The shared list engine (crm.core.listing) driven through the account and contact lists."""

from __future__ import annotations

import pytest

from crm.contacts.models import Account
from crm.contacts.selectors import account_count, account_list, contact_list
from crm.contacts.services import account_create, contact_create
from crm.contacts.tests.factories import user_with_role
from crm.core.customfields.services import custom_field_create
from crm.core.errors import InvalidInput
from crm.core.listing import capped_count, decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return user_with_role("administrator")


def _names(page):
    return [a.name for a in page.items]


def test_keyset_pages_walk_every_row_once_even_with_equal_sort_values(admin):
    for i in range(7):
        account_create(actor=admin, name="Same name" if i % 2 else f"Acme {i}")
    seen, cursor = [], None
    while True:
        page = account_list(user=admin, params={}, sort="name", cursor=cursor, limit=2)
        seen.extend(a.pk for a in page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == 7 == len(set(seen))
    names = list(Account.objects.filter(pk__in=seen).order_by("name", "id").values_list("pk", flat=True))
    assert seen == names


def test_descending_sort_by_date(admin):
    first = account_create(actor=admin, name="First")
    second = account_create(actor=admin, name="Second")
    page = account_list(user=admin, params={}, sort="-created_at", limit=1)
    assert page.items == [second]
    page2 = account_list(user=admin, params={}, sort="-created_at", cursor=page.next_cursor, limit=1)
    assert page2.items == [first]


def test_filters_combine_choices_owner_me_tags_and_text(admin):
    other = user_with_role("sales_manager")
    account_create(actor=admin, name="Acme", account_type="customer", tags=["vip"])
    account_create(actor=admin, name="Beta", account_type="partner", tags=["vip"])
    account_create(actor=admin, name="Gamma", account_type="customer", owner=other)
    assert _names(account_list(user=admin, params={"account_type": "customer"})) == ["Acme", "Gamma"]
    assert _names(account_list(user=admin, params={"account_type": "customer,partner", "owner": "me"})) == [
        "Acme",
        "Beta",
    ]
    assert _names(account_list(user=admin, params={"tag": "vip", "account_type": "partner"})) == ["Beta"]
    assert _names(account_list(user=admin, params={"q": "amm"})) == ["Gamma"]


def test_custom_field_filters_by_type(admin):
    custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="tier",
        label="Tier",
        field_type="choice",
        choices=[{"value": "gold"}, {"value": "silver"}],
    )
    custom_field_create(
        actor=admin, object_type="contacts.account", key="seats", label="Seats", field_type="number"
    )
    custom_field_create(
        actor=admin, object_type="contacts.account", key="renewal", label="Renewal", field_type="date"
    )
    account_create(actor=admin, name="Big", custom={"tier": "gold", "seats": 120, "renewal": "2027-01-31"})
    account_create(actor=admin, name="Small", custom={"tier": "silver", "seats": 8, "renewal": "2026-12-01"})
    assert _names(account_list(user=admin, params={"custom.tier": "gold"})) == ["Big"]
    assert _names(account_list(user=admin, params={"custom.seats__gte": "100"})) == ["Big"]
    assert _names(account_list(user=admin, params={"custom.renewal__lte": "2026-12-31"})) == ["Small"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"account_type": "martian"}, "account_type"),
        ({"created_at__gte": "yesterday"}, "created_at__gte"),
        ({"owner": "abc"}, "owner"),
        ({"custom.nope": "1"}, "custom.nope"),
        ({"name__regex": ".*"}, "name__regex"),
    ],
)
def test_bad_filters_name_the_parameter(admin, params, field):
    with pytest.raises(InvalidInput) as exc:
        account_list(user=admin, params=params)
    assert field in exc.value.field_errors


def test_bad_sort_limit_and_cursor_are_clear_errors(admin):
    with pytest.raises(InvalidInput) as exc:
        account_list(user=admin, params={}, sort="password")
    assert "sort" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        account_list(user=admin, params={}, limit="5000")
    assert "limit" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        account_list(user=admin, params={}, cursor="garbage!!")
    assert "cursor" in exc.value.field_errors


def test_cursor_round_trips_datetimes():
    import datetime as dt

    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(when, 42)) == (when, 42)


def test_count_is_capped_instead_of_counting_everything(admin):
    for i in range(5):
        account_create(actor=admin, name=f"A{i}")
    assert account_count(user=admin, params={}) == (5, False)
    assert capped_count(Account.objects.all(), cap=3) == (3, True)


def test_lists_only_show_what_the_user_may_see(admin):
    north = user_with_role("sales_rep", team=None)
    mine = contact_create(actor=north, first_name="Mine")
    contact_create(actor=admin, first_name="Admin's")
    assert [c.pk for c in contact_list(user=north, params={}).items] == [mine.pk]


def test_date_filters_on_datetime_columns_cover_whole_local_days(admin):
    import datetime as dt

    from django.utils import timezone

    account = account_create(actor=admin, name="Dated")
    today = timezone.localdate()
    assert _names(account_list(user=admin, params={"created_at__gte": today.isoformat()})) == ["Dated"]
    assert _names(account_list(user=admin, params={"created_at__lte": today.isoformat()})) == ["Dated"]
    assert _names(account_list(user=admin, params={"created_at__gt": today.isoformat()})) == []
    assert _names(account_list(user=admin, params={"created_at__lt": today.isoformat()})) == []
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _names(account_list(user=admin, params={"created_at__lt": tomorrow})) == ["Dated"]
    assert account.pk
