"""Validation-only forms of the sales pages (the services own the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class OpportunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    competitors = forms.CharField(label=_("Competitors"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        stages: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        if stages is None:
            del self.fields["stage"]
        else:
            self.fields["stage"].choices = stages  # type: ignore[attr-defined]


class LostForm(forms.Form):
    reason = forms.CharField(label=_("Why was it lost?"), max_length=300)
    version = forms.IntegerField(required=False)


class MoveForm(forms.Form):
    stage = forms.IntegerField()
    version = forms.IntegerField(required=False)
    lost_reason = forms.CharField(max_length=300, required=False)


# the summary's inline-editable fields
INLINE_FIELDS: dict[str, Any] = {
    "amount": lambda: forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    ),
    "close_date": lambda: forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    ),
    "probability": lambda: forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100),
    "next_step": lambda: forms.CharField(label=_("Next step"), max_length=300, required=False),
    "competitors": lambda: forms.CharField(label=_("Competitors"), max_length=300, required=False),
}


class InlineFieldForm(forms.Form):
    """One field of the record page, with the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields[key] = INLINE_FIELDS[key]()
