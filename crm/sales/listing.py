"""How the opportunity list filters, sorts and searches (shared by the web UI, the board and the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crm.core.listing import FilterField, ListSpec, SortField
from crm.sales.enums import OpportunityStatus

OPPORTUNITY_LIST = ListSpec(
    object_type="sales.opportunity",
    filters=(
        FilterField("pipeline", "pipeline", "fk", _("Pipeline")),
        FilterField("stage", "stage", "fk", _("Stage")),
        FilterField("status", "status", "choice", _("Status"), tuple(OpportunityStatus.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("amount", "amount", "int", _("Amount")),
        FilterField("close_date", "close_date", "date", _("Expected close date")),
        FilterField("closed_on", "closed_on", "date", _("Closed on")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
        FilterField("updated_at", "updated_at", "datetime", _("Updated")),
    ),
    sorts=(
        SortField("close_date", "close_date", _("Expected close date")),
        SortField("amount", "amount", _("Amount")),
        SortField("name", "name", _("Name")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
    ),
    default_sort="close_date",
    search_paths=("name",),
)
