"""The customer analyses' pages: the latest computed figures with their charts and drill-downs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.analytics.customers import pages, selectors
from crm.contacts.views.common import domain_view


@login_required
@require_GET
@domain_view
def pareto(request: HttpRequest) -> HttpResponse:
    analysis = selectors.customer_analysis_get(user=request.user, kind="pareto")
    context = pages.pareto_context(
        analysis, top=request.GET.get("top", ""), measure=request.GET.get("measure", "revenue")
    )
    return render(request, "analytics/customers/pareto.html", context)


@login_required
@require_GET
@domain_view
def rfm(request: HttpRequest) -> HttpResponse:
    analysis = selectors.customer_analysis_get(user=request.user, kind="rfm")
    return render(request, "analytics/customers/rfm.html", pages.rfm_context(analysis))


@login_required
@require_GET
@domain_view
def cohorts(request: HttpRequest) -> HttpResponse:
    analysis = selectors.customer_analysis_get(user=request.user, kind="cohorts")
    context = pages.cohorts_context(analysis, show=request.GET.get("show", ""))
    return render(request, "analytics/customers/cohorts.html", context)
