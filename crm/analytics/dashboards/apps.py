from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards of the analytical CRM: widgets computed from the sales, activity and customer selectors, a
    home dashboard per user and role, shared dashboards, the API and `crm analytics dashboard`."""

    name = "crm.analytics.dashboards"
    label = "analytics_dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from crm.analytics.core.commands import analytics_command_register
        from crm.analytics.dashboards import widgets  # noqa: F401  (registers the widget types)
        from crm.analytics.dashboards.cli import dashboard_arguments, dashboard_command
        from crm.core.api.api import api_router_register
        from crm.core.ui.navigation import nav_item_register
        from crm.core.ui.panels import home_panel_register

        api_router_register(prefix="", router="crm.analytics.dashboards.api.router")
        home_panel_register(
            key="analytics.home_dashboard",
            title=_("My dashboard"),
            url_name="analytics_dashboards:home_panel",
            order=1,
            wide=True,
        )
        nav_item_register(
            key="analytics.dashboards",
            label=_("Dashboards"),
            url_name="analytics_dashboards:dashboard_list",
            icon="presentation-chart-line",
            order=59,
        )
        analytics_command_register(
            name="dashboard",
            help=_("Print a dashboard's figures as JSON (the user's home dashboard by default)."),
            arguments=dashboard_arguments,
            handle=dashboard_command,
        )
