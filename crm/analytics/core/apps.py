from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """The analytics core: analysis runs and their refresh job, per-account figures, SVG charts, the hub page
    and the `crm analytics` command. The analyses themselves live in sibling apps that register here."""

    name = "crm.analytics.core"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from crm.analytics.core.access import analysis_can_view
        from crm.analytics.core.cli import refresh_arguments, refresh_command
        from crm.analytics.core.commands import analytics_command_register
        from crm.core.api.api import api_router_register
        from crm.core.identity.permissions import object_type_register
        from crm.core.ui.navigation import nav_item_register

        object_type_register(
            key="analytics.insight", label=_("Customer analytics"), owner_field="", has_custom_fields=False
        )
        api_router_register(prefix="", router="crm.analytics.core.api.router")
        nav_item_register(
            key="analytics.hub",
            label=_("Analytics"),
            url_name="analytics:hub",
            icon="chart-bar",
            order=60,
            is_visible=lambda user: analysis_can_view(user, "analytics.insight"),
        )
        analytics_command_register(
            name="refresh",
            help=_("Recompute one analysis now, in this process, with a progress line."),
            arguments=refresh_arguments,
            handle=refresh_command,
        )
