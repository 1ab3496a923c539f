from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "crm.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from crm.catalog.models import Currency, ExchangeRate, Price, PriceBook, Product, Tax
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register
        from crm.core.ui.navigation import nav_item_register

        audit_register(Product, highlight=("is_active", "tax"))
        audit_register(PriceBook)
        audit_register(Price)
        audit_register(Currency)
        audit_register(ExchangeRate)
        audit_register(Tax)
        from crm.catalog import handlers
        from crm.core.audit.events import RecordsRestored
        from crm.core.events import subscribe

        subscribe(RecordsRestored, handlers.on_records_restored)
        object_type_register(
            key="catalog.product", label=_("Products"), owner_field="", has_custom_fields=False
        )
        object_type_register(
            key="catalog.pricebook", label=_("Price books"), owner_field="", has_custom_fields=False
        )
        api_router_register(prefix="", router="crm.catalog.api.router")
        nav_item_register(
            key="catalog.products",
            label=_("Products"),
            url_name="catalog:product_list",
            icon="cube",
            order=50,
            object_type="catalog.product",
        )
        nav_item_register(
            key="catalog.price_books",
            label=_("Price books"),
            url_name="catalog:price_book_list",
            icon="book-open",
            section="admin",
            order=50,
        )
        nav_item_register(
            key="catalog.currencies",
            label=_("Currencies"),
            url_name="catalog:currency_list",
            icon="banknotes",
            section="admin",
            order=52,
        )
        nav_item_register(
            key="catalog.taxes",
            label=_("Taxes"),
            url_name="catalog:tax_list",
            icon="receipt-percent",
            section="admin",
            order=54,
        )
