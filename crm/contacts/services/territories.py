"""Writes of the stored account territory.

- `account_territory_refresh(account_ids=…)`: the services call it when an account is created with an address
  or an account's addresses change (add, edit, remove, merge), inside their transaction.
- `territory_rematch_request(…)`: territories were created, changed or deleted (the TerritoriesChanged event,
  `crm territories rematch`, the API): a `TerritoryRematch` run is queued (one at a time: a request while one
  waits joins it) and `territory_rematch_task` runs it after commit.
- `territory_rematch_run(run_id=…)`: the job. Keyset batches over the account ids, each in its own transaction
  (one read of the accounts, one of their addresses, one UPDATE per target territory); progress is written after
  each batch. A newer run queued meanwhile supersedes it (the newer one starts from the first account with the
  newest territories), so two runs never race to the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from crm.contacts.enums import RematchStatus
from crm.contacts.models import Account, Address, TerritoryRematch
from crm.contacts.territories import BATCH, account_batches, accounts_match
from crm.core.assignment.selectors import territories_in_order


def account_territory_refresh(*, account_ids: Iterable[int]) -> int:
    """Match these accounts' primary addresses again; returns how many changed territory."""
    ids = sorted({int(i) for i in account_ids if i is not None})
    if not ids:
        return 0
    return accounts_match(
        account_model=Account, address_model=Address, territories=territories_in_order(), ids=ids
    )


def _enqueue(run_id: int) -> None:
    from crm.contacts.tasks import territory_rematch_task

    territory_rematch_task.enqueue(run_id)


@transaction.atomic
def territory_rematch_request(*, reason: str = "", enqueue: bool = True) -> TerritoryRematch:
    """Queue a re-match of every account (or join the one already waiting to start)."""
    waiting = (
        TerritoryRematch.objects.select_for_update()
        .filter(status=RematchStatus.QUEUED)
        .order_by("-id")
        .first()
    )
    if waiting is not None:
        return waiting
    run = TerritoryRematch.objects.create(reason=reason[:200])
    if enqueue:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _superseded(run: TerritoryRematch) -> bool:
    return TerritoryRematch.objects.filter(pk__gt=run.pk).exists()


def territory_rematch_run(
    *, run_id: int, batch: int = BATCH, progress: Callable[[TerritoryRematch], None] | None = None
) -> TerritoryRematch:
    """Run a queued re-match (idempotent: a run another worker started or finished is left alone)."""
    with transaction.atomic():
        run = TerritoryRematch.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RematchStatus.QUEUED:
            return run  # type: ignore[return-value]
        run.status = RematchStatus.RUNNING
        run.started_at = timezone.now()
        run.top_id = Account.all_objects.aggregate(m=Max("pk"))["m"] or 0
        run.save(update_fields=["status", "started_at", "top_id"])
    territories = territories_in_order()
    try:
        for ids in account_batches(account_model=Account, batch=batch):
            with transaction.atomic():
                changed = accounts_match(
                    account_model=Account, address_model=Address, territories=territories, ids=ids
                )
            run.last_id, run.seen, run.changed = ids[-1], run.seen + len(ids), run.changed + changed
            if _superseded(run):
                run.status = RematchStatus.SUPERSEDED
                break
            TerritoryRematch.objects.filter(pk=run.pk).update(
                last_id=run.last_id, seen=run.seen, changed=run.changed
            )
            if progress is not None:
                progress(run)
        else:
            run.status = RematchStatus.DONE
    except Exception as exc:
        run.status, run.error = RematchStatus.FAILED, str(exc)[:2000]
        run.finished_at = timezone.now()
        run.save()
        raise
    run.finished_at = timezone.now()
    run.save()
    return run


def territory_rematch_now(
    *, reason: str = "", batch: int = BATCH, progress: Callable[[TerritoryRematch], None] | None = None
) -> TerritoryRematch:
    """Queue and run a re-match in this process (the CLI)."""
    run = territory_rematch_request(reason=reason, enqueue=False)
    return territory_rematch_run(run_id=run.pk, batch=batch, progress=progress)
