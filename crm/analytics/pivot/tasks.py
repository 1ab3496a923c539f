"""Background jobs of the pivot builder: the periodic check for due report emails and the email of one."""

from __future__ import annotations

from django_tasks import task

from crm.analytics.pivot.services import report_email_send, report_schedules_due_run


@task()
def report_schedules_due_task() -> int:
    """Every few minutes (idempotent): queue the emails of the scheduled reports that are due."""
    return len(report_schedules_due_run())


@task()
def report_email_send_task(schedule_id: int) -> bool:
    """Email one scheduled report with its CSV attached."""
    return report_email_send(schedule_id=schedule_id)
