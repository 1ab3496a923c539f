"""API: the analyses, their refresh runs (queue one, follow its progress)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from crm.analytics.core import selectors, services
from crm.analytics.core.models import AnalysisRun
from crm.analytics.core.schemas import AnalysisOut, AnalysisRunIn, AnalysisRunOut
from crm.analytics.core.selectors import AnalysisStatus

router = Router(tags=["analytics"])


def _analysis_out(status: AnalysisStatus) -> dict[str, object]:
    return {
        "key": status.analysis.key,
        "label": str(status.analysis.label),
        "description": str(status.analysis.description),
        "computed_at": status.latest.finished_at if status.latest else None,
        "latest_run": status.latest.pk if status.latest else None,
        "active_run": status.active,
        "can_refresh": status.can_refresh,
    }


@router.get("/analytics/analyses", response=list[AnalysisOut])
def analysis_list(request: HttpRequest) -> list[dict[str, object]]:
    """The analyses the caller may see, when each was last computed, and any refresh under way."""
    return [_analysis_out(s) for s in selectors.analysis_status_list(user=request.user)]


@router.post("/analytics/runs", response={202: AnalysisRunOut})
def analysis_run_create(request: HttpRequest, payload: AnalysisRunIn) -> tuple[int, AnalysisRun]:
    """Queue a refresh (a background job); a refresh of the same analysis under way is answered instead."""
    return 202, services.analysis_run_request(kind=payload.kind, params=payload.params, actor=request.user)


@router.get("/analytics/runs/{run_id}", response=AnalysisRunOut)
def analysis_run_detail(request: HttpRequest, run_id: int) -> AnalysisRun:
    """A refresh's status and progress."""
    return selectors.analysis_run_get(user=request.user, pk=run_id)
