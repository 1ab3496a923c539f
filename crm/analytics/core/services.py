"""Writes of the analytics core: queue and execute analysis runs, store per-account figures."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Field, Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from crm.analytics.core.access import analysis_can_refresh, analysis_can_view
from crm.analytics.core.enums import RunStatus
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.models import AnalysisRun, CustomerInsight
from crm.analytics.core.registry import RunContext, analyses, analysis_get
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound

log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 0.5  # a runner may report as often as it likes; the row is written at most twice a second


def analysis_run_request(*, kind: str, params: dict[str, Any] | None = None, actor: Any) -> AnalysisRun:
    """Queue a refresh of analysis `kind` (the job starts after commit). A refresh of the same kind already
    queued or running is returned instead of queuing a second one. `actor=None` is the scheduler."""
    analysis = analysis_get(kind)
    if analysis is None:
        raise InvalidInput(
            field_errors={"kind": [_("There is no analysis called “%(kind)s”.") % {"kind": kind}]}
        )
    if actor is not None and not analysis_can_view(actor, analysis.object_type):
        raise RecordNotFound()
    if actor is not None and not analysis_can_refresh(actor, analysis.object_type):
        raise PermissionDenied()
    if params is not None and not isinstance(params, dict):
        raise InvalidInput(field_errors={"params": [_("Give the parameters as an object.")]})
    with transaction.atomic():
        active = (
            AnalysisRun.objects.select_for_update()
            .filter(kind=kind, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
            .order_by("-pk")
            .first()
        )
        if active is not None:
            return active
        run = AnalysisRun.objects.create(kind=kind, params=params or {}, requested_by=actor)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from crm.analytics.core.tasks import analysis_run_task

    analysis_run_task.enqueue(run_id)


def analysis_run_execute(
    *, run_id: int, on_progress: Callable[[int, str], None] | None = None
) -> AnalysisRun:
    """Run a queued analysis now (the job's body; also the CLI's, synchronously). Idempotent: a run that is not
    queued any more is returned untouched. `on_progress` also hears every progress report (the CLI's line). A refusal of the data (AnalyticsError) or a crash marks the run
    failed with a message; what the previous run stored stays until this one succeeds."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    analysis = analysis_get(run.kind)
    last_write = [0.0]

    def report(percent: int, message: str) -> None:
        if on_progress is not None:
            on_progress(percent, message)
        now = time.monotonic()
        if percent < 100 and now - last_write[0] < _PROGRESS_EVERY_S:
            return
        last_write[0] = now
        AnalysisRun.objects.filter(pk=run_id).update(progress=percent, message=message[:250])

    try:
        if analysis is None:
            raise AnalyticsError(_("There is no analysis called “%(kind)s”.") % {"kind": run.kind})
        runner = import_string(analysis.runner)
        result = runner(context=RunContext(run_id=run_id, params=dict(run.params), report=report))
    except AnalyticsError as exc:
        _finish(run_id, status=RunStatus.FAILED, error=exc.message)
    except Exception:
        log.exception("analysis run %s (%s) crashed", run_id, run.kind)
        _finish(run_id, status=RunStatus.FAILED, error=_("The analysis stopped on an unexpected error."))
    else:
        _finish(run_id, status=RunStatus.DONE, result=result or {})
    run.refresh_from_db()
    return run


def _finish(run_id: int, *, status: str, result: dict[str, Any] | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == RunStatus.DONE:
        fields.update(progress=100, result=result or {}, message="")
    AnalysisRun.objects.filter(pk=run_id).update(**fields)


_INSIGHT_BATCH = 5_000


def customer_insights_write(
    *,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    computed_field: str | None = None,
    clear_missing: bool = True,
) -> int:
    """Upsert per-account figures: each row is `(account_id, value for columns[0], value for columns[1], …)`.

    `computed_field` (e.g. "rfm_computed_at") is stamped on every written row; with `clear_missing`, the
    `columns` (and the stamp) of accounts not in `rows` are emptied, so an account that lost its transactions
    does not keep an old score (without a stamp, e.g. the cohort month, the columns are emptied first, in the
    same transaction, then the rows written). Returns the number of rows written."""
    model_fields = {f.name for f in CustomerInsight._meta.get_fields()}
    unknown = [c for c in (*columns, *([computed_field] if computed_field else [])) if c not in model_fields]
    if unknown:
        raise ValueError(f"unknown insight columns: {unknown}")
    now = timezone.now()
    update_fields = list(columns) + ([computed_field] if computed_field else [])
    written = 0
    batch: list[CustomerInsight] = []

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        CustomerInsight.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["account"], update_fields=update_fields
        )
        written += len(batch)
        batch.clear()

    with transaction.atomic():
        if clear_missing and not computed_field:
            _columns_empty(columns)
        for row in rows:
            values = dict(zip(columns, row[1:], strict=True))
            if computed_field:
                values[computed_field] = now
            batch.append(CustomerInsight(account_id=row[0], **values))
            if len(batch) >= _INSIGHT_BATCH:
                flush()
        flush()
        if clear_missing and computed_field:
            empties = {c: _empty_value(c) for c in update_fields}
            CustomerInsight.objects.exclude(**{computed_field: now}).exclude(
                **{f"{computed_field}__isnull": True}
            ).update(**empties)
    return written


def _columns_empty(columns: Sequence[str]) -> None:
    """Empty `columns` on every account that has a value in one of them (one UPDATE)."""
    empties = {c: _empty_value(c) for c in columns}
    holding = Q()
    for column, empty in empties.items():
        holding |= Q(**{f"{column}__isnull": False}) if empty is None else ~Q(**{column: empty})
    CustomerInsight.objects.filter(holding).update(**empties)


def _empty_value(column: str) -> Any:
    field = CustomerInsight._meta.get_field(column)
    assert isinstance(field, Field)
    if field.null:
        return None
    return field.get_default()


REFRESH_EVERY = dt.timedelta(hours=20)


def analyses_refresh_due(*, now: dt.datetime | None = None) -> list[AnalysisRun]:
    """Queue a refresh of every analysis whose newest run (done or failed) ended more than REFRESH_EVERY ago, or
    that never ran, and that has none under way: the worker's nightly refresh. Returns the runs queued."""
    now = now or timezone.now()
    newest = dict(
        AnalysisRun.objects.filter(finished_at__isnull=False)
        .values("kind")
        .annotate(last=Max("finished_at"))
        .values_list("kind", "last")
    )
    busy = set(
        AnalysisRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).values_list(
            "kind", flat=True
        )
    )
    queued = []
    for analysis in analyses():
        last = newest.get(analysis.key)
        if analysis.key in busy or (last is not None and now - last < REFRESH_EVERY):
            continue
        queued.append(analysis_run_request(kind=analysis.key, params=None, actor=None))
    return queued
