"""Imports: upload and inspect a file, map its columns, preview, run in batches (resumable), revert."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.audit.enums import Source
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_can, user_is_admin
from crm.integrations.dataio.batching import Batch, batches, read_ahead
from crm.integrations.dataio.cells import fold
from crm.integrations.dataio.enums import DateOrder, DecimalMark, FileFormat, ImportStatus, UpdateBy
from crm.integrations.dataio.mapping import mapping_check, mapping_suggest, target_get
from crm.integrations.dataio.models import ImportBatch, ImportJob, ImportMapping
from crm.integrations.dataio.pipeline import (
    LOADERS,
    Pipeline,
    RowResult,
    errors_message,
    file_rows,
    report_cells,
)
from crm.integrations.dataio.reading import file_inspect
from crm.integrations.dataio.vcards import VCARD_COLUMNS

logger = logging.getLogger(__name__)
BATCH_SIZE = 10_000
PREVIEW_ROWS = 20


def _language_defaults() -> dict[str, str]:
    if (translation.get_language() or "en").startswith("es"):
        return {"date_order": DateOrder.DMY, "decimal": DecimalMark.COMMA}
    return {"date_order": DateOrder.MDY, "decimal": DecimalMark.POINT}


def _saved_columns(object_type: str, headers: list[str]) -> dict[str, str] | None:
    """The most recent saved mapping that knows at least half of these headers."""
    folded = {fold(h) for h in headers if h}
    for saved in ImportMapping.objects.filter(object_type=object_type).order_by("-created_at")[:50]:
        known = folded & set(saved.columns)
        if folded and len(known) * 2 >= len(folded):
            return dict(saved.columns)
    return None


def import_create(*, actor: Any, object_type: str, file: IO[bytes], name: str, size: int) -> ImportJob:
    """Check the file as a whole (refusing it with a clear message) and keep it, with suggested mapping."""
    target = target_get(object_type)
    if actor is not None and not user_can(actor, object_type, "create"):
        raise PermissionDenied()
    info = file_inspect(file, name=name, size=size)
    headers = info.headers if info.file_format != FileFormat.VCARD else list(VCARD_COLUMNS)
    assert headers is not None
    if info.file_format == FileFormat.VCARD:
        mapping = list(VCARD_COLUMNS)
    else:
        mapping = mapping_suggest(target=target, headers=headers, saved=_saved_columns(object_type, headers))
    options = {"encoding": info.encoding, "delimiter": info.delimiter, **_language_defaults()}
    job = ImportJob(
        object_type=object_type,
        file_name=name[:255],
        file_format=info.file_format,
        file_size=size,
        headers=headers,
        mapping=mapping,
        options=options,
        total_rows=info.total_rows,
        created_by=actor,
        update_by=UpdateBy.EMAIL if object_type == "contacts.contact" and "email" in mapping else "",
    )
    file.seek(0)
    with transaction.atomic(), audit_context(actor=actor, source=Source.IMPORT):
        job.file.save(name[-100:], File(file), save=False)
        job.save()
    return job


def import_job_for(*, actor: Any, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or (actor is not None and job.created_by_id != actor.pk and not user_is_admin(actor)):
        raise RecordNotFound()
    return job


@transaction.atomic
def import_configure(
    *,
    actor: Any,
    job: ImportJob,
    mapping: list[str],
    update_by: str = "",
    date_order: str = "",
    decimal: str = "",
    save_as: str = "",
) -> ImportJob:
    """Set the column mapping and how values are read; optionally save the mapping for later files."""
    job = import_job_for(actor=actor, job_id=job.pk)
    if job.status != ImportStatus.DRAFT:
        raise InvalidInput(_("This import has already started."))
    target = target_get(job.object_type)
    errors: dict[str, list[str]] = {}
    if update_by not in UpdateBy.values:
        errors["update_by"] = [_("Choose email or external id.")]
    elif update_by and update_by not in target.names:
        errors["update_by"] = [_("Activities can only be matched by external id.")]
    elif update_by and update_by not in mapping:
        errors["update_by"] = [
            _("Map a column to “%(field)s” to update by it.") % {"field": target.field(update_by).label}
        ]
    if date_order and date_order not in DateOrder.values:
        errors["date_order"] = [_("Choose a date format.")]
    if decimal and decimal not in DecimalMark.values:
        errors["decimal"] = [_("Choose a decimal mark.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    job.mapping = mapping_check(target=target, headers=job.headers, mapping=mapping)
    job.update_by = update_by
    job.options = {
        **job.options,
        **({"date_order": date_order} if date_order else {}),
        **({"decimal": decimal} if decimal else {}),
    }
    with audit_context(actor=actor, source=Source.IMPORT):
        job.save()
    name = save_as.strip()[:100]
    if name:
        columns = {fold(h): f for h, f in zip(job.headers, job.mapping, strict=False) if h and f}
        ImportMapping.objects.update_or_create(
            object_type=job.object_type, name=name, defaults={"columns": columns, "created_by": actor}
        )
    return job


def import_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> list[RowResult]:
    """The first rows as the import will see them: values, and what is wrong with each (nothing is written)."""
    pipeline = Pipeline(
        object_type=job.object_type,
        headers=job.headers,
        mapping=job.mapping,
        options=job.options,
        update_by=job.update_by,
    )
    out: list[RowResult] = []
    with file_rows(job) as rows:
        for row_no, cells in rows:
            result = pipeline.row(row_no, cells)
            if result.outcome != "blank":
                out.append(result)
            if len(out) >= limit:
                break
    return out


def import_start(*, actor: Any, job: ImportJob, enqueue: bool = True) -> ImportJob:
    """Queue the import as a background job (after commit); `enqueue=False`: the caller runs it (the CLI)."""
    from crm.integrations.dataio.tasks import import_run_task

    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=import_job_for(actor=actor, job_id=job.pk).pk)
        if locked.status != ImportStatus.DRAFT:
            raise InvalidInput(_("This import has already started."))
        mapping_check(target=target_get(locked.object_type), headers=locked.headers, mapping=locked.mapping)
        locked.status = ImportStatus.QUEUED
        with audit_context(actor=actor, source=Source.IMPORT):
            locked.save()
        if enqueue:
            transaction.on_commit(lambda: import_run_task.enqueue(job_id=locked.pk))
    return locked


def import_resume(*, actor: Any, job: ImportJob, enqueue: bool = True) -> ImportJob:
    """Continue an import that stopped (a failed run, or a worker that died): after its last committed batch."""
    from crm.integrations.dataio.tasks import import_run_task

    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=import_job_for(actor=actor, job_id=job.pk).pk)
        if locked.status not in {ImportStatus.FAILED, ImportStatus.RUNNING, ImportStatus.QUEUED}:
            raise InvalidInput(_("Only an import that stopped can be resumed."))
        locked.status = ImportStatus.QUEUED
        locked.error = ""
        with audit_context(actor=actor, source=Source.IMPORT):
            locked.save()
        if enqueue:
            transaction.on_commit(lambda: import_run_task.enqueue(job_id=locked.pk))
    return locked


def _commit_batch(
    job_id: int,
    batch: Batch,
    next_cursor: int,
    number: int,
    actor: Any,
    update_by: str,
    update_existing: bool,
) -> bool:
    """Write one batch, its report and the new cursor in one transaction. False: someone else moved on."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.cursor != batch.first or job.status != ImportStatus.RUNNING:
            return False
        loader = LOADERS[job.object_type]
        good = [r for r in batch.rows if r.clean is not None]
        result = loader.upsert(
            actor=actor,
            rows=[r.clean for r in good],
            update_by=update_by,
            update_existing=update_existing,
            default_owner=job.created_by,
        )
        pipeline_labels = {f.name: str(f.label) for f in target_get(job.object_type).fields}
        report: list[list[Any]] = []
        created = updated = skipped = failed = 0
        outcomes = dict(zip((id(r) for r in good), result.outcomes, strict=True))
        errors = {id(good[i]): e for i, e in result.row_errors.items()}
        for r in batch.rows:
            if r.outcome == "blank":
                skipped += 1
            elif r.outcome == "duplicate":
                skipped += 1
                report.append([r.row_no, "duplicate", r.message, report_cells(r.cells)])
            elif r.outcome == "failed":
                failed += 1
                report.append([r.row_no, "failed", r.message, report_cells(r.cells)])
            else:
                outcome = outcomes[id(r)]
                if outcome == "created":
                    created += 1
                elif outcome == "updated":
                    updated += 1
                elif outcome in {"unchanged", "existing"}:
                    skipped += 1
                    if outcome == "existing":
                        report.append(
                            [
                                r.row_no,
                                "skipped",
                                _("A record with this key already exists."),
                                report_cells(r.cells),
                            ]
                        )
                else:
                    failed += 1
                    pipeline_labels["__all__"] = ""
                    report.append(
                        [
                            r.row_no,
                            "failed",
                            errors_message(errors.get(id(r), {}), pipeline_labels),
                            report_cells(r.cells),
                        ]
                    )
        ImportBatch.objects.create(
            job=job,
            number=number,
            first_row=batch.first,
            last_row=next_cursor - 1,
            created_ids=result.created_ids,
            updated=[[pk, previous] for pk, previous in result.updated],
            report=report,
        )
        job.cursor = next_cursor
        job.created_count += created
        job.updated_count += updated
        job.skipped_count += skipped
        job.failed_count += failed
        job.save()  # audited: one entry per batch with its counts
    return True


