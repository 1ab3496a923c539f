"""Validation of the custom field definition form. The rules on keys and choices live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.customfields.enums import FieldType
from crm.core.customfields.models import CustomFieldDefinition
from crm.core.customfields.services import parse_choices
from crm.core.identity.permissions import object_types


def object_type_choices() -> list[tuple[str, Any]]:
    return [("", "—"), *[(t.key, t.label) for t in object_types() if t.has_custom_fields]]


def choices_as_text(choices: list[dict[str, Any]]) -> str:
    """The stored list → one `value|English label|Spanish label` per line (the form's format)."""
    lines = []
    for c in choices or []:
        parts = [str(c.get("value", "")), str(c.get("label", "")), str(c.get("label_es", ""))]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        lines.append("|".join(parts))
    return "\n".join(lines)


class CustomFieldForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Object"), choices=object_type_choices)
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_("Used by the API, imports and filters, e.g. “contract_number”. It cannot change later."),
    )
    label = forms.CharField(label=_("Label (English)"), max_length=120)
    label_es = forms.CharField(label=_("Label (Spanish)"), max_length=120, required=False)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "gold|Gold|Oro\nsilver|Silver|Plata"}),
        help_text=_("For choice fields: one per line, as value|English label|Spanish label."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=250, required=False)
    position = forms.IntegerField(
        label=_("Position"), min_value=0, initial=0, help_text=_("Lower numbers come first.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    FIXED = ("object_type", "key", "field_type")

    def __init__(self, *args: Any, instance: CustomFieldDefinition | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "object_type": instance.object_type,
                "key": instance.key,
                "label": instance.label,
                "label_es": instance.label_es,
                "field_type": instance.field_type,
                "choices": choices_as_text(instance.choices),
                "is_required": instance.is_required,
                "help_text": instance.help_text,
                "position": instance.position,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            del self.fields["is_active"]
        else:
            for name in self.FIXED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the field exists.")

    def clean_key(self) -> str:
        return str(self.cleaned_data.get("key") or "").strip()

    def clean_choices(self) -> list[dict[str, str]]:
        return parse_choices(self.cleaned_data.get("choices") or "")

    def create_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "is_active"}

    def update_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.FIXED}
