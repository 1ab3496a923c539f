"""Background entry points of the sales app (django-tasks), each calling one service."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def contracts_run_task() -> dict[str, int]:
    """Daily (idempotent, so the worker's periodic schedule may run it more often): draft the contract invoices
    due today, open the renewals due, end the contracts past their end."""
    from crm.sales.services.contract_renewals import contracts_daily_run

    billing, renewals = contracts_daily_run(today=timezone.localdate())
    return {
        "invoices": billing.count,
        "renewals_opened": len(renewals.opened),
        "expired": len(renewals.expired),
        "renewed": len(renewals.renewed),
        "failed": len(renewals.failed),
    }
