"""From file rows to clean rows: mapping, typing, the owning app's validation, and duplicates in the file.

The same pipeline runs for the preview (no writes) and for the import job, so what the preview says is what
the import does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from crm.activities.services.bulk_load import activity_bulk_unload, activity_bulk_upsert, activity_load_clean
from crm.contacts.services.bulk_load import (
    account_bulk_unload,
    account_bulk_upsert,
    account_load_clean,
    contact_bulk_unload,
    contact_bulk_upsert,
    contact_load_clean,
)
from crm.core.loading import LoadField, LoadResult
from crm.integrations.dataio.cells import CellError, cell_value
from crm.integrations.dataio.enums import FileFormat, ImportObject
from crm.integrations.dataio.mapping import DEFAULT_KEY, target_get
from crm.integrations.dataio.reading import max_cell_chars, rows_read
from crm.integrations.dataio.vcards import vcard_rows

TEXT_KINDS = frozenset({"text", "email", "phone", "url", "user", "ref"})
REPORT_CELL_CHARS = 500


@dataclass(frozen=True)
class Loader:
    clean: Callable[..., tuple[dict[str, Any], dict[str, list[str]]]]
    upsert: Callable[..., LoadResult]
    unload: Callable[..., tuple[int, int]]


LOADERS: dict[str, Loader] = {
    ImportObject.CONTACTS: Loader(contact_load_clean, contact_bulk_upsert, contact_bulk_unload),
    ImportObject.ACCOUNTS: Loader(account_load_clean, account_bulk_upsert, account_bulk_unload),
    ImportObject.ACTIVITIES: Loader(activity_load_clean, activity_bulk_upsert, activity_bulk_unload),
}


@dataclass
class RowResult:
    row_no: int
    cells: list[Any]
    clean: dict[str, Any] | None  # None: failed, duplicate or blank
    outcome: str  # ok · failed · duplicate · blank
    message: str = ""


def report_cells(cells: list[Any] | None) -> list[str]:
    out = []
    for c in cells or []:
        text = "" if c is None else str(c)
        out.append(text if len(text) <= REPORT_CELL_CHARS else text[:REPORT_CELL_CHARS] + "…")
    return out


def errors_message(errors: dict[str, list[str]], labels: dict[str, str]) -> str:
    parts = []
    for name, messages in errors.items():
        label = labels.get(name, "")
        for m in messages:
            parts.append(f"{label}: {m}" if label else m)
    return " ".join(parts)


class Pipeline:
    def __init__(
        self,
        *,
        object_type: str,
        headers: list[str],
        mapping: list[str],
        options: dict[str, Any],
        update_by: str,
    ) -> None:
        self.target = target_get(object_type)
        self.loader = LOADERS[object_type]
        self.headers = headers
        self.width = len(headers)
        self.columns: list[tuple[int, LoadField]] = [
            (i, self.target.field(name)) for i, name in enumerate(mapping) if name
        ]
        self.date_order = options.get("date_order", "dmy")
        self.decimal = options.get("decimal", ",")
        self.key_field = update_by or DEFAULT_KEY[object_type]
        self.key_index = next((i for i, name in enumerate(mapping) if name == self.key_field), None)
        self.labels = {f.name: str(f.label) for f in self.target.fields}
        self.labels["__all__"] = ""
        self.seen: dict[str, int] = {}
        self.max_cell = max_cell_chars()

    def key_of(self, cells: list[Any] | None) -> str:
        if self.key_index is None or cells is None or self.key_index >= len(cells):
            return ""
        raw = cells[self.key_index]
        if raw is None:
            return ""
        text = str(raw).strip()
        return text.lower() if self.key_field == "email" else text

    def remember(self, row_no: int, cells: list[Any] | None) -> None:
        """A row before the resume point: only its key matters (for duplicates further down)."""
        key = self.key_of(cells)
        if key and key not in self.seen:
            self.seen[key] = row_no

    def row(self, row_no: int, cells: list[Any] | None) -> RowResult:
        if cells is None:
            return RowResult(row_no, [], None, "failed", _("This vCard cannot be read."))
        if not any(cells) or not any(c is not None and str(c).strip() for c in cells):
            return RowResult(row_no, cells, None, "blank")
        errors: dict[str, list[str]] = {}
        if len(cells) > self.width and any(c is not None and str(c).strip() for c in cells[self.width :]):
            errors["__all__"] = [
                _("This row has %(cells)d cells but the header names %(columns)d columns.")
                % {"cells": len(cells), "columns": self.width}
            ]
        typed: dict[str, Any] = {}
        size = len(cells)
        max_cell = self.max_cell
        for index, field in self.columns:
            if index >= size:
                continue
            raw = cells[index]
            if raw is None or raw == "":
                continue
            if type(raw) is str:
                if len(raw) > max_cell:
                    errors[field.name] = [
                        _("The cell is too long (%(size)s characters; the limit is %(limit)s).")
                        % {"size": len(raw), "limit": max_cell}
                    ]
                    continue
                raw = raw.strip()
                if not raw:
                    continue
                if field.kind in TEXT_KINDS:
                    typed[field.name] = raw
                    continue
            try:
                typed[field.name] = cell_value(raw, field, date_order=self.date_order, decimal=self.decimal)
            except CellError as exc:
                errors[field.name] = [str(exc)]
        clean, clean_errors = self.loader.clean(row=typed)
        if clean_errors:
            for name, messages in clean_errors.items():
                errors.setdefault(name, messages)
        key = self.key_of(cells)
        if key:
            first = self.seen.get(key)
            if first is not None:
                return RowResult(
                    row_no,
                    cells,
                    None,
                    "duplicate",
                    _("Duplicate of row %(row)d (same %(field)s).")
                    % {"row": first, "field": self.labels[self.key_field]},
                )
            self.seen[key] = row_no
        if errors:
            return RowResult(row_no, cells, None, "failed", errors_message(errors, self.labels))
        return RowResult(row_no, cells, clean, "ok")


@contextmanager
def file_rows(job: Any, *, start: int = 0) -> Iterator[Iterator[tuple[int, list[Any] | None]]]:
    """The job's data rows from data row `start` (0-based), file kept open for the duration."""
    with job.file.open("rb") as f:
        handle: IO[bytes] = f
        rows: Any
        if job.file_format == FileFormat.VCARD:
            rows = vcard_rows(handle, start=start)
        else:
            rows = rows_read(
                handle,
                file_format=job.file_format,
                encoding=job.options.get("encoding", "utf-8"),
                delimiter=job.options.get("delimiter", ","),
                start=start,
            )
        try:
            yield rows
        finally:
            rows.close()  # before the file closes under it
