"""Validation only: the upload, the column mapping and the export request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.integrations.dataio.enums import DateOrder, DecimalMark, ImportObject, UpdateBy


class ImportUploadForm(forms.Form):
    object_type = forms.ChoiceField(
        label=_("Import into"), choices=ImportObject.choices, widget=forms.Select(attrs={"class": "select"})
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma, semicolon or tab separated; UTF-8 or Latin-1), XLSX, or vCard (.vcf) for contacts. "
            "The first row names the columns."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf,.vcard", "class": "input"}
        ),
    )


class ImportMappingForm(forms.Form):
    """One choice per file column (col_0, col_1, …), then how to match existing records and read values."""

    update_by = forms.ChoiceField(
        label=_("Update existing records matched by"),
        choices=UpdateBy.choices,
        required=False,
        widget=forms.Select(attrs={"class": "select"}),
    )
    date_order = forms.ChoiceField(
        label=_("Dates"), choices=DateOrder.choices, widget=forms.Select(attrs={"class": "select"})
    )
    decimal = forms.ChoiceField(
        label=_("Numbers"), choices=DecimalMark.choices, widget=forms.Select(attrs={"class": "select"})
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Optional: offered again for files with the same columns."),
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args: Any, headers: list[str], choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or _("Column %(n)d") % {"n": i + 1},
                choices=[("", _("— Do not import —")), *choices],
                required=False,
                widget=forms.Select(attrs={"class": "select"}),
            )

    def column_fields(self) -> list[Any]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or "" for i in range(len(self.headers))]
