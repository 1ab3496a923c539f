from django_tasks import task

from crm.contacts.services.duplicates import duplicate_scan
from crm.core.audit.context import audit_context


@task()
def duplicate_scan_task(object_type: str) -> int:
    """Scan every account or contact for likely duplicates and refresh the review queue; returns the pairs found."""
    with audit_context(source="job"):
        return len(duplicate_scan(object_type=object_type, store=True).matches)
