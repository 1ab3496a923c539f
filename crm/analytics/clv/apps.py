from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsClvConfig(AppConfig):
    """Customer lifetime value: BG/NBD and Gamma-Gamma fitted by maximum likelihood, per-account expected
    purchases, P(alive), expected order value and discounted CLV; its page, API and `crm analytics clv`."""

    name = "crm.analytics.clv"
    label = "analytics_clv"
    verbose_name = _("Lifetime value")

    def ready(self) -> None:
        from crm.analytics.clv.cli import clv_arguments, clv_command
        from crm.analytics.core.commands import analytics_command_register
        from crm.analytics.core.registry import analysis_register
        from crm.core.api.api import api_router_register

        analysis_register(
            key="clv",
            label=_("Lifetime value"),
            description=_(
                "Expected purchases, probability of being active, expected order value and discounted lifetime value of every customer (BG/NBD and Gamma-Gamma models)."
            ),
            url_name="analytics_clv:page",
            runner="crm.analytics.clv.services.clv_refresh",
            order=30,
        )
        api_router_register(prefix="", router="crm.analytics.clv.api.router")
        analytics_command_register(
            name="clv",
            help=_(
                "Fit the lifetime-value models on the orders or on a CSV file and print the parameters as JSON."
            ),
            arguments=clv_arguments,
            handle=clv_command,
        )
