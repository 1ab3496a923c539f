"""Exports: write a list (its filters, sort and columns) as CSV or XLSX with constant memory; big ones as jobs."""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Callable, Mapping
from typing import IO, Any

from django.core.files.base import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.listing import capped_count
from crm.integrations.dataio.enums import ExportFormat, ExportStatus
from crm.integrations.dataio.models import ExportJob
from crm.integrations.dataio.selectors import (
    EXPORT_OBJECTS,
    export_csv_bytes,
    export_file_stem,
    export_query,
    export_rows,
)

logger = logging.getLogger(__name__)
# lists up to this many rows download at once; longer ones run as a background job
DIRECT_LIMIT = 10_000


def _check(user: Any, object_type: str, file_format: str) -> None:
    if object_type not in EXPORT_OBJECTS:
        raise InvalidInput(field_errors={"object_type": [_("Choose contacts or accounts.")]})
    if file_format not in ExportFormat.values:
        raise InvalidInput(field_errors={"format": [_("Choose CSV or XLSX.")]})
    if user is not None and not user_can(user, object_type, "export"):
        raise PermissionDenied()


def export_write(
    *,
    user: Any,
    object_type: str,
    params: Mapping[str, Any],
    file_format: str,
    out: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the export to `out` (binary); the number of rows. `user=None` is the system (everything)."""
    _check(user, object_type, file_format)
    if file_format == ExportFormat.CSV:
        header, chunks = export_csv_bytes(user=user, object_type=object_type, params=params)
        buffer = io.StringIO()
        csv.writer(buffer).writerow(header)
        out.write(("\ufeff" + buffer.getvalue()).encode("utf-8"))
        lines = 0
        for chunk in chunks:
            out.write(chunk)
            lines += chunk.count(b"\n")
            if progress is not None:
                progress(lines)  # a cell with a line break counts twice here: good enough for a progress bar
        return lines
    from openpyxl import Workbook

    header, batches = export_rows(user=user, object_type=object_type, params=params)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export_file_stem(object_type))
    sheet.append(header)
    rows = 0
    for batch in batches:
        for row in batch:
            sheet.append(row)
        rows += len(batch)
        if progress is not None:
            progress(rows)
    workbook.save(out)
    return rows


def export_is_large(*, user: Any, object_type: str, params: Mapping[str, Any]) -> bool:
    """More rows than a browser should wait for (counted up to the limit only)."""
    _n, capped = capped_count(
        export_query(user=user, object_type=object_type, params=params), cap=DIRECT_LIMIT
    )
    return capped


def export_start(*, user: Any, object_type: str, params: QueryDict, file_format: str) -> ExportJob:
    """Queue an export job (checked now: permission, filters and sort)."""
    _check(user, object_type, file_format)
    export_query(user=user, object_type=object_type, params=params)  # a bad filter fails here, not in the job
    from crm.integrations.dataio.tasks import export_run_task

    query = params.copy()
    query.pop("format", None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            object_type=object_type, file_format=file_format, query=query.urlencode(), created_by=user
        )
        transaction.on_commit(lambda: export_run_task.enqueue(job_id=job.pk))
    return job


def export_run(*, job_id: int) -> ExportJob:
    """Write a queued export to the file storage (idempotent: a finished job is left alone)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise RecordNotFound()
        if job.status in {ExportStatus.DONE, ExportStatus.FAILED}:
            return job
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])
    params = QueryDict(job.query)
    user = job.created_by
    try:
        job.total_rows = export_query(user=user, object_type=job.object_type, params=params).count()
        ExportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        with tempfile.TemporaryFile() as tmp:
            rows = export_write(
                user=user,
                object_type=job.object_type,
                params=params,
                file_format=job.file_format,
                out=tmp,
                progress=progress,
            )
            tmp.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(
                f"{export_file_stem(job.object_type)}-{stamp}.{job.file_format}", File(tmp), save=False
            )
        job.rows_done = rows
        job.status = ExportStatus.DONE
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        job.status = ExportStatus.FAILED
        job.error = str(exc)[:1000]
    job.finished_at = timezone.now()
    job.save()
    return job
