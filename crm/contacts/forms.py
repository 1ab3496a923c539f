"""Forms for the accounts and contacts pages: they check types and shapes only; the services own the rules.

`changes()` turns the cleaned data into the keyword arguments of the service (`custom__<key>` fields become
the `custom` dict, one-per-line text areas become lists). `apply_domain_errors()` maps the `field_errors` of an
`InvalidInput` raised by a service back onto the fields (`custom.<key>` → `custom__<key>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import (
    AccountStatus,
    AccountType,
    AddressKind,
    CompanySize,
    Consent,
    ContactRole,
    Industry,
)
from crm.core.customfields.enums import FieldType
from crm.core.errors import DomainError
from crm.core.ui.widgets import RecordPicker

CUSTOM_PREFIX = "custom__"
BLANK = [("", "—")]


def lines(value: str) -> list[str]:
    """One item per line (commas and semicolons also separate), blanks dropped."""
    text = (value or "").replace(";", "\n").replace(",", "\n")
    return [item.strip() for item in text.splitlines() if item.strip()]


def tag_names(value: str) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def form_field_name(error_key: str) -> str:
    """The form field a service error key points at: `custom.size` → `custom__size`."""
    if error_key.startswith("custom."):
        return CUSTOM_PREFIX + error_key.removeprefix("custom.")
    return error_key


def apply_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: each named field inline, the rest at the top."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for key, messages in exc.field_errors.items():
        name = form_field_name(key)
        if name in form.fields:
            form.add_error(name, list(messages))
        else:
            label = key.removeprefix("custom.")
            form.add_error(None, [f"{label}: {m}" for m in messages])


def account_picker_field(label: Any) -> forms.IntegerField:
    """An account chosen by search (there may be millions): the id only; the view resolves it through the selector."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        widget=RecordPicker(
            options_url=reverse_lazy("contacts:account_picker_options"), placeholder=_("Search accounts…")
        ),
        error_messages={
            "invalid": _("Choose an account from the list."),
            "min_value": _("Choose an account from the list."),
        },
    )


def custom_form_field(definition: Any, *, users: Sequence[tuple[int, str]], language: str) -> forms.Field:
    """The form field for one custom field definition, by its type."""
    ft = definition.field_type
    common: dict[str, Any] = {
        "label": definition.label_for(language),
        "required": bool(definition.is_required) and ft != FieldType.BOOLEAN,
        "help_text": definition.help_text,
    }
    choices = [(c["value"], definition.choice_label(c["value"], language)) for c in definition.choices or []]
    if ft == FieldType.NUMBER:
        return forms.DecimalField(max_digits=20, decimal_places=6, **common)
    if ft == FieldType.MONEY:
        return forms.DecimalField(
            max_digits=17, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"}), **common
        )
    if ft == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(), **common)
    if ft == FieldType.CHOICE:
        return forms.ChoiceField(choices=BLANK + choices, **common)
    if ft == FieldType.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if ft == FieldType.BOOLEAN:
        return forms.NullBooleanField(widget=forms.NullBooleanSelect(), **common)
    if ft == FieldType.USER:
        return forms.TypedChoiceField(
            choices=BLANK + [(str(pk), name) for pk, name in users], coerce=int, empty_value=None, **common
        )
    if ft == FieldType.URL:
        return forms.URLField(max_length=1000, assume_scheme="https", **common)
    return forms.CharField(max_length=1000, **common)


