"""API: the latest result of each predictive analysis. Refresh through POST /analytics/runs (the core)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from crm.analytics.predict import selectors
from crm.analytics.predict.schemas import ChurnOut, PredictionOut
from crm.analytics.predict.selectors import Report

router = Router(tags=["analytics"])


def _out(report: Report, *, hide: tuple[str, ...] = ()) -> dict[str, Any]:
    status = report.status
    return {
        "kind": status.analysis.key,
        "computed_at": report.computed_at,
        "run_id": status.latest.pk if status.latest else None,
        "active_run": status.active.pk if status.active else None,
        "result": {k: v for k, v in report.result.items() if k not in hide},
    }


@router.get("/analytics/churn", response=ChurnOut)
def churn(request: HttpRequest) -> dict[str, Any]:
    """Churn risk: the holdout AUC and ROC, the model's weights, and the customers at highest risk."""
    report = selectors.churn_report(user=request.user)
    return {**_out(report, hide=("model",)), "at_risk": report.rows}


@router.get("/analytics/lead-scoring", response=PredictionOut)
def lead_scoring(request: HttpRequest) -> dict[str, Any]:
    """Lead scoring: the holdout AUC and ROC, the weights and the stored model (scores are on the leads)."""
    return _out(selectors.lead_scoring_report(user=request.user))


@router.get("/analytics/sales-forecast", response=PredictionOut)
def sales_forecast(request: HttpRequest) -> dict[str, Any]:
    """Sales forecast: monthly revenue, the seasonal forecast, its backtest error and the weighted pipeline."""
    return _out(selectors.sales_forecast_report(user=request.user))
