"""Validation-only forms of the catalog screens (the services check the rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.catalog.enums import BillingPeriod, ProductKind, Unit
from crm.catalog.models import Currency, PriceBook, Product, Tax


def _initial(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=40, help_text=_("A unique code, e.g. CLD-BKP-1TB."))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ProductKind.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    billing_period = forms.ChoiceField(
        label=_("Billing period"),
        choices=[("", _("— not a subscription —")), *BillingPeriod.choices],
        required=False,
    )
    tax = forms.TypedChoiceField(label=_("Tax"), coerce=int, empty_value=None, required=False)
    cost = forms.DecimalField(
        label=_("Unit cost"),
        localize=True,
        required=False,
        max_digits=18,
        decimal_places=4,
        help_text=_("What one unit costs the company, in the company currency. Leave empty if not known."),
    )
    is_active = forms.BooleanField(label=_("Active (can be sold)"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, taxes: list[tuple[int, str]], instance: Product | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **_initial(
                    instance,
                    ("sku", "name", "kind", "unit", "billing_period", "cost", "is_active", "description"),
                ),
                "tax": instance.tax_id,
            }
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tax"]).choices = [("", _("— no tax —")), *taxes]


class PriceForm(forms.Form):
    """One price of the product page: a price book and the unit price in its currency."""

    price_book = forms.TypedChoiceField(label=_("Price book"), coerce=int)
    unit_price = forms.DecimalField(label=_("Unit price"), localize=True, max_digits=18, decimal_places=4)

    def __init__(self, *args: Any, books: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["price_book"]).choices = books


class PriceBookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    currency = forms.TypedChoiceField(label=_("Currency"), coerce=int)
    segment = forms.CharField(
        label=_("Customer segment"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for every customer, or name a segment, e.g. wholesale."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, currencies: list[tuple[int, str]], instance: PriceBook | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **_initial(
                    instance, ("name", "segment", "valid_from", "valid_until", "is_active", "description")
                ),
                "currency": instance.currency_id,
            }
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = currencies


class CurrencyForm(forms.Form):
    code = forms.CharField(label=_("ISO code"), max_length=3, help_text=_("Three letters, e.g. USD."))
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    is_company = forms.BooleanField(label=_("Company currency"), required=False)


class CurrencyEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, instance: Currency, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(instance, ("name", "is_active")))
        super().__init__(*args, **kwargs)


class ExchangeRateForm(forms.Form):
    valid_on = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    rate = forms.DecimalField(
        label=_("Rate"),
        localize=True,
        max_digits=20,
        decimal_places=8,
        help_text=_("Units of this currency for one unit of the company currency."),
    )


class TaxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    rate = forms.DecimalField(label=_("Rate (%)"), localize=True, max_digits=7, decimal_places=4)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters, e.g. ES.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, instance: Tax | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(instance, ("name", "rate", "country", "is_active"))
        super().__init__(*args, **kwargs)
