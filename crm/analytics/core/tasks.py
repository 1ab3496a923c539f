"""Background entry points of the analytics core (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from crm.core.audit.context import audit_context


@task()
def analysis_run_task(run_id: int) -> str:
    """Execute one queued analysis run; returns its final status. Safe to deliver twice."""
    from crm.analytics.core.services import analysis_run_execute

    with audit_context(source="job"):
        return str(analysis_run_execute(run_id=run_id).status)


@task()
def analyses_refresh_due_task() -> int:
    """The nightly refresh (queued by the worker's scheduler every 10 minutes; only stale analyses run)."""
    from crm.analytics.core.services import analyses_refresh_due

    with audit_context(source="job"):
        return len(analyses_refresh_due())
