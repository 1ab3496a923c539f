"""The columns of the lead list, shared by the table, the record page's key fields and CSV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.contacts.views.columns import Column, custom_columns
from crm.leads.enums import LeadStatus

STATUS_VARIANTS: dict[str, str] = {
    LeadStatus.NEW: "info",
    LeadStatus.CONTACTED: "warning",
    LeadStatus.QUALIFIED: "accent",
    LeadStatus.DISQUALIFIED: "neutral",
    LeadStatus.CONVERTED: "success",
}


def _attr(name: str) -> Any:
    return lambda obj, ctx: getattr(obj, name)


def _display(name: str) -> Any:
    return lambda obj, ctx: getattr(obj, f"get_{name}_display")() if getattr(obj, name) else ""


def _budget(obj: Any, ctx: dict[str, Any]) -> Any:
    if obj.budget_amount is None:
        return ""
    return f"{obj.budget_amount:,.0f} {obj.budget_currency}".strip()


def _score_title(lead: Any) -> str:
    """Under a score: the factor that pushed it most."""
    factors = lead.score_factors or []
    return str(factors[0].get("label", "")) if lead.score is not None and factors else ""


def lead_columns(definitions: Sequence[Any], *, language: str) -> list[Column]:
    builtin = [
        Column(
            "name",
            _("Name"),
            "title",
            lambda lead, ctx: str(lead),
            sort="name",
            href=lambda lead: lead.get_absolute_url(),
            sub=lambda lead: lead.job_title,
        ),
        Column("first_name", _("First name"), "text", _attr("first_name"), editable="first_name"),
        Column("last_name", _("Last name"), "text", _attr("last_name"), editable="last_name"),
        Column("company", _("Company"), "text", _attr("company"), sort="company", editable="company"),
        Column("job_title", _("Job title"), "text", _attr("job_title"), editable="job_title"),
        Column(
            "status",
            _("Status"),
            "badge",
            _display("status"),
            sort="status",
            variant=lambda lead: STATUS_VARIANTS.get(lead.status, "neutral"),
        ),
        Column("source", _("Source"), "text", _display("source"), sort="source", editable="source"),
        Column("source_detail", _("Source detail"), "text", _attr("source_detail"), editable="source_detail"),
        Column("email", _("Email"), "email", _attr("email"), editable="email"),
        Column("phone", _("Phone"), "phone", _attr("phone"), editable="phone"),
        Column(
            "website",
            _("Website"),
            "url",
            _attr("website"),
            href=lambda lead: lead.website,
            editable="website",
        ),
        Column("city", _("City"), "text", _attr("city"), editable="city"),
        Column("region", _("Region"), "text", _attr("region"), editable="region"),
        Column("postal_code", _("Postal code"), "text", _attr("postal_code"), editable="postal_code"),
        Column("country", _("Country"), "text", _attr("country"), editable="country"),
        Column("owner", _("Owner"), "user", _attr("owner")),
        Column("budget", _("Budget"), "text", _budget, align="end"),
        Column(
            "budget_amount", _("Budget amount"), "number", _attr("budget_amount"), editable="budget_amount"
        ),
        Column(
            "budget_currency",
            _("Budget currency"),
            "text",
            _attr("budget_currency"),
            editable="budget_currency",
        ),
        Column("authority", _("Authority"), "text", _display("authority"), editable="authority"),
        Column("timeline", _("Purchase timeline"), "text", _display("timeline"), editable="timeline"),
        Column("need", _("Need"), "multiline", _attr("need"), editable="need"),
        Column(
            "email_consent", _("Email consent"), "text", _display("email_consent"), editable="email_consent"
        ),
        Column(
            "consent_source", _("Consent source"), "text", _attr("consent_source"), editable="consent_source"
        ),
        Column("description", _("Description"), "multiline", _attr("description"), editable="description"),
        Column(
            "created_at", _("Created"), "datetime", _attr("created_at"), sort="created_at", sort_first="desc"
        ),
        Column(
            "updated_at", _("Updated"), "datetime", _attr("updated_at"), sort="updated_at", sort_first="desc"
        ),
        Column("converted_at", _("Converted"), "datetime", _attr("converted_at")),
        Column(
            "score",
            _("Score"),
            "number",
            _attr("score"),
            sort="score",
            sort_first="desc",
            align="end",
            sub=_score_title,
        ),
    ]
    return builtin + custom_columns(definitions, language=language)
