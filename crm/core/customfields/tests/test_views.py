"""Administrators define custom fields in the web UI."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from crm.core.customfields.forms import choices_as_text
from crm.core.customfields.models import CustomFieldDefinition
from crm.core.customfields.services import custom_field_create, parse_choices
from crm.core.errors import InvalidInput
from crm.core.identity.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return User.objects.create_user(
        "admin@example.com", "pw-123456-x", full_name="Ada Admin", role=Role.objects.get(key="administrator")
    )


@pytest.fixture
def admin_client(client: Any, admin: User) -> Any:
    client.force_login(admin)
    return client


def _data(**overrides: Any) -> dict[str, Any]:
    return {
        "object_type": "contacts.account",
        "key": "contract_number",
        "label": "Contract number",
        "label_es": "Número de contrato",
        "field_type": "text",
        "choices": "",
        "help_text": "",
        "position": "10",
        **overrides,
    }


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        CustomFieldDefinition.objects.values_list(
            "object_type",
            "key",
            "label",
            "label_es",
            "field_type",
            "choices",
            "is_required",
            "position",
            "is_active",
        )
    )


def test_create_a_text_field(admin_client):
    response = admin_client.post(reverse("customfields:field_create"), _data(is_required="on"))
    assert response.status_code == 302 and response["Location"] == reverse("customfields:field_list")
    d = CustomFieldDefinition.objects.get()
    assert (d.object_type, d.key, d.label, d.label_es, d.is_required, d.position) == (
        "contacts.account",
        "contract_number",
        "Contract number",
        "Número de contrato",
        True,
        10,
    )
    html = admin_client.get(reverse("customfields:field_list")).content.decode()
    assert "Contract number" in html and "contract_number" in html and "Accounts" in html


def test_create_a_choice_field_from_lines(admin_client):
    admin_client.post(
        reverse("customfields:field_create"),
        _data(
            key="tier", label="Tier", field_type="choice", choices="gold|Gold|Oro\nsilver|Silver\n\nbronze"
        ),
    )
    d = CustomFieldDefinition.objects.get(key="tier")
    assert d.choices == [
        {"value": "gold", "label": "Gold", "label_es": "Oro"},
        {"value": "silver", "label": "Silver", "label_es": ""},
        {"value": "bronze", "label": "bronze", "label_es": ""},
    ]
    assert choices_as_text(d.choices) == "gold|Gold|Oro\nsilver|Silver\nbronze|bronze"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"key": "Bad Key"}, "key", "Use lower-case letters, digits and underscores"),
        ({"key": "1st"}, "key", "Use lower-case letters, digits and underscores"),
        ({"label": ""}, "label", "This field is required."),
        ({"object_type": "nope.thing"}, "object_type", "Select a valid choice."),
        ({"field_type": "choice", "choices": ""}, "choices", "Give at least one choice"),
        (
            {"field_type": "choice", "choices": "a|A\na|Again"},
            "choices",
            "Each choice needs a different value.",
        ),
        ({"position": "-1"}, "position", "greater than or equal to 0"),
    ],
)
def test_bad_input_shows_an_inline_error_and_stores_nothing(admin_client, overrides, field, message):
    response = admin_client.post(reverse("customfields:field_create"), _data(**overrides))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert message in response.content.decode() or "&" in message
    assert not CustomFieldDefinition.objects.exists()


def test_duplicate_key_on_the_same_object_is_refused(admin_client, admin):
    custom_field_create(
        actor=admin, object_type="contacts.account", key="contract_number", label="C", field_type="text"
    )
    before = _rows()
    response = admin_client.post(reverse("customfields:field_create"), _data())
    assert response.status_code == 422
    assert "already has a field with this key" in " ".join(response.context["form"].errors["key"])
    assert _rows() == before


def test_edit_changes_labels_but_never_the_key_type_or_object(admin_client, admin):
    d = custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="tier",
        label="Tier",
        field_type="choice",
        choices=parse_choices("gold|Gold"),
    )
    url = reverse("customfields:field_edit", args=[d.pk])
    form_html = admin_client.get(url).content.decode()
    assert "gold|Gold" in form_html
    response = admin_client.post(
        url,
        _data(
            object_type="contacts.contact",
            key="hacked",
            field_type="text",
            label="Loyalty tier",
            choices="gold|Gold|Oro\nsilver|Silver|Plata",
            is_active="on",
        ),
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.object_type, d.key, d.field_type, d.label) == (
        "contacts.account",
        "tier",
        "choice",
        "Loyalty tier",
    )
    assert [c["label_es"] for c in d.choices] == ["Oro", "Plata"]


def test_edit_with_bad_input_changes_nothing(admin_client, admin):
    d = custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="tier",
        label="Tier",
        field_type="choice",
        choices=parse_choices("gold|Gold"),
    )
    before = _rows()
    response = admin_client.post(
        reverse("customfields:field_edit", args=[d.pk]), _data(label="", choices="", is_active="on")
    )
    assert response.status_code == 422
    assert _rows() == before


def test_deactivate_keeps_the_definition(admin_client, admin):
    d = custom_field_create(
        actor=admin, object_type="contacts.account", key="tier", label="Tier", field_type="text"
    )
    assert admin_client.get(reverse("customfields:field_deactivate", args=[d.pk])).status_code == 405
    response = admin_client.post(reverse("customfields:field_deactivate", args=[d.pk]))
    assert response.status_code == 302
    d.refresh_from_db()
    assert not d.is_active
    html = admin_client.get(reverse("customfields:field_list")).content.decode()
    assert "Inactive" in html
    assert admin_client.post(reverse("customfields:field_deactivate", args=[999999])).status_code == 404


def test_list_queries_do_not_grow_with_fields(admin_client, admin, django_assert_max_num_queries):
    for n in range(3):
        custom_field_create(
            actor=admin, object_type="contacts.account", key=f"f{n}", label=f"F{n}", field_type="text"
        )
    with django_assert_max_num_queries(10) as few:
        admin_client.get(reverse("customfields:field_list"))
    for n in range(10):
        custom_field_create(
            actor=admin, object_type="contacts.contact", key=f"g{n}", label=f"G{n}", field_type="text"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("customfields:field_list"))


def test_non_admin_gets_403_and_nothing_changes(client, admin):
    d = custom_field_create(
        actor=admin, object_type="contacts.account", key="tier", label="Tier", field_type="text"
    )
    rep = User.objects.create_user(
        "rep@example.com", "pw-123456-x", full_name="Rep", role=Role.objects.get(key="sales_rep")
    )
    client.force_login(rep)
    before = _rows()
    for url in (
        reverse("customfields:field_list"),
        reverse("customfields:field_create"),
        reverse("customfields:field_edit", args=[d.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("customfields:field_create"), _data()).status_code == 403
    assert (
        client.post(reverse("customfields:field_edit", args=[d.pk]), _data(label="Hacked")).status_code == 403
    )
    assert client.post(reverse("customfields:field_deactivate", args=[d.pk])).status_code == 403
    assert _rows() == before


def test_objects_whose_forms_do_not_show_custom_fields_are_not_offered_and_refused(admin_client, admin):
    # Opportunities and products are registered object types, but their forms and API have no custom fields yet
    page = admin_client.get(reverse("customfields:field_create")).content.decode()
    assert 'value="contacts.account"' in page and 'value="leads.lead"' in page
    assert 'value="sales.opportunity"' not in page and 'value="catalog.product"' not in page

    response = admin_client.post(reverse("customfields:field_create"), _data(object_type="sales.opportunity"))

    assert response.status_code == 422  # the form again, with the object field in error
    assert not CustomFieldDefinition.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        custom_field_create(
            actor=admin, object_type="catalog.product", key="colour", label="Colour", field_type="text"
        )
    assert "object_type" in refused.value.field_errors
    assert not CustomFieldDefinition.objects.exists()
