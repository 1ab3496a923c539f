"""API: compute a pivot, saved reports (CRUD), a report's export as CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.analytics.pivot import selectors, services
from crm.analytics.pivot.export import export_response, result_json
from crm.analytics.pivot.schemas import PivotIn, PivotOut, ReportIn, ReportOut, ReportPatch
from crm.core.errors import InvalidInput

router = Router(tags=["analytics"])


@router.post("/analytics/pivot", response=PivotOut)
def pivot(request: HttpRequest, payload: PivotIn) -> Any:
    """The pivot over the records the caller may see: rows × columns with subtotals and totals."""
    return result_json(selectors.pivot_compute(user=request.auth, data=payload.model_dump()))  # type: ignore[attr-defined]


@router.get("/analytics/reports", response=list[ReportOut])
def report_list(request: HttpRequest) -> Any:
    """The caller's reports and those shared with their team."""
    return selectors.saved_report_list(user=request.auth)  # type: ignore[attr-defined]


@router.post("/analytics/reports", response={201: ReportOut})
def report_create(request: HttpRequest, payload: ReportIn) -> Any:
    return 201, services.saved_report_create(actor=request.auth, **payload.model_dump())  # type: ignore[attr-defined]


@router.get("/analytics/reports/{int:report_id}", response=ReportOut)
def report_get(request: HttpRequest, report_id: int) -> Any:
    return selectors.saved_report_get(user=request.auth, pk=report_id)  # type: ignore[attr-defined]


@router.patch("/analytics/reports/{int:report_id}", response=ReportOut)
def report_update(request: HttpRequest, report_id: int, payload: ReportPatch) -> Any:
    """Change your report (name, definition, team; `team_id: null` makes it private)."""
    user = request.auth  # type: ignore[attr-defined]
    report = selectors.saved_report_get(user=user, pk=report_id, action="change")
    changes = payload.model_dump(exclude_unset=True)
    return services.saved_report_update(actor=user, report=report, **changes)


@router.delete("/analytics/reports/{int:report_id}", response={204: None})
def report_delete(request: HttpRequest, report_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.saved_report_delete(
        actor=user, report=selectors.saved_report_get(user=user, pk=report_id, action="change")
    )
    return Status(204, None)


@router.get("/analytics/reports/{int:report_id}/export")
def report_export(request: HttpRequest, report_id: int, format: str = "csv") -> Any:
    """The report's table as `csv` or `xlsx` (spreadsheet-safe)."""
    user = request.auth  # type: ignore[attr-defined]
    if format not in ("csv", "xlsx"):
        raise InvalidInput(field_errors={"format": [_("Use csv or xlsx.")]})
    report = selectors.saved_report_get(user=user, pk=report_id)
    return export_response(selectors.pivot_compute(user=user, data=report.definition), format, report.name)
