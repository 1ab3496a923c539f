"""`crm import contacts|accounts|activities FILE`: import a CSV, XLSX or vCard file and print the counts.

crm import contacts people.csv --update-by email --mapping mapping.json --report errors.csv
crm import resume 42        continue import 42 after its last committed batch
crm import revert 42        undo import 42
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.core.errors import DomainError
from crm.integrations.dataio.enums import ImportObject, ImportStatus
from crm.integrations.dataio.management.commands._output import command_error, progress_line, user_for
from crm.integrations.dataio.mapping import mapping_from_file, target_get
from crm.integrations.dataio.selectors import import_job_get, import_report_rows
from crm.integrations.dataio.services import (
    import_configure,
    import_create,
    import_resume,
    import_revert,
    import_run,
    import_start,
)

OBJECTS = {
    "contacts": ImportObject.CONTACTS,
    "accounts": ImportObject.ACCOUNTS,
    "activities": ImportObject.ACTIVITIES,
}


class Command(BaseCommand):
    help = (
        "Import contacts, accounts or activities from a CSV, XLSX or vCard file (or resume/revert an import)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "object", choices=[*OBJECTS, "resume", "revert"], help="what to import, or resume/revert"
        )
        parser.add_argument("file", help="the file to import (or the import id for resume/revert)")
        parser.add_argument("--mapping", metavar="FILE", help='JSON: {"column header": "field", …}')
        parser.add_argument(
            "--update-by",
            choices=["email", "external_id"],
            default=None,
            help="update existing records matched by this key (default: skip them)",
        )
        parser.add_argument(
            "--user", metavar="EMAIL", help="import as this user (default: the first superuser)"
        )
        parser.add_argument(
            "--date-format",
            choices=["dmy", "mdy"],
            default="dmy",
            help="how dates like 01/02/2026 read: day first (dmy, default) or month first",
        )
        parser.add_argument("--decimal", choices=[",", "."], default=",", help="decimal mark of numbers")
        parser.add_argument(
            "--report", metavar="FILE", help="write the per-row report (failed/skipped rows) here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_for(options["user"])
        try:
            if options["object"] in {"resume", "revert"}:
                job = self._job(user, options["file"])
                if options["object"] == "revert":
                    job = import_revert(actor=user, job=job)
                    self.stdout.write(f"import {job.pk}: reverted")
                    return
                job = import_resume(actor=user, job=job, enqueue=False)
            else:
                job = self._create(user, options)
            job = import_run(
                job_id=job.pk,
                progress=lambda j: progress_line(self.stderr._out, j.cursor, j.total_rows, "rows"),
            )
        except DomainError as exc:
            raise command_error(exc) from None
        if getattr(self.stderr._out, "isatty", lambda: False)():
            self.stderr.write("")
        self._report(job, options.get("report"))

    def _job(self, user: Any, raw: str) -> Any:
        try:
            return import_job_get(user=user, pk=int(raw))
        except (ValueError, DomainError):
            raise CommandError(f"No import with the id {raw!r}.") from None

    def _create(self, user: Any, options: dict[str, Any]) -> Any:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        object_type = OBJECTS[options["object"]]
        with path.open("rb") as f:
            job = import_create(
                actor=user, object_type=object_type, file=f, name=path.name, size=os.path.getsize(path)
            )
        mapping = job.mapping
        if options["mapping"]:
            text = Path(options["mapping"]).read_text(encoding="utf-8")
            mapping = mapping_from_file(target=target_get(object_type), headers=job.headers, text=text)
        if not any(mapping):
            raise CommandError("No column of the file matches a field; give --mapping FILE.")
        update_by = options["update_by"] or ""
        job = import_configure(
            actor=user,
            job=job,
            mapping=mapping,
            update_by=update_by,
            date_order=options["date_format"],
            decimal=options["decimal"],
        )
        ignored = [h for h, m in zip(job.headers, job.mapping, strict=False) if not m]
        if ignored:
            self.stderr.write(f"ignored columns: {', '.join(ignored)}")
        return import_start(actor=user, job=job, enqueue=False)

    def _report(self, job: Any, report: str | None) -> None:
        self.stdout.write(f"import {job.pk}: {job.status}")
        self.stdout.write(f"created: {job.created_count}")
        self.stdout.write(f"updated: {job.updated_count}")
        self.stdout.write(f"skipped: {job.skipped_count}")
        self.stdout.write(f"failed: {job.failed_count}")
        if report:
            with open(report, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["row", "outcome", "message", *job.headers])
                writer.writerows(import_report_rows(job=job))
            self.stdout.write(f"report: {report}")
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.error)
