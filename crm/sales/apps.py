from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "crm.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from crm.activities.timeline import timeline_source_register, timeline_subject_register
        from crm.contacts.events import AccountDeleted
        from crm.contacts.merging import merge_handler_register
        from crm.contacts.panels import account_panel_register
        from crm.contacts.rollups import rollup_register
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.events import subscribe
        from crm.core.identity.permissions import object_type_register, user_can
        from crm.core.ui.navigation import nav_item_register
        from crm.sales import handlers
        from crm.sales.models import Opportunity, OpportunityContact, Pipeline, Quota, Stage
        from crm.sales.selectors import open_opportunity_count_for_accounts, opportunity_exists_visible
        from crm.sales.services.merge import opportunities_merge_move, opportunities_merge_undo
        from crm.sales.timeline import stage_change_source

        audit_register(Pipeline)
        audit_register(Stage)
        audit_register(
            Opportunity,
            exclude=("stage_entered_at",),
            highlight=("stage", "status", "amount", "owner", "close_date"),
        )
        audit_register(OpportunityContact)
        subscribe(AccountDeleted, handlers.on_account_deleted)
        # each order's total in the company currency follows the exchange rates
        from crm.catalog.events import ExchangeRatesChanged

        subscribe(ExchangeRatesChanged, handlers.on_exchange_rates_changed)
        # --- insight: the deals' lifecycle and the forecast ---
        from crm.sales import events as sales_events

        for event_type in (
            sales_events.OpportunityOpened,
            sales_events.OpportunityStageChanged,
            sales_events.OpportunityWon,
            sales_events.OpportunityLost,
            sales_events.QuoteSent,
            sales_events.QuoteAccepted,
            sales_events.OrderPlaced,
        ):
            subscribe(event_type, handlers.on_deal_milestone)
        subscribe(sales_events.DeliveryShipped, handlers.on_delivery_milestone)
        subscribe(sales_events.DeliveryDelivered, handlers.on_delivery_milestone)
        # the lifecycle summary follows a deleted team
        from crm.core.identity.events import TeamDeleted

        subscribe(TeamDeleted, handlers.on_team_deleted)
        # the forecast's summary follows the opportunities restored from the recycle bin
        from crm.core.audit.events import RecordsRestored

        subscribe(RecordsRestored, handlers.on_records_restored)
        # the order-line summary follows the accounts' stored territory
        from crm.contacts.events import AccountTerritoryChanged

        subscribe(AccountTerritoryChanged, handlers.on_account_territory_changed)
        audit_register(Quota)
        api_router_register(prefix="", router="crm.sales.api.insight.router")
        nav_item_register(
            key="sales.forecast",
            label=_("Forecast"),
            url_name="sales:forecast",
            icon="presentation-chart-line",
            order=37,
            object_type="sales.opportunity",
        )
        nav_item_register(
            key="sales.lifecycle",
            label=_("Lifecycle"),
            url_name="sales:lifecycle",
            icon="arrow-trending-up",
            order=38,
            object_type="sales.opportunity",
        )
        account_panel_register(
            key="sales.lifecycle",
            title=_("Lifecycle"),
            url_name="sales:account_lifecycle",
            order=16,
            is_visible=lambda user: user_can(user, "sales.opportunity", "view"),
        )
        # --- end insight ---
        merge_handler_register(
            key="sales.opportunities", move=opportunities_merge_move, undo=opportunities_merge_undo
        )
        object_type_register(key="sales.opportunity", label=_("Opportunities"), has_custom_fields=False)
        api_router_register(prefix="", router="crm.sales.api.opportunities.router")
        timeline_subject_register(
            "sales.opportunity", lambda user, pk: opportunity_exists_visible(user=user, pk=pk)
        )
        timeline_source_register("sales.stages", stage_change_source)
        account_panel_register(
            key="sales.opportunities",
            title=_("Opportunities"),
            url_name="sales:account_opportunities",
            order=15,
            is_visible=lambda user: user_can(user, "sales.opportunity", "view"),
        )
        rollup_register(
            key="sales.open_opportunities",
            label=_("Open opportunities"),
            compute=open_opportunity_count_for_accounts,
            order=40,
            is_visible=lambda user: user_can(user, "sales.opportunity", "view"),
        )
        nav_item_register(
            key="sales.pipeline",
            label=_("Pipeline"),
            url_name="sales:board",
            icon="view-columns",
            order=26,
            object_type="sales.opportunity",
        )
        self._ready_quotes()

    def _ready_quotes(self) -> None:
        """Quotes: audit, permissions, API, timeline, the account page's panel, navigation."""
        from crm.activities.timeline import timeline_source_register, timeline_subject_register
        from crm.contacts.panels import account_panel_register
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register, user_can
        from crm.core.ui.navigation import nav_item_register
        from crm.sales.models import Quote
        from crm.sales.quote_timeline import quote_event_source
        from crm.sales.selectors.quotes import quote_exists_visible

        audit_register(
            Quote,
            # the timestamps and partial totals are told by the quote's events and its status and total changes
            exclude=(
                "pdf",
                "subtotal",
                "discount_total",
                "net_total",
                "tax_total",
                "sent_at",
                "approved_at",
                "accepted_at",
                "declined_at",
            ),
            highlight=("status", "approval_status", "total", "valid_until"),
        )
        object_type_register(key="sales.quote", label=_("Quotes"), has_custom_fields=False)
        api_router_register(prefix="", router="crm.sales.api.quotes.router")
        timeline_subject_register("sales.quote", lambda user, pk: quote_exists_visible(user=user, pk=pk))
        timeline_source_register("sales.quotes", quote_event_source)
        account_panel_register(
            key="sales.quotes",
            title=_("Quotes"),
            url_name="sales:account_quotes",
            order=16,
            is_visible=lambda user: user_can(user, "sales.quote", "view"),
        )
        nav_item_register(
            key="sales.quotes",
            label=_("Quotes"),
            url_name="sales:quote_list",
            icon="document-text",
            order=31,
            object_type="sales.quote",
        )
        nav_item_register(
            key="sales.opportunities",
            label=_("Opportunities"),
            url_name="sales:opportunity_list",
            icon="briefcase",
            order=27,
            object_type="sales.opportunity",
        )
        # opportunity lines, pipeline settings (oppux)
        from crm.sales.models import OpportunityLine

        audit_register(OpportunityLine)
        api_router_register(prefix="", router="crm.sales.api.opportunity_lines.router")
        nav_item_register(
            key="sales.pipelines_admin",
            label=_("Pipelines"),
            url_name="sales:pipeline_admin_list",
            icon="view-columns",
            section="admin",
            order=45,
        )
        # --- contracts and subscriptions ---
        from crm.contacts.events import AccountDeleted
        from crm.core.events import subscribe
        from crm.sales import handlers
        from crm.sales.contract_timeline import contract_event_source
        from crm.sales.models import Contract
        from crm.sales.selectors.contracts import contract_exists_visible

        audit_register(
            Contract,
            exclude=("subtotal", "discount_total", "net_total", "tax_total"),
            highlight=("status", "end_date", "total", "owner", "renewal_opportunity"),
        )
        object_type_register(key="sales.contract", label=_("Contracts"), has_custom_fields=False)
        api_router_register(prefix="", router="crm.sales.api.contracts.router")
        timeline_subject_register(
            "sales.contract", lambda user, pk: contract_exists_visible(user=user, pk=pk)
        )
        timeline_source_register("sales.contracts", contract_event_source)
        subscribe(AccountDeleted, handlers.on_account_deleted_contracts)
        account_panel_register(
            key="sales.contracts",
            title=_("Contracts & subscriptions"),
            url_name="sales:account_contracts",
            order=17,
            is_visible=lambda user: user_can(user, "sales.contract", "view"),
        )
        nav_item_register(
            key="sales.contracts",
            label=_("Contracts"),
            url_name="sales:contract_list",
            icon="document-check",
            order=35,
            object_type="sales.contract",
        )

        # --- invoices, payments and credit notes ---
        from crm.sales.invoice_timeline import invoice_account_source
        from crm.sales.models import Invoice, Payment
        from crm.sales.selectors.invoices import invoice_exists_visible

        audit_register(
            Invoice,
            exclude=("reminders_sent", "last_reminder_at"),
            highlight=("status", "number", "amount_paid", "amount_credited", "total", "due_date"),
        )
        audit_register(Payment, highlight=("amount", "paid_on"))
        object_type_register(key="sales.invoice", label=_("Invoices"), has_custom_fields=False)
        object_type_register(key="sales.payment", label=_("Payments"), has_custom_fields=False)
        api_router_register(prefix="", router="crm.sales.api.invoices.router")
        timeline_subject_register("sales.invoice", lambda user, pk: invoice_exists_visible(user=user, pk=pk))
        timeline_source_register("sales.invoices", invoice_account_source)
        account_panel_register(
            key="sales.invoices",
            title=_("Invoices & payments"),
            url_name="sales:account_invoices",
            order=26,
            is_visible=lambda user: user_can(user, "sales.invoice", "view"),
        )
        nav_item_register(
            key="sales.invoices",
            label=_("Invoices"),
            url_name="sales:invoice_list",
            icon="banknotes",
            order=36,
            object_type="sales.invoice",
        )
        self._ready_orders()

    def _ready_orders(self) -> None:
        """Orders, deliveries and the installed base."""
        from crm.activities.timeline import timeline_source_register, timeline_subject_register
        from crm.contacts.merging import merge_handler_register
        from crm.contacts.panels import account_panel_register
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register, user_can
        from crm.core.ui.navigation import nav_item_register
        from crm.sales.models import Asset, Delivery, DeliveryLine, Order, OrderLine
        from crm.sales.order_timeline import deliveries_source, orders_placed_source, shipments_source
        from crm.sales.selectors.assets import asset_exists_visible
        from crm.sales.selectors.orders import delivery_exists_visible, order_exists_visible
        from crm.sales.services.order_merge import orders_merge_move, orders_merge_undo

        audit_register(
            Order,
            exclude=("subtotal", "discount_total", "net_total", "tax_total", "delivered_at"),
            highlight=("status", "owner"),
        )
        audit_register(OrderLine, exclude=("net_amount", "tax_amount"))
        audit_register(
            Delivery, exclude=("shipped_at", "delivered_at"), highlight=("status", "tracking_number")
        )
        audit_register(DeliveryLine)
        audit_register(Asset, highlight=("status", "warranty_until", "serial_number"))
        merge_handler_register(key="sales.orders", move=orders_merge_move, undo=orders_merge_undo)
        object_type_register(key="sales.order", label=_("Orders"), has_custom_fields=False)
        object_type_register(key="sales.delivery", label=_("Deliveries"), has_custom_fields=False)
        object_type_register(key="sales.asset", label=_("Assets"), has_custom_fields=False)
        api_router_register(prefix="", router="crm.sales.api.orders.router")
        api_router_register(prefix="", router="crm.sales.api.assets.router")
        timeline_subject_register("sales.order", lambda user, pk: order_exists_visible(user=user, pk=pk))
        timeline_subject_register(
            "sales.delivery", lambda user, pk: delivery_exists_visible(user=user, pk=pk)
        )
        timeline_subject_register("sales.asset", lambda user, pk: asset_exists_visible(user=user, pk=pk))
        timeline_source_register("sales.orders", orders_placed_source)
        timeline_source_register("sales.shipments", shipments_source)
        timeline_source_register("sales.deliveries", deliveries_source)
        account_panel_register(
            key="sales.orders",
            title=_("Orders & deliveries"),
            url_name="sales:account_orders",
            order=25,
            is_visible=lambda user: user_can(user, "sales.order", "view"),
        )
        account_panel_register(
            key="sales.assets",
            title=_("Installed base"),
            url_name="sales:account_assets",
            order=30,
            is_visible=lambda user: user_can(user, "sales.asset", "view"),
        )
        nav_item_register(
            key="sales.orders",
            label=_("Orders"),
            url_name="sales:order_list",
            icon="shopping-cart",
            order=32,
            object_type="sales.order",
        )
        nav_item_register(
            key="sales.deliveries",
            label=_("Deliveries"),
            url_name="sales:delivery_list",
            icon="truck",
            order=33,
            object_type="sales.delivery",
        )
        nav_item_register(
            key="sales.assets",
            label=_("Installed base"),
            url_name="sales:asset_list",
            icon="cube",
            order=34,
            object_type="sales.asset",
        )
