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


# --- quotes ------------------------------------------------------------------------------------------------------
class QuoteLineForm(forms.Form):
    """One row of the quote's lines editor. Numbers are checked by the quote services (which name the field),
    so a typo gets the same message in the page as in the API."""

    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False)
    unit_price = forms.CharField(label=_("Unit price"), max_length=20, required=False)
    discount_percent = forms.CharField(label=_("Discount (%)"), max_length=20, required=False)
    tax_rate = forms.CharField(label=_("Tax rate (%)"), max_length=20, required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("— free line —")), *(products or [])]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(name) for name in ("product", "description", "quantity", "unit_price"))


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=2, max_num=200, absolute_max=200)


class QuoteForm(forms.Form):
    """A draft quote's own fields."""

    contact = forms.TypedChoiceField(label=_("Recipient"), coerce=int, required=False, empty_value=None)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language of the quote"))
    terms = forms.CharField(
        label=_("Terms and conditions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, contacts: list[tuple[int, str]], languages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "—"), *contacts]  # type: ignore[attr-defined]
        self.fields["language"].choices = languages  # type: ignore[attr-defined]


class QuoteSendForm(forms.Form):
    to = forms.EmailField(label=_("Send to"), max_length=254)
    version = forms.IntegerField(required=False)


class QuoteRejectForm(forms.Form):
    reason = forms.CharField(label=_("Why?"), max_length=2000, required=False)
    version = forms.IntegerField(required=False)


class QuoteAcceptForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=200)


class QuoteDeclineForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
