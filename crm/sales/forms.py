"""Validation-only forms of the sales pages (the services own the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ContactsPicker(forms.Widget):
    """Search-as-you-type checkboxes of the chosen account's contacts (htmx re-renders the list as the user
    types, ticks a box or changes the account; ticked ones stay on top). The view sets `chosen` (the
    contacts already picked) and `picker_url`."""

    template_name = "sales/contacts_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.chosen: list[Any] = []
        self.matches: list[Any] = []
        self.picker_url = ""
        self.has_account = False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no box ticked means no contacts

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            chosen=self.chosen, matches=self.matches, picker_url=self.picker_url, has_account=self.has_account
        )
        return context


class ContactIdsField(forms.Field):
    widget = ContactsPicker

    def to_python(self, value: Any) -> list[int]:
        out: list[int] = []
        for raw in value or []:
            text = str(raw).strip()
            if not text.isdigit():
                raise forms.ValidationError(_("Choose contacts from the list."))
            out.append(int(text))
        return list(dict.fromkeys(out))


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
    contacts = ContactIdsField(label=_("Contacts"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        stages: list[tuple[int, str]] | None = None,
        picker_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *accounts]  # type: ignore[attr-defined]
        if picker_url:
            picker = self.fields["contacts"].widget
            picker.picker_url = picker_url  # type: ignore[attr-defined]
            self.fields["account"].widget.attrs.update(
                {
                    "hx-get": picker_url,
                    "hx-trigger": "change",
                    "hx-target": "#contacts-picker-list",
                    "hx-include": "closest form",
                    "hx-swap": "innerHTML",
                }
            )
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
    unit_cost = forms.CharField(
        label=_("Unit cost"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Catalog"), "inputmode": "decimal"}),
    )
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


# --- opportunity lines, contacts picker, pipeline settings (oppux) ----------------------------------------------
class LineAddForm(forms.Form):
    """A product line: the services check the product, quantity and discount (their messages name the field)."""

    product_id = forms.CharField(label=_("Product"), required=False)
    quantity = forms.CharField(label=_("Quantity"), required=False, initial="1")
    discount_percent = forms.CharField(label=_("Discount (%)"), required=False, initial="0")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, options_url: str = "", **kwargs: Any) -> None:
        from crm.core.ui.widgets import RecordPicker

        super().__init__(*args, **kwargs)
        self.fields["product_id"].widget = RecordPicker(
            options_url=options_url, placeholder=_("Search products by name or SKU…")
        )
        self.fields["quantity"].widget.attrs.update(inputmode="decimal")
        self.fields["discount_percent"].widget.attrs.update(inputmode="decimal")


class LineEditForm(forms.Form):
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    quantity = forms.CharField(label=_("Quantity"), required=False)
    discount_percent = forms.CharField(label=_("Discount (%)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class NewPipelineForm(PipelineForm):
    open_stages = forms.CharField(
        label=_("Open stages, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    won_name = forms.CharField(label=_("Won stage"), max_length=100, required=False)
    lost_name = forms.CharField(label=_("Lost stage"), max_length=100, required=False)


class StageForm(forms.Form):
    """One stage. The playbook is one task a line: “title | days” (days default 0)."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=100, required=False)
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100, initial=0)
    forecast_category = forms.ChoiceField(label=_("Forecast category"))
    closing = forms.ChoiceField(
        label=_("Kind of stage"),
        choices=[("open", _("Open")), ("won", _("Won")), ("lost", _("Lost"))],
        initial="open",
    )
    required_fields = forms.MultipleChoiceField(
        label=_("Required to enter"), required=False, widget=forms.CheckboxSelectMultiple
    )
    playbook = forms.CharField(
        label=_("Playbook tasks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One task a line: the title, a vertical bar, then the days until it is due. Example: "
            "Send the proposal | 3"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from crm.sales.enums import ForecastCategory
        from crm.sales.views.common import field_label

        super().__init__(*args, **kwargs)
        self.fields["forecast_category"].choices = ForecastCategory.choices  # type: ignore[attr-defined]
        from crm.sales.services.pipelines import REQUIRABLE_FIELDS

        self.fields["required_fields"].choices = [  # type: ignore[attr-defined]
            (name, field_label(name)) for name in REQUIRABLE_FIELDS
        ]

    def clean_playbook(self) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = []
        for number, raw in enumerate(str(self.cleaned_data.get("playbook") or "").splitlines(), start=1):
            if not raw.strip():
                continue
            title, _bar, days = raw.partition("|")
            days = days.strip() or "0"
            if not days.isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: the days after the bar must be a whole number.") % {"n": number}
                )
            tasks.append({"title": title.strip(), "due_in_days": int(days)})
        return tasks

    def stage_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        closing = data.pop("closing", "open")
        data["is_won"] = closing == "won"
        data["is_lost"] = closing == "lost"
        return data


def playbook_text(playbook: list[dict[str, Any]]) -> str:
    return "\n".join(f"{item['title']} | {item['due_in_days']}" for item in playbook or [])


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
