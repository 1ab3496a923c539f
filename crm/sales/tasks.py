"""Background entry points of the sales app (django-tasks); each calls one service."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from crm.core.audit.context import audit_context
from crm.sales.services.assets import assets_expire
from crm.sales.services.quotes import quote_deliver


@task()
def assets_expire_task() -> int:
    """The daily job: assets whose warranty ended become expired (idempotent); returns how many changed."""
    with audit_context(source="job"):
        return assets_expire()


@task()
def quotes_expire_task() -> int:
    """The daily job: sent quotes past their validity date become expired (idempotent); returns how many."""
    from crm.sales.services.quote_expiry import quotes_expire

    with audit_context(source="job"):
        return len(quotes_expire().expired)


@task()
def quote_send_task(quote_id: int, actor_id: int | None = None) -> bool:
    """Email a quote (PDF attached, signed link) and mark it sent; True when it went out now. Idempotent: a
    quote already sent is not emailed again."""
    with audit_context(source="job"):
        return quote_deliver(quote_id=quote_id, actor_id=actor_id) is not None


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
