"""Forms of the lead pages: types and shapes only; the services own the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import Consent
from crm.contacts.forms import BLANK, RecordForm
from crm.leads.enums import Authority, DisqualifyReason, LeadSource, PurchaseTimeline


class LeadForm(RecordForm):
    layout = (
        (_("Person"), ("first_name", "last_name", "job_title", "email", "phone", "owner")),
        (_("Company"), ("company", "website", "city", "region", "postal_code", "country")),
        (_("Qualification"), ("budget_amount", "budget_currency", "authority", "timeline", "need")),
        (_("Origin and consent"), ("source", "source_detail", "email_consent", "consent_source")),
        (_("More fields"), ("*custom",)),
        (_("Notes"), ("description",)),
    )

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters, e.g. ES.")
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=())
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices, initial=LeadSource.MANUAL)
    source_detail = forms.CharField(
        label=_("Source detail"),
        max_length=200,
        required=False,
        help_text=_("The campaign, event or page, e.g. “Madrid trade fair 2026”."),
    )
    budget_amount = forms.DecimalField(
        label=_("Budget"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    budget_currency = forms.CharField(
        label=_("Budget currency"), max_length=3, required=False, help_text=_("Three letters, e.g. EUR.")
    )
    authority = forms.ChoiceField(
        label=_("Authority"), choices=BLANK + list(Authority.choices), required=False
    )
    timeline = forms.ChoiceField(
        label=_("Purchase timeline"), choices=BLANK + list(PurchaseTimeline.choices), required=False
    )
    need = forms.CharField(label=_("Need"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email_consent = forms.ChoiceField(
        label=_("Email consent"), choices=Consent.choices, initial=Consent.UNKNOWN
    )
    consent_source = forms.CharField(label=_("Consent source"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        if "owner" in self.fields:
            initial["owner"] = instance.owner_id
        return initial


class DisqualifyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=BLANK + list(DisqualifyReason.choices))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConvertForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"), choices=(("match", ""), ("new", "")), initial="match")
    contact = forms.ChoiceField(label=_("Contact"), choices=(("match", ""), ("new", "")), initial="match")
    opportunity = forms.BooleanField(label=_("Also open an opportunity"), required=False)
    pipeline = forms.TypedChoiceField(label=_("Pipeline"), coerce=int, required=False, empty_value=None)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, pipelines: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].choices = list(pipelines or [])  # type: ignore[attr-defined]


class WebLeadForm(forms.Form):
    """The public web-to-lead form. `homepage` is the honeypot: hidden from people, filled by bots."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters, e.g. ES.")
    )
    need = forms.CharField(
        label=_("How can we help?"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted about my request and to the processing of my data for it."),
        error_messages={"required": _("Tick the box to agree to be contacted.")},
    )
    homepage = forms.CharField(required=False, label=_("Leave this field empty"))
    page = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    redirect = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


def funnel_period_default() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=89), today


class FunnelForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False, choices=())

    def __init__(self, *args: Any, users: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = BLANK + [(str(pk), name) for pk, name in users]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_start, default_end = funnel_period_default()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if start > end:
            self.add_error("end", _("The end comes before the start."))
        elif (end - start).days > 3 * 366:
            self.add_error("start", _("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data
