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
        audit_register(Quota)
        api_router_register(prefix="", router="crm.sales.api.insight.router")
        nav_item_register(
            key="sales.forecast",
            label=_("Forecast"),
            url_name="sales:forecast",
            icon="presentation-chart-line",
            order=28,
            object_type="sales.opportunity",
        )
        nav_item_register(
            key="sales.lifecycle",
            label=_("Lifecycle"),
            url_name="sales:lifecycle",
            icon="arrow-trending-up",
            order=29,
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
        nav_item_register(
            key="sales.opportunities",
            label=_("Opportunities"),
            url_name="sales:opportunity_list",
            icon="briefcase",
            order=27,
            object_type="sales.opportunity",
        )
