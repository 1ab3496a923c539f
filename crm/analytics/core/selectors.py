"""Reads of the analytics core, scoped by the user's permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from crm.analytics.core.access import analysis_can_refresh, analysis_can_view
from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import AnalysisRun, CustomerInsight
from crm.analytics.core.registry import Analysis, analyses, analysis_get
from crm.core.errors import RecordNotFound


@dataclass(frozen=True)
class AnalysisStatus:
    analysis: Analysis
    latest: AnalysisRun | None  # the newest finished (done) run
    active: AnalysisRun | None  # a run queued or running now
    can_refresh: bool


def analysis_run_get(*, user: Any, pk: int) -> AnalysisRun:
    """A run the user may see (its analysis' view permission), else RecordNotFound."""
    run = AnalysisRun.objects.filter(pk=pk).first()
    analysis = analysis_get(run.kind) if run else None
    if run is None or analysis is None or not analysis_can_view(user, analysis.object_type):
        raise RecordNotFound()
    return run


def analysis_run_latest(*, kind: str) -> AnalysisRun | None:
    """The newest successful run of `kind`: what its page shows."""
    return AnalysisRun.objects.filter(kind=kind, status=RunStatus.DONE).order_by("-pk").first()


def analysis_run_active(*, kind: str) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(kind=kind, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .order_by("-pk")
        .first()
    )


def analysis_status_get(*, user: Any, kind: str) -> AnalysisStatus:
    analysis = analysis_get(kind)
    if analysis is None or not analysis_can_view(user, analysis.object_type):
        raise RecordNotFound()
    return AnalysisStatus(
        analysis=analysis,
        latest=analysis_run_latest(kind=kind),
        active=analysis_run_active(kind=kind),
        can_refresh=analysis_can_refresh(user, analysis.object_type),
    )


def analysis_status_list(*, user: Any) -> list[AnalysisStatus]:
    """Every registered analysis the user may view, with its latest and active runs (three queries in all)."""
    visible = [a for a in analyses() if analysis_can_view(user, a.object_type)]
    kinds = [a.key for a in visible]
    # one run of a kind is active at a time, so the highest id among the finished ones is the newest
    newest = (
        AnalysisRun.objects.filter(kind__in=kinds, status=RunStatus.DONE)
        .values("kind")
        .annotate(newest=Max("pk"))
        .values_list("newest", flat=True)
    )
    latest = {run.kind: run for run in AnalysisRun.objects.filter(pk__in=list(newest))}
    active: dict[str, AnalysisRun] = {}
    for run in AnalysisRun.objects.filter(
        kind__in=kinds, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).order_by("-pk"):
        active.setdefault(run.kind, run)
    return [
        AnalysisStatus(
            analysis=a,
            latest=latest.get(a.key),
            active=active.get(a.key),
            can_refresh=analysis_can_refresh(user, a.object_type),
        )
        for a in visible
    ]


def customer_insight_for_account(*, account_id: int) -> CustomerInsight | None:
    """The stored figures of one account (the caller has checked the account is visible)."""
    return CustomerInsight.objects.filter(account_id=account_id).first()


def customer_insight_account_ids(*, condition: Any) -> Any:
    """The ids of the accounts whose stored figures meet `condition` (a Q on CustomerInsight), as a subquery:
    what the accounts list's analytics filters narrow by (`pk__in`)."""
    return CustomerInsight.objects.filter(condition).values("account_id")


def customer_insight_query(**conditions: Any) -> QuerySet[CustomerInsight]:
    """The stored per-account figures matching `conditions` (field lookups), unscoped: the caller restricts them
    to the accounts the user may see."""
    return CustomerInsight.objects.filter(**conditions)
