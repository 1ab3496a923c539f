from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsPivotConfig(AppConfig):
    """The pivot / OLAP report builder: pivots over the operational records, saved and shared reports, exports
    and scheduled emails."""

    name = "crm.analytics.pivot"
    label = "analytics_pivot"
    verbose_name = _("Pivot reports")

    def ready(self) -> None:
        from crm.analytics.core.commands import analytics_command_register
        from crm.analytics.pivot.cli import pivot_arguments, pivot_command, report_arguments, report_command
        from crm.analytics.pivot.sources.catalogue import sources_register
        from crm.core.api.api import api_router_register
        from crm.core.ui.navigation import nav_item_register

        sources_register()
        api_router_register(prefix="", router="crm.analytics.pivot.api.router")
        nav_item_register(
            key="analytics.pivot",
            label=_("Reports"),
            url_name="analytics_pivot:builder",
            icon="table-cells",
            order=61,
            is_visible=lambda user: user.is_authenticated,
        )
        analytics_command_register(
            name="pivot",
            help=_("Compute a pivot and print it as CSV or JSON."),
            arguments=pivot_arguments,
            handle=pivot_command,
        )
        analytics_command_register(
            name="report",
            help=_("Run a saved pivot report: report run ID."),
            arguments=report_arguments,
            handle=report_command,
        )
