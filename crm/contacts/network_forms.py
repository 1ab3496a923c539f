"""Validation-only forms of the relationship network panels (links between accounts and between people)."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import AccountLinkType, ContactLinkType, ContactRole
from crm.core.ui.widgets import RecordPicker


class AccountLinkForm(forms.Form):
    link_type = forms.ChoiceField(label=_("This account is"), choices=AccountLinkType.choices)
    to_account = forms.IntegerField(
        label=_("Account"),
        min_value=1,
        widget=RecordPicker(
            options_url=reverse_lazy("contacts:account_picker_options"), placeholder=_("Search accounts…")
        ),
        error_messages={"required": _("Choose an account.")},
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ContactLinkForm(forms.Form):
    link_type = forms.ChoiceField(label=_("This person"), choices=ContactLinkType.choices)
    to_contact = forms.IntegerField(
        label=_("Contact"),
        min_value=1,
        widget=RecordPicker(
            options_url=reverse_lazy("contacts:contact_picker_options"), placeholder=_("Search contacts…")
        ),
        error_messages={"required": _("Choose a contact.")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *ContactRole.choices], required=False)
