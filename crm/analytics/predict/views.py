"""The pages of the predictive analyses (company-wide: users without the "all" view scope get 404)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.analytics.core.ranges import account_list_url, range_parse
from crm.analytics.predict import presentation, selectors
from crm.contacts.views.common import domain_view


@login_required
@require_GET
@domain_view
def churn(request: HttpRequest) -> HttpResponse:
    risk = range_parse(
        request.GET, low_name="risk_min", high_name="risk_max", scale=100, maximum=Decimal(100)
    )
    report = selectors.churn_report(user=request.user, risk=risk.lookups("churn_risk"))
    context = {"report": report, "status": report.status, "result": report.result, "risk": risk}
    if report.result:
        histogram = report.result.get("histogram", [])
        context.update(
            roc=presentation.roc_chart(report.result),
            histogram=presentation.histogram_chart(
                histogram,
                title=_("Customers by churn risk"),
                percent=True,
                urls=presentation.churn_band_urls(len(histogram)),
            ),
            bands=presentation.churn_bands(histogram),
            importance=presentation.importance_rows(report.result, kind="churn"),
            risk_list_url=account_list_url(name="churn_risk", low=risk.low, high=risk.high)
            if risk.is_set
            else "",
        )
    return render(request, "analytics/predict/churn.html", context)


@login_required
@require_GET
@domain_view
def lead_scoring(request: HttpRequest) -> HttpResponse:
    report = selectors.lead_scoring_report(user=request.user)
    context = {"report": report, "status": report.status, "result": report.result}
    if report.result:
        context.update(
            roc=presentation.roc_chart(report.result),
            histogram=presentation.histogram_chart(
                report.result.get("histogram", []), title=_("Leads by score"), percent=False
            ),
            importance=presentation.importance_rows(report.result, kind="lead_scoring"),
        )
    return render(request, "analytics/predict/lead_scoring.html", context)


@login_required
@require_GET
@domain_view
def sales_forecast(request: HttpRequest) -> HttpResponse:
    report = selectors.sales_forecast_report(user=request.user)
    context = {"report": report, "status": report.status, "result": report.result}
    if report.result:
        context["chart"] = presentation.forecast_chart(report.result)
        context["months"] = presentation.forecast_rows(report.result)
    return render(request, "analytics/predict/sales_forecast.html", context)
