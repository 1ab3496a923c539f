"""Validation-only forms of the order, delivery and asset pages (the services own the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

LINE_ROWS = 5  # empty line rows offered by the new-order form (blank rows are ignored)
LINE_FIELDS = ("product", "description", "quantity", "unit_price", "unit_cost", "discount_percent")


class OrderForm(forms.Form):
    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    ordered_on = forms.DateField(
        label=_("Order date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    customer_reference = forms.CharField(label=_("Customer's reference"), max_length=100, required=False)
    shipping_address = forms.CharField(
        label=_("Shipping address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, accounts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]


def line_rows(data: QueryDict | None) -> list[dict[str, str]]:
    """The line rows of the new-order form as typed (`line-<field>` lists), blank rows included."""
    if data is None:
        return [dict.fromkeys(LINE_FIELDS, "") for _ in range(LINE_ROWS)]
    columns = {name: data.getlist(f"line-{name}") for name in LINE_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    rows = [
        {name: (columns[name][i] if i < len(columns[name]) else "").strip() for name in LINE_FIELDS}
        for i in range(count)
    ]
    return rows or [dict.fromkeys(LINE_FIELDS, "") for _ in range(LINE_ROWS)]


class FromQuoteForm(forms.Form):
    quote = forms.TypedChoiceField(label=_("Accepted quote"), coerce=int)

    def __init__(self, *args: Any, quotes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quote"].choices = [("", "—"), *quotes]  # type: ignore[attr-defined]


class DeliveryForm(forms.Form):
    """Carrier and tracking number; the quantities per line are `qty-<line id>` and `serials-<line id>`."""

    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False)
    reason = forms.CharField(max_length=300, required=False)


class AssetForm(forms.Form):
    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, initial=1)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    delivered_on = forms.DateField(
        label=_("Delivered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    warranty_until = forms.DateField(
        label=_("Warranty until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the standard warranty from the delivery date."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[int, str]],
        products: list[tuple[int, str]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]
        self.fields["product"].choices = [("", "—"), *products]  # type: ignore[attr-defined]
        if editing:
            del self.fields["account"]
            del self.fields["product"]
            self.fields["warranty_until"].help_text = ""
