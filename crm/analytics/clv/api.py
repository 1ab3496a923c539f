"""API: the latest lifetime-value result and the per-account figures (refresh: POST /analytics/runs {"kind": "clv"})."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from crm.analytics.clv import selectors
from crm.analytics.clv.schemas import ClvCustomerOut, ClvResultOut
from crm.core.api.errors import query_errors
from crm.core.api.pagination import PageOut, page_args, rows_response

router = Router(tags=["analytics"])


@router.get("/analytics/clv", response=ClvResultOut)
def clv_result(request: HttpRequest) -> dict[str, Any]:
    """The latest lifetime-value fit: parameters, log-likelihood, holdout check, KPIs and top accounts."""
    status = selectors.clv_status_get(user=request.user)
    latest = status.latest
    return {
        "computed_at": latest.finished_at if latest else None,
        "run": latest.pk if latest else None,
        "active_run": status.active.pk if status.active else None,
        "result": latest.result if latest else None,
    }


@router.get("/analytics/clv/customers", response=PageOut[ClvCustomerOut])
def clv_customers(request: HttpRequest) -> HttpResponse:
    """Per-account expected purchases, P(alive), expected order value and CLV of the accounts the caller may
    see, highest CLV first (`sort`: clv, p_alive, expected_purchases, account; `-` for descending)."""
    with query_errors():
        page = selectors.clv_customer_list(user=request.user, **page_args(request))
    return rows_response(page, ClvCustomerOut)
