from django_tasks import task

from crm.integrations.dataio.services.exports import export_run
from crm.integrations.dataio.services.imports import import_run


@task()
def import_run_task(job_id: int) -> str:
    """Run or resume an import (idempotent: a finished import is left alone, a stopped one continues)."""
    return import_run(job_id=job_id).status


@task()
def export_run_task(job_id: int) -> str:
    return export_run(job_id=job_id).status
