"""How the product list filters, sorts and searches (shared by the web UI and the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crm.catalog.enums import BillingPeriod, ProductKind, Unit
from crm.core.listing import FilterField, ListSpec, SortField

PRODUCT_LIST = ListSpec(
    object_type="catalog.product",
    filters=(
        FilterField("kind", "kind", "choice", _("Type"), tuple(ProductKind.choices)),
        FilterField("unit", "unit", "choice", _("Unit"), tuple(Unit.choices)),
        FilterField(
            "billing_period", "billing_period", "choice", _("Billing period"), tuple(BillingPeriod.choices)
        ),
        FilterField("is_active", "is_active", "bool", _("Active")),
        FilterField("tax", "tax", "fk", _("Tax")),
        FilterField("sku", "sku", "text", _("SKU")),
        FilterField("name", "name", "text", _("Name")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
        FilterField("updated_at", "updated_at", "datetime", _("Updated")),
    ),
    sorts=(
        SortField("name", "name", _("Name")),
        SortField("sku", "sku", _("SKU")),
        SortField("kind", "kind", _("Type")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
    ),
    default_sort="name",
    search_paths=("name", "sku", "description"),
)
