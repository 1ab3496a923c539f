from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsPredictConfig(AppConfig):
    """Predictive analytics: churn risk, lead scoring and the sales forecast — supervised and time-series models
    refreshed as analysis runs of the analytics core."""

    name = "crm.analytics.predict"
    label = "analytics_predict"
    verbose_name = _("Predictive analytics")

    def ready(self) -> None:
        from crm.analytics.core.registry import analysis_register
        from crm.analytics.predict.handlers import lead_created_score
        from crm.core.api.api import api_router_register
        from crm.core.events import subscribe
        from crm.leads.events import LeadCreated

        analysis_register(
            key="churn",
            label=_("Churn risk"),
            description=_(
                "Which customers are likely to stop buying: a model trained on purchases and interactions, "
                "measured on a later period, with each customer's main risk factors."
            ),
            url_name="analytics_predict:churn",
            runner="crm.analytics.predict.churn.churn_refresh",
            order=50,
        )
        analysis_register(
            key="lead_scoring",
            label=_("Lead scoring"),
            description=_(
                "A 0-100 score on every lead, learnt from the leads that were won or lost, explained per lead."
            ),
            url_name="analytics_predict:lead_scoring",
            runner="crm.analytics.predict.lead_scoring.lead_scoring_refresh",
            order=60,
        )
        analysis_register(
            key="sales_forecast",
            label=_("Sales forecast"),
            description=_(
                "Monthly revenue ahead: a seasonal forecast with its backtest error, next to the weighted "
                "open pipeline."
            ),
            url_name="analytics_predict:sales_forecast",
            runner="crm.analytics.predict.sales_forecast.sales_forecast_refresh",
            order=70,
        )
        subscribe(LeadCreated, lead_created_score)
        api_router_register(prefix="", router="crm.analytics.predict.api.router")