class RecordForm(forms.Form):
    """Shared machinery of the account and contact forms: custom fields, `only=` for inline edits, `changes()`."""

    list_fields: tuple[str, ...] = ()
    create_only: tuple[str, ...] = ()
    layout: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def __init__(
        self,
        *args: Any,
        custom_definitions: Iterable[Any] = (),
        users: Sequence[tuple[int, str]] = (),
        instance: Any = None,
        only: Iterable[str] | None = None,
        language: str = "en",
        record_labels: Mapping[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        for form_field in self.fields.values():
            if isinstance(form_field.widget, RecordPicker):
                form_field.widget.set_labels(record_labels or {})
        self.custom_definitions = {d.key: d for d in custom_definitions}
        if "owner" in self.fields:
            self.fields["owner"].choices = [(str(pk), name) for pk, name in users]  # type: ignore[attr-defined]
        for definition in self.custom_definitions.values():
            self.fields[CUSTOM_PREFIX + definition.key] = custom_form_field(
                definition, users=users, language=language
            )
        if instance is not None:
            for name in self.create_only:
                self.fields.pop(name, None)
            if not self.is_bound:
                self.initial.update(self.initial_from(instance))
        if only is not None:
            keep = set(only)
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields grouped for the full-page form; custom fields get their own section."""
        out: list[tuple[Any, list[forms.BoundField]]] = []
        placed: set[str] = set()
        for title, names in self.layout:
            if names == ("*custom",):
                fields = [self[n] for n in self.fields if n.startswith(CUSTOM_PREFIX)]
            else:
                fields = [self[n] for n in names if n in self.fields]
            placed.update(f.name for f in fields)
            if fields:
                out.append((title, fields))
        rest = [self[n] for n in self.fields if n not in placed]
        if rest:
            out.append((_("Other"), rest))
        return out

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in self.fields:
            if name.startswith(CUSTOM_PREFIX):
                value = (instance.custom or {}).get(name.removeprefix(CUSTOM_PREFIX))
                definition = self.custom_definitions.get(name.removeprefix(CUSTOM_PREFIX))
                if definition is not None and definition.field_type == FieldType.USER and value is not None:
                    value = str(value)
                initial[name] = value
            elif name == "tags":
                initial[name] = ", ".join(t.name for t in instance.tags.all())
            elif name in self.list_fields:
                initial[name] = "\n".join(getattr(instance, name) or [])
            elif name in ("owner", "parent"):
                initial[name] = getattr(instance, f"{name}_id", None)
            elif hasattr(instance, name):
                initial[name] = getattr(instance, name)
        return initial

    def changes(self) -> dict[str, Any]:
        """The cleaned data as service keyword arguments (only the fields this form carries)."""
        data = dict(self.cleaned_data)
        out: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for name, value in data.items():
            if name in self.create_only:
                continue
            if name.startswith(CUSTOM_PREFIX):
                custom[name.removeprefix(CUSTOM_PREFIX)] = value
            elif name == "tags":
                out[name] = tag_names(value)
            elif name in self.list_fields:
                out[name] = lines(value)
            else:
                out[name] = value
        if custom:
            out["custom"] = custom
        return out


class AccountForm(RecordForm):
    list_fields = ("other_emails", "other_phones")
    layout = (
        (_("Company"), ("name", "account_type", "status", "industry", "size", "owner", "parent", "tags")),
        (_("Contact details"), ("email", "phone", "website", "other_emails", "other_phones")),
        (_("Legal"), ("legal_name", "tax_id")),
        (_("More fields"), ("*custom",)),
        (_("Notes"), ("description",)),
    )

    name = forms.CharField(label=_("Name"), max_length=200)
    account_type = forms.ChoiceField(
        label=_("Type"), choices=AccountType.choices, initial=AccountType.PROSPECT
    )
    status = forms.ChoiceField(label=_("Status"), choices=AccountStatus.choices, initial=AccountStatus.ACTIVE)
    industry = forms.ChoiceField(label=_("Industry"), choices=BLANK + list(Industry.choices), required=False)
    size = forms.ChoiceField(label=_("Size"), choices=BLANK + list(CompanySize.choices), required=False)
    owner = forms.TypedChoiceField(label=_("Relationship manager"), coerce=int, choices=())
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    tax_id = forms.CharField(label=_("Tax id"), max_length=40, required=False)
    parent = account_picker_field(_("Parent account"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separate tags with commas."),
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    other_emails = forms.CharField(
        label=_("Other emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    other_phones = forms.CharField(
        label=_("Other phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_other_emails(self) -> str:
        value: str = self.cleaned_data.get("other_emails", "")
        validator = forms.EmailField()
        for item in lines(value):
            try:
                validator.clean(item)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a valid email address."), params={"value": item}
                ) from None
        return value


class ContactForm(RecordForm):
    list_fields = ("other_emails", "other_phones")
    create_only = ("account", "account_role")
    layout = (
        (_("Person"), ("first_name", "last_name", "job_title", "department", "owner", "tags")),
        (_("Account"), ("account", "account_role")),
        (
            _("Contact details"),
            ("email", "phone", "mobile", "other_emails", "other_phones", "language", "birthday"),
        ),
        (_("Consent"), ("email_consent", "consent_source", "do_not_call")),
        (_("More fields"), ("*custom",)),
        (_("Notes"), ("description",)),
    )

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)
    account = account_picker_field(_("Account"))
    account_role = forms.ChoiceField(
        label=_("Role at the account"), choices=BLANK + list(ContactRole.choices), required=False
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=())
    language = forms.ChoiceField(label=_("Preferred language"), required=False, choices=())
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=forms.DateInput())
    email_consent = forms.ChoiceField(
        label=_("Email consent"), choices=Consent.choices, initial=Consent.UNKNOWN
    )
    consent_source = forms.CharField(
        label=_("Consent source"),
        max_length=120,
        required=False,
        help_text=_("Where the consent was given, e.g. “web form 2025-03”."),
    )
    do_not_call = forms.BooleanField(label=_("Do not call"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_("Separate tags with commas."),
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    other_emails = forms.CharField(
        label=_("Other emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    other_phones = forms.CharField(
        label=_("Other phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            self.fields["language"].choices = BLANK + [  # type: ignore[attr-defined]
                (code, str(name)) for code, name in settings.LANGUAGES
            ]

    def clean_other_emails(self) -> str:
        return AccountForm.clean_other_emails(self)  # type: ignore[arg-type]


class OwnerChangeForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("New owner"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Recorded in the history, e.g. “territory change”."),
    )

    def __init__(self, *args: Any, users: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(pk), name) for pk, name in users]  # type: ignore[attr-defined]


class BulkActionForm(forms.Form):
    ACTIONS = (
        ("assign_owner", _("Assign owner")),
        ("tag", _("Add tag")),
        ("delete", _("Move to recycle bin")),
    )

    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    owner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, choices=())
    reason = forms.CharField(max_length=500, required=False)
    tags = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, users: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = BLANK + [(str(pk), name) for pk, name in users]  # type: ignore[attr-defined]
        # any integer may be posted; the services skip what the user may not touch
        posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in posted]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "assign_owner":
            if not data.get("owner"):
                self.add_error("owner", _("Choose the new owner."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the records change hands."))
        if action == "tag" and not tag_names(data.get("tags") or ""):
            self.add_error("tags", _("Type the tag to add."))
        return data


class AddressForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AddressKind.choices, initial=AddressKind.OFFICE)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. ES."),
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "country"}),
    )
    is_primary = forms.BooleanField(label=_("Primary address"), required=False)


class MembershipForm(forms.Form):
    """Link a contact and an account: one side comes from the URL, the other from this form."""

    other = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(label=_("Role"), choices=BLANK + list(ContactRole.choices), required=False)
    job_title = forms.CharField(label=_("Job title there"), max_length=120, required=False)


class DeleteConfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True, error_messages={"required": _("Tick the box to confirm.")})
