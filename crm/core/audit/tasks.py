from django_tasks import task

from crm.core.audit.services import recycle_bin_purge


@task()
def recycle_bin_purge_task() -> int:
    """Daily: delete for good what has been in the recycle bin for more than 30 days."""
    return recycle_bin_purge()
