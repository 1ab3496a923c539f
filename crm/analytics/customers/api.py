"""API: the latest computed customer analyses (company-wide: a sales rep gets 404)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from crm.analytics.customers import selectors
from crm.analytics.customers.schemas import CustomerAnalysisOut
from crm.core.errors import InvalidInput

router = Router(tags=["analytics"])


def _out(kind: str, analysis: selectors.CustomerAnalysis) -> dict[str, Any]:
    latest = analysis.status.latest
    return {
        "kind": kind,
        "computed_at": latest.finished_at if latest else None,
        "run": latest.pk if latest else None,
        "refreshing": analysis.status.active is not None,
        "currency": analysis.currency,
        "result": analysis.result,
    }


@router.get("/analytics/pareto", response=CustomerAnalysisOut)
def pareto_detail(
    request: HttpRequest,
    top: int | None = Query(None, ge=1, le=100),  # type: ignore[type-arg]
    measure: Literal["revenue", "margin"] = Query("revenue"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """Pareto shares and ABC classes by `measure`: `revenue` (the default; the ABC class stored per account is
    this one) or `margin` (net − cost of the order lines: a view computed by the same run; negative margins sit
    at the tail, so shares may pass 100 %; `result` is null until a refresh computes it, and holds `error` when
    the margins could not be ranked). `top` (1–100) adds `result.top_chosen`: the share of the top `top` % of
    customers."""
    analysis = selectors.customer_analysis_get(user=request.user, kind="pareto")
    out = _out("pareto", analysis)
    view = selectors.pareto_view(analysis.result, measure)
    out["result"] = view
    if top is not None and view is not None and "error" not in view:
        share = selectors.pareto_top_share(view, top)
        if share is None:
            raise InvalidInput(field_errors={"top": [_("The stored curve cannot answer this share.")]})
        out["result"] = {**view, "top_chosen": {"percent": top, f"{measure}_share": share}}
    return out


@router.get("/analytics/rfm", response=CustomerAnalysisOut)
def rfm_detail(request: HttpRequest) -> dict[str, Any]:
    """RFM segments: customers and revenue per segment, the R×F grid, the movement between segments."""
    return _out("rfm", selectors.customer_analysis_get(user=request.user, kind="rfm"))


@router.get("/analytics/cohorts", response=CustomerAnalysisOut)
def cohorts_detail(request: HttpRequest) -> dict[str, Any]:
    """Acquisition cohorts: per first-purchase month, the customers active and their revenue by month since."""
    return _out("cohorts", selectors.customer_analysis_get(user=request.user, kind="cohorts"))
