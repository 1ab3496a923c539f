"""Background jobs of invoicing: the daily overdue run and the payment-reminder emails it queues."""

from __future__ import annotations

from django_tasks import task

from crm.core.audit.context import audit_context
from crm.sales.services.invoice_reminders import invoice_reminder_send, invoices_overdue_run


@task()
def invoices_overdue_task() -> dict[str, int]:
    """Daily (idempotent): flag overdue invoices and queue the payment reminders that are due."""
    with audit_context(source="job"):
        run = invoices_overdue_run()
    return {
        "flagged": len(run.flagged),
        "reminded": len(run.reminded),
        "without_email": len(run.without_email),
    }


@task()
def invoice_reminder_send_task(invoice_id: int) -> bool:
    """Email one invoice's payment reminder (queued after the overdue run commits)."""
    return invoice_reminder_send(invoice_id=invoice_id)
