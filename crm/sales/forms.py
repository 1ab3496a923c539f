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


# --- contracts ------------------------------------------------------------------------------------------------
class ContractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    contact = forms.TypedChoiceField(
        label=_("Contact"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("One of the account’s people."),
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )
    renewal_notice_days = forms.IntegerField(
        label=_("Open the renewal (days before the end)"), min_value=0, max_value=3650, initial=60
    )
    renewal_term_months = forms.IntegerField(
        label=_("Renewal term (months)"), min_value=1, max_value=120, initial=12
    )
    auto_renew = forms.BooleanField(label=_("Renews automatically"), required=False)
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        contacts: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        if contacts is None:  # no account chosen yet: its people are offered once it is
            del self.fields["contact"]
        else:
            self.fields["contact"].choices = [("", "—"), *contacts]  # type: ignore[attr-defined]


class ContractLineForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, required=False)
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), max_digits=5, decimal_places=2, required=False
    )
    billing_period = forms.ChoiceField(label=_("Billed"), required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        from crm.catalog.enums import BillingPeriod

        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("— free line —")), *products]  # type: ignore[attr-defined]
        self.fields["billing_period"].choices = [  # type: ignore[attr-defined]
            ("", _("As the product")),
            *BillingPeriod.choices,
        ]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("product") and not data.get("description") and data.get("unit_price") is None


ContractLineFormSet = forms.formset_factory(ContractLineForm, extra=0, max_num=50, absolute_max=50)


class ContractCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300, required=False)
    version = forms.IntegerField(required=False)
