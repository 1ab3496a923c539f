"""How the lead list filters, sorts and searches (shared by the web UI and the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crm.core.customfields.selectors import custom_field_infos
from crm.core.listing import FilterField, ListSpec, SortField
from crm.leads.enums import Authority, LeadSource, LeadStatus, PurchaseTimeline

LEAD_LIST = ListSpec(
    object_type="leads.lead",
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(LeadStatus.choices)),
        FilterField("source", "source", "choice", _("Source"), tuple(LeadSource.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("team", "team", "fk", _("Team")),
        FilterField("authority", "authority", "choice", _("Authority"), tuple(Authority.choices)),
        FilterField(
            "timeline", "timeline", "choice", _("Purchase timeline"), tuple(PurchaseTimeline.choices)
        ),
        FilterField("company", "company", "text", _("Company")),
        FilterField("email", "email", "text", _("Email")),
        FilterField("country", "country", "text", _("Country")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
        FilterField("updated_at", "updated_at", "datetime", _("Updated")),
        FilterField("converted_at", "converted_at", "datetime", _("Converted")),
        FilterField("score", "score", "int", _("Score")),
    ),
    sorts=(
        SortField("name", "full_name", _("Name")),
        SortField("company", "company", _("Company")),
        SortField("status", "status", _("Status")),
        SortField("source", "source", _("Source")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
        SortField("score", "score", _("Score"), nullable=True),
    ),
    default_sort="-created_at",
    search_paths=("full_name", "company", "email", "phone"),
    custom_fields=lambda: custom_field_infos(object_type="leads.lead"),
)
