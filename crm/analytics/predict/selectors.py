"""Reads of the predictive analyses for their pages and API: the latest run's result (what was computed, when)
and the customers most at risk. Company-wide: `analysis_status_get` refuses (404) users without the "all" view
scope; account names still go through the contacts selector."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm.analytics.core.selectors import AnalysisStatus, analysis_status_get, customer_insight_query
from crm.analytics.predict.churn_features import churn_feature_labels
from crm.contacts.selectors import account_query

TOP_AT_RISK = 25


@dataclass(frozen=True)
class Report:
    status: AnalysisStatus
    result: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def computed_at(self) -> Any:
        return self.status.latest.finished_at if self.status.latest else None


def _report(*, user: Any, kind: str) -> Report:
    status = analysis_status_get(user=user, kind=kind)
    return Report(status=status, result=dict(status.latest.result) if status.latest else {})


def churn_report(*, user: Any, limit: int = TOP_AT_RISK, risk: Mapping[str, Any] | None = None) -> Report:
    """The churn analysis and the `limit` customers at highest risk (with P(alive) where the lifetime-value
    analysis stored one), within `risk` (lookups on churn_risk, e.g. {"churn_risk__lte": 0.5}): two queries on
    top of the status, on the churn-risk index."""
    base = _report(user=user, kind="churn")
    if not base.result:
        return base
    insights = list(
        customer_insight_query(churn_risk__isnull=False, **(risk or {}))
        .order_by("-churn_risk", "account_id")
        .values("account_id", "churn_risk", "churn_factors", "p_alive", "last_purchase_on")[:limit]
    )
    ids = [i["account_id"] for i in insights]
    names = dict(account_query(user=user).filter(pk__in=ids).values_list("pk", "name"))
    features = {f["feature"] for i in insights for f in i["churn_factors"] or []}
    labels = churn_feature_labels(sorted(features))
    rows = [
        {
            "account_id": i["account_id"],
            "name": names.get(i["account_id"], ""),
            "churn_risk": i["churn_risk"],
            "p_alive": i["p_alive"],
            "factors": [
                {**f, "label": labels.get(f["feature"], f.get("label", "")), "raises": f["effect"] > 0}
                for f in i["churn_factors"] or []
            ],
        }
        for i in insights
        if i["account_id"] in names
    ]
    return Report(status=base.status, result=base.result, rows=rows)


def lead_scoring_report(*, user: Any) -> Report:
    return _report(user=user, kind="lead_scoring")


def sales_forecast_report(*, user: Any) -> Report:
    return _report(user=user, kind="sales_forecast")
