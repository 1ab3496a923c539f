"""Reads of the customer analyses: the latest computed result of one, for a user who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm.analytics.core.selectors import AnalysisStatus, analysis_status_get
from crm.catalog.selectors import company_currency_get


@dataclass(frozen=True)
class CustomerAnalysis:
    status: AnalysisStatus
    result: dict[str, Any] | None  # the latest successful run's summary (None: never computed)
    currency: str


def customer_analysis_get(*, user: Any, kind: str) -> CustomerAnalysis:
    """RecordNotFound for a user who may not see company-wide analyses (a sales rep)."""
    status = analysis_status_get(user=user, kind=kind)
    result = status.latest.result if status.latest is not None else None
    return CustomerAnalysis(status=status, result=result or None, currency=company_currency_get().code)


PARETO_MEASURES = ("revenue", "margin")


def pareto_view(result: dict[str, Any] | None, measure: str) -> dict[str, Any] | None:
    """The stored Pareto summary by `measure`: the run's own (revenue), or the margin view it carries. None when
    the run has no such view (computed before margins existed: a refresh adds it); `{"error": …}` when the
    margins could not be ranked."""
    if not result:
        return None
    if measure == "margin":
        view = result.get("margin")
        return view if isinstance(view, dict) else None
    return result


def pareto_top_share(result: dict[str, Any], percent: int) -> float | None:
    """The share of the total (revenue or margin) of the top `percent` % (a whole number 1–100) of customers,
    read off the stored curve (it holds every whole percent)."""
    curve = result.get("curve") or []
    if not 1 <= percent <= 100 or len(curve) != 101:
        return None
    return float(curve[percent][1])
