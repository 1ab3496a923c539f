from django_tasks import task

from crm.contacts.services.duplicates import duplicate_scan
from crm.core.audit.context import audit_context


@task()
def duplicate_scan_task(object_type: str) -> int:
    """Scan every account or contact for likely duplicates and refresh the review queue; returns the pairs found."""
    with audit_context(source="job"):
        return len(duplicate_scan(object_type=object_type, store=True).matches)


@task()
def territory_rematch_task(run_id: int) -> int:
    """Match every account's primary address against the territories again; returns how many changed."""
    from crm.contacts.services.territories import territory_rematch_run

    with audit_context(source="job"):
        return territory_rematch_run(run_id=run_id).changed
