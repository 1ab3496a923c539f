"""Background entry points of the sales app (django-tasks); each calls one service."""

from __future__ import annotations

from django_tasks import task

from crm.core.audit.context import audit_context
from crm.sales.services.assets import assets_expire


@task()
def assets_expire_task() -> int:
    """The daily job: assets whose warranty ended become expired (idempotent); returns how many changed."""
    with audit_context(source="job"):
        return assets_expire()