def import_run(
    *,
    job_id: int,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    progress: Callable[[ImportJob], None] | None = None,
    read_ahead_rows: bool = True,
) -> ImportJob:
    """Run (or resume) an import: batches commit with the cursor, so a stopped run continues where it was.

    `max_batches` stops after that many batches, leaving the job running (as a crashed worker would).
    `read_ahead_rows`: read and check the next batch in a thread while this one is written (see batching.py);
    False reads in turn (same batches, same outcome).
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise RecordNotFound()
        if job.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING}:
            return job
        actor = job.created_by
        if job.status == ImportStatus.QUEUED:
            job.status = ImportStatus.RUNNING
            job.started_at = timezone.now()
            with audit_context(actor=actor, source=Source.IMPORT):
                job.save()
    update_existing = bool(job.update_by)
    key = job.update_by or ("email" if job.object_type == "contacts.contact" else "external_id")
    pipeline = Pipeline(
        object_type=job.object_type,
        headers=job.headers,
        mapping=job.mapping,
        options=job.options,
        update_by=job.update_by,
    )
    number = job.batches.count()
    done = 0
    reason = _("Import of %(file)s") % {"file": job.file_name}
    try:
        with (
            audit_context(actor=actor, source=Source.IMPORT, reason=reason),
            file_rows(job) as rows,
            read_ahead(
                batches(pipeline, rows, cursor=job.cursor, batch_size=batch_size), enabled=read_ahead_rows
            ) as ready,
        ):
            for batch in ready:
                number += 1
                if not _commit_batch(job.pk, batch, batch.next_cursor, number, actor, key, update_existing):
                    return ImportJob.objects.get(pk=job.pk)
                done += 1
                if progress is not None:
                    progress(ImportJob.objects.get(pk=job.pk))
                if max_batches is not None and done >= max_batches:
                    return ImportJob.objects.get(pk=job.pk)
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            job.status = ImportStatus.DONE
            job.total_rows = job.cursor
            job.finished_at = timezone.now()
            with audit_context(actor=actor, source=Source.IMPORT, reason=reason):
                job.save()
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            job.status = ImportStatus.FAILED
            job.error = _("The import stopped at row %(row)d: %(error)s") % {
                "row": job.cursor + 2,
                "error": exc,
            }
            job.finished_at = timezone.now()
            with audit_context(actor=actor, source=Source.IMPORT):
                job.save()
    if progress is not None:
        progress(job)
    return job


def import_revert(*, actor: Any, job: ImportJob) -> ImportJob:
    """Undo an import: what it created goes to the recycle bin, what it updated gets its previous values back."""
    job = import_job_for(actor=actor, job_id=job.pk)
    if job.status not in {ImportStatus.DONE, ImportStatus.FAILED}:
        raise InvalidInput(_("Only a finished import can be reverted."))
    loader = LOADERS[job.object_type]
    with (
        transaction.atomic(),
        audit_context(
            actor=actor,
            source=Source.IMPORT,
            reason=_("Revert of the import of %(file)s") % {"file": job.file_name},
        ),
    ):
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportStatus.REVERTED:
            return locked
        for batch in locked.batches.order_by("-number"):
            loader.unload(
                actor=actor,
                created_ids=batch.created_ids,
                updated=[(pk, previous) for pk, previous in batch.updated],
            )
        locked.status = ImportStatus.REVERTED
        locked.reverted_at = timezone.now()
        locked.save()
    return locked
