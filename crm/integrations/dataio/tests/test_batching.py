"""Reading and checking the next batch in a thread while the last one is written gives the same import."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.utils import translation

from crm.integrations.dataio import pipeline as pipeline_module
from crm.integrations.dataio.batching import batches, read_ahead
from crm.integrations.dataio.pipeline import Pipeline, file_rows
from crm.integrations.dataio.selectors import import_report_rows
from crm.integrations.dataio.services.imports import import_run, import_start
from crm.integrations.dataio.tests.conftest import Contact, make_job

MIXED = "first_name,last_name,email,phone,birthday\n" + "".join(
    f"N{i},L{i},{'bad-' if i % 7 == 3 else ''}c{i % 40}@example.com,"
    f"{'12' if i % 11 == 5 else f'+34 612 345 {i:03d}'},{'31/31/2020' if i % 13 == 4 else '01/02/1990'}\n"
    + (",,,,\n" if i % 17 == 0 else "")
    for i in range(60)
)


def _checked(job: Any, *, enabled: bool, cursor: int = 0) -> list[tuple[Any, ...]]:
    pipeline = Pipeline(
        object_type=job.object_type,
        headers=job.headers,
        mapping=job.mapping,
        options=job.options,
        update_by=job.update_by,
    )
    out = []
    with (
        file_rows(job) as rows,
        read_ahead(batches(pipeline, rows, cursor=cursor, batch_size=7), enabled=enabled) as ready,
    ):
        for batch in ready:
            out.append(
                (
                    batch.first,
                    batch.next_cursor,
                    [(r.row_no, r.outcome, r.message, r.clean) for r in batch.rows],
                )
            )
    return out


@pytest.mark.parametrize("cursor", [0, 10])
def test_read_ahead_gives_the_same_batches_rows_and_messages(admin: Any, cursor: int) -> None:
    job = make_job(admin, MIXED, update_by="email", date_order="dmy")
    serial = _checked(job, enabled=False, cursor=cursor)
    assert [outcome for b in serial for _n, outcome, _m, _c in b[2]].count("duplicate") > 0
    assert _checked(job, enabled=True, cursor=cursor) == serial


def test_read_ahead_messages_are_in_the_language_of_the_run(admin: Any) -> None:
    job = make_job(admin, "email\nnot-an-email\n", update_by="email")
    with translation.override("es"):
        serial = _checked(job, enabled=False)
        threaded = _checked(job, enabled=True)
    assert threaded == serial
    assert "“not-an-email” no es una dirección de correo válida." in threaded[0][2][0][2]


def _import(admin: Any, content: str, *, read_ahead_rows: bool) -> tuple[Any, list[Any], list[Any]]:
    job = make_job(admin, content, update_by="email", date_order="dmy")
    import_start(actor=admin, job=job)
    job = import_run(job_id=job.pk, batch_size=7, read_ahead_rows=read_ahead_rows)
    report = [row[:3] for row in import_report_rows(job=job)]
    stored = sorted(Contact.objects.values_list("email", "first_name", "phone", "birthday"))
    counts = [
        job.status,
        job.cursor,
        job.created_count,
        job.updated_count,
        job.skipped_count,
        job.failed_count,
    ]
    return counts, report, stored


def test_an_import_with_read_ahead_stores_and_reports_exactly_what_a_serial_one_does(admin: Any) -> None:
    serial = _import(admin, MIXED, read_ahead_rows=False)
    Contact.all_objects.all().delete()
    threaded = _import(admin, MIXED, read_ahead_rows=True)
    assert threaded == serial
    assert serial[0][0] == "done" and serial[0][5] > 0


def test_an_error_while_reading_ahead_fails_the_job_after_the_batches_before_it(
    admin: Any, monkeypatch
) -> None:
    content = "email\n" + "".join(f"c{i}@example.com\n" for i in range(20))
    job = make_job(admin, content, update_by="email")
    import_start(actor=admin, job=job)
    real = pipeline_module.Pipeline.row

    def row(self: Any, row_no: int, cells: Any) -> Any:
        if row_no == 12:
            raise RuntimeError("unreadable row")
        return real(self, row_no, cells)

    monkeypatch.setattr(pipeline_module.Pipeline, "row", row)
    job = import_run(job_id=job.pk, batch_size=5)
    assert job.status == "failed" and "unreadable row" in job.error
    assert (job.cursor, Contact.objects.count()) == (10, 10)
    assert not [t for t in threading.enumerate() if t.name == "import-reader"]


def test_stopping_early_stops_the_reader(admin: Any) -> None:
    content = "email\n" + "".join(f"c{i}@example.com\n" for i in range(50))
    job = make_job(admin, content, update_by="email")
    import_start(actor=admin, job=job)
    job = import_run(job_id=job.pk, batch_size=5, max_batches=2)
    assert (job.status, job.cursor) == ("running", 10)
    assert not [t for t in threading.enumerate() if t.name == "import-reader"]
