"""Invoice numbers under concurrency (PostgreSQL): 8 worker processes, each on its own database connection,
issue 1,000 invoices each through `invoice_issue` at the same time; the result is exactly INV-<year>-00001 … 08000,
no gap and no duplicate.

SQLite serialises every writer, so the race cannot happen there: the test runs in the PostgreSQL pass of
`make test` (DATABASE_URL=postgres://…, or CRM_REQUIRE_POSTGRES=1, which makes a missing PostgreSQL a failure
of the whole run rather than a skip)."""

from __future__ import annotations

import multiprocessing
import traceback
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.sales.enums import InvoiceStatus
from crm.sales.models import Invoice, InvoiceLine, NumberSequence
from crm.sales.services.invoices import invoice_issue

WORKERS = 8
PER_WORKER = 1_000

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: runs in the PostgreSQL pass (DATABASE_URL=postgres://… or CRM_REQUIRE_POSTGRES=1)",
)


def _drafts(count: int) -> list[int]:
    """`count` one-line drafts, written set-based (no per-row save)."""
    owner = UserFactory()
    account = AccountFactory(owner=owner)
    rows = [
        Invoice(
            account=account,
            owner=owner,
            currency="EUR",
            payment_terms_days=30,
            subtotal=Decimal("100.00"),
            net_total=Decimal("100.00"),
            total=Decimal("100.00"),
        )
        for _n in range(count)
    ]
    Invoice.objects.bulk_create(rows, batch_size=2_000)
    ids = list(Invoice.objects.order_by("pk").values_list("pk", flat=True))
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice_id=pk,
                position=1,
                description="Service",
                quantity=Decimal(1),
                unit_price=Decimal("100.00"),
                net_amount=Decimal("100.00"),
            )
            for pk in ids
        ],
        batch_size=2_000,
    )
    return ids


def _work(chunk: list[int], start: Any, failures: Any) -> None:
    """One worker process: its own connection, then one `invoice_issue` transaction per invoice."""
    try:
        with connection.cursor() as cursor:
            # commits need not wait for the disk in a test; the locking is what is tested
            cursor.execute("SET synchronous_commit TO off")
        start.wait(timeout=120)
        for pk in chunk:
            invoice_issue(actor=None, invoice=Invoice(pk=pk))
    except BaseException:
        failures.put(traceback.format_exc())
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_eight_workers_issue_8000_invoices_without_gaps_or_duplicates() -> None:
    ids = _drafts(WORKERS * PER_WORKER)
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WORKERS)
    failures = context.Queue()
    connections.close_all()  # each process opens its own connection
    # interleaved chunks, so the workers compete for the same series all the time
    workers = [context.Process(target=_work, args=(ids[n::WORKERS], start, failures)) for n in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    errors = []
    while not failures.empty():
        errors.append(failures.get())
    assert not errors, "\n".join(errors)
    assert [w.exitcode for w in workers] == [0] * WORKERS
    year = timezone.localdate().year
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == WORKERS * PER_WORKER
    assert sorted(numbers) == [f"INV-{year}-{n:05d}" for n in range(1, WORKERS * PER_WORKER + 1)]
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.ISSUED}
    assert NumberSequence.objects.get(key=f"invoice-{year}").next_value == WORKERS * PER_WORKER + 1
