"""Validation-only forms of the invoice pages (the services own the rules: amounts, what is due, states)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.sales.enums import PaymentMethod

LINE_ROWS = 6


class InvoiceForm(forms.Form):
    """A direct invoice (or a draft's edit): the header; the lines come as `line-<n>-<field>` inputs."""

    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    language = forms.ChoiceField(label=_("Language of the invoice"), choices=settings.LANGUAGES)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, max_value=365)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, accounts: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["account"]
        else:
            self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]

    def lines(self) -> list[dict[str, Any]]:
        """The filled line rows as the service takes them (it checks every value)."""
        rows = []
        data = self.data
        for n in range(LINE_ROWS):
            row = {
                key: (data.get(f"line-{n}-{key}") or "").strip()
                for key in ("description", "quantity", "unit_price", "discount_percent", "tax_rate")
            }
            if any(row.values()):
                rows.append(
                    {k: v for k, v in row.items() if v or k in {"description", "quantity", "unit_price"}}
                )
        return rows


class FromOrderForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=30)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is it void?"), max_length=500, required=False)
    version = forms.IntegerField(required=False)


class CreditNoteForm(forms.Form):
    """Full credit, or per line the quantity to take back (`line-<invoice line id>` inputs)."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    full = forms.BooleanField(label=_("Credit everything still due on the lines"), required=False)

    def lines(self, line_ids: list[int]) -> list[dict[str, Any]] | None:
        if self.cleaned_data.get("full"):
            return None
        rows = []
        for pk in line_ids:
            value = (self.data.get(f"line-{pk}") or "").strip()
            if value:
                rows.append({"invoice_line": pk, "quantity": value})
        return rows
