"""The lifetime-value page: KPIs, fitted parameters, the holdout chart, the top accounts, the refresh control."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crm.analytics.clv import selectors
from crm.analytics.clv.bands import band_edges, band_rows
from crm.analytics.clv.charts import holdout_svg
from crm.analytics.core.ranges import account_list_url, range_parse
from crm.contacts.views.common import domain_view


@login_required
@require_GET
@domain_view
def clv_page(request: HttpRequest) -> HttpResponse:
    within = range_parse(request.GET, low_name="clv_min", high_name="clv_max")
    page = selectors.clv_page_get(user=request.user, within=within.lookups("clv"))
    holdout = (page.result or {}).get("holdout")
    bands = []
    if page.result:
        edges = band_edges((page.result.get("kpis") or {}).get("mean_clv"))
        counts = selectors.clv_bands(user=request.user, edges=edges) if edges else []
        bands = band_rows(edges, counts)
    return render(
        request,
        "analytics/clv/page.html",
        {
            "page": page,
            "status": page.status,
            "result": page.result,
            "holdout": holdout,
            "chart": holdout_svg(holdout) if holdout else None,
            "holdout_start": dt.date.fromisoformat(holdout["calibration_end"]) if holdout else None,
            "holdout_end": dt.date.fromisoformat(holdout["observation_end"]) if holdout else None,
            "within": within,
            "bands": bands,
            "list_url": account_list_url(name="clv", low=within.low, high=within.high)
            if within.is_set
            else "",
        },
    )
