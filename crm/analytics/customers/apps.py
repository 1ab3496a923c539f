from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersAnalyticsConfig(AppConfig):
    """Customer analytics: Pareto/ABC, RFM and acquisition cohorts (pages, API, CLI, per-account figures and the
    accounts list's filters by them)."""

    name = "crm.analytics.customers"
    label = "analytics_customers"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        from crm.analytics.core.commands import analytics_command_register
        from crm.analytics.core.registry import analysis_register
        from crm.analytics.customers import cli
        from crm.analytics.customers.filters import account_filters_register
        from crm.core.api.api import api_router_register

        analysis_register(
            key="pareto",
            label=_("Pareto and ABC"),
            description=_("What share of revenue the top customers bring, and each customer's A/B/C class."),
            url_name="analytics_customers:pareto",
            runner="crm.analytics.customers.services.pareto_refresh",
            order=10,
        )
        analysis_register(
            key="rfm",
            label=_("RFM segments"),
            description=_("Recency, frequency and monetary scores, named segments and how customers move."),
            url_name="analytics_customers:rfm",
            runner="crm.analytics.customers.services.rfm_refresh",
            order=20,
        )
        analysis_register(
            key="cohorts",
            label=_("Cohorts"),
            description=_("Retention and revenue by the month customers first bought."),
            url_name="analytics_customers:cohorts",
            runner="crm.analytics.customers.services.cohorts_refresh",
            order=30,
        )
        account_filters_register()
        api_router_register(prefix="", router="crm.analytics.customers.api.router")
        for name, help_text in (
            ("rfm", _("RFM segments as JSON, from the database or a transactions file.")),
            ("pareto", _("Pareto shares and ABC classes as JSON, from the database or a transactions file.")),
            ("cohorts", _("Acquisition cohorts as JSON, from the database or a transactions file.")),
        ):
            analytics_command_register(
                name=name, help=help_text, arguments=cli.arguments, handle=cli.handlers[name]
            )
