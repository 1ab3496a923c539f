"""Reading import files safely: CSV (encoding and delimiter sniffed), XLSX (streamed, bomb-checked), vCard.

`file_inspect()` looks at a whole file once and refuses what cannot be imported (too large, not text, a zip
bomb, no header) with a clear message; `rows_read()` then streams (row number, cells) from any position.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from crm.integrations.dataio.enums import FileFormat
from crm.integrations.dataio.errors import ImportRefused

DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 256 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "CRM_IMPORT_MAX_BYTES", 512 * 1024 * 1024))


def max_cell_chars() -> int:
    return int(getattr(settings, "CRM_IMPORT_MAX_CELL_CHARS", 100_000))


def max_xlsx_unzipped_bytes() -> int:
    return int(getattr(settings, "CRM_IMPORT_MAX_XLSX_UNZIPPED_BYTES", 1024 * 1024 * 1024))


def max_xlsx_cells() -> int:
    return int(getattr(settings, "CRM_IMPORT_MAX_XLSX_CELLS", 30_000_000))


@dataclass
class FileInfo:
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] | None = None
    total_rows: int | None = None


def format_guess(name: str, head: bytes) -> str:
    lower = name.lower()
    if head.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        return FileFormat.XLSX
    if lower.endswith((".vcf", ".vcard")) or b"BEGIN:VCARD" in head[:2048].upper():
        return FileFormat.VCARD
    return FileFormat.CSV


def _encoding(f: IO[bytes]) -> str:
    """utf-8-sig / utf-8 when the whole file decodes as UTF-8, utf-16 with its BOM, else cp1252 (Latin-1)."""
    f.seek(0)
    head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidate = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        candidate = "utf-8"
    f.seek(0)
    decoder = codecs.getincrementaldecoder(candidate)()
    nul_seen = False
    try:
        while chunk := f.read(1024 * 1024):
            if b"\x00" in chunk:
                nul_seen = True
                break
            decoder.decode(chunk)
        if not nul_seen:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        candidate = "cp1252"
    if nul_seen:
        raise ImportRefused(
            _(
                "This file is not a CSV text file (it contains binary data). Save it as CSV or XLSX and try again."
            )
        )
    if candidate == "cp1252":
        # five bytes are undefined in cp1252; latin-1 decodes everything
        f.seek(0)
        data = f.read(SNIFF_BYTES)
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            candidate = "latin-1"
    return candidate


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for d in DELIMITERS:
        counts = [line.count(d) for line in lines]
        score = min(counts) if counts else 0
        if score > best_score:
            best, best_score = d, score
    return best


def _csv_text(f: IO[bytes], encoding: str) -> io.TextIOWrapper:
    f.seek(0)
    return io.TextIOWrapper(f, encoding=encoding, newline="", errors="strict")  # type: ignore[arg-type]


def _csv_reader(text: IO[str], delimiter: str) -> Any:
    csv.field_size_limit(max(max_file_bytes(), 1024 * 1024))
    return csv.reader(text, delimiter=delimiter)


def _xlsx_check(f: IO[bytes]) -> None:
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            total = 0
            for entry in archive.infolist():
                total += entry.file_size
                if (
                    entry.compress_size
                    and entry.file_size / entry.compress_size > 200
                    and entry.file_size > 50_000_000
                ):
                    raise ImportRefused(
                        _("This XLSX file expands to far more data than it holds (a “zip bomb”).")
                    )
            if total > max_xlsx_unzipped_bytes():
                raise ImportRefused(
                    _("This XLSX file is too large once unpacked (%(size)s MB; the limit is %(limit)s MB).")
                    % {"size": total // 1_000_000, "limit": max_xlsx_unzipped_bytes() // 1_000_000}
                )
    except zipfile.BadZipFile:
        raise ImportRefused(
            _("This is not a valid XLSX file. Save it again from your spreadsheet.")
        ) from None


def _xlsx_sheet(f: IO[bytes]) -> Any:
    from openpyxl import load_workbook

    f.seek(0)
    try:
        workbook = load_workbook(f, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for broken files
        raise ImportRefused(
            _("This is not a valid XLSX file. Save it again from your spreadsheet.")
        ) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise ImportRefused(_("This XLSX file has no sheet."))
    return sheet


def _xlsx_rows(f: IO[bytes]) -> Iterator[list[Any]]:
    sheet = _xlsx_sheet(f)
    limit = max_xlsx_cells()
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if cells > limit:
            raise ImportRefused(
                _("This XLSX file has more than %(limit)s cells; split it into smaller files.")
                % {"limit": limit}
            )
        yield list(row)


def file_inspect(f: IO[bytes], *, name: str, size: int) -> FileInfo:
    """Check a whole file and learn its format, encoding, delimiter, headers and number of data rows."""
    if size > max_file_bytes():
        raise ImportRefused(
            _("The file is too large (%(size)s MB; the limit is %(limit)s MB).")
            % {"size": round(size / 1_000_000, 1), "limit": max_file_bytes() // 1_000_000}
        )
    if size == 0:
        raise ImportRefused(_("The file is empty."))
    f.seek(0)
    head = f.read(4096)
    fmt = format_guess(name, head)
    if fmt == FileFormat.VCARD:
        from crm.integrations.dataio.vcards import vcard_count

        count = vcard_count(f)
        return FileInfo(file_format=fmt, encoding="utf-8", headers=[], total_rows=count)
    if fmt == FileFormat.XLSX:
        _xlsx_check(f)
        rows = _xlsx_rows(f)
        header = next(rows, None)
        total = sum(1 for _r in rows)
        info = FileInfo(file_format=fmt, headers=_headers(header), total_rows=total)
    else:
        encoding = _encoding(f)
        f.seek(0)
        sample = f.read(SNIFF_BYTES).decode(encoding, errors="replace")
        delimiter = _delimiter(sample)
        text = _csv_text(f, encoding)
        try:
            reader = _csv_reader(text, delimiter)
            header = next(reader, None)
        except csv.Error as exc:
            raise ImportRefused(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
        finally:
            text.detach()
        total = (
            _line_count(f) - 1
        )  # for the progress bar (a quoted line break counts twice; the run counts right)
        info = FileInfo(
            file_format=fmt,
            encoding=encoding,
            delimiter=delimiter,
            headers=_headers(header),
            total_rows=total,
        )
    if not info.headers or not any(info.headers):
        raise ImportRefused(_("The first row must name the columns; this file has none."))
    return info


def _line_count(f: IO[bytes]) -> int:
    f.seek(0)
    lines = 0
    last = b""
    while chunk := f.read(1024 * 1024):
        lines += chunk.count(b"\n")
        last = chunk
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def _headers(row: list[Any] | None) -> list[str]:
    if row is None:
        return []
    headers = [("" if c is None else str(c)).strip()[:200] for c in row]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def rows_read(
    f: IO[bytes], *, file_format: str, encoding: str = "utf-8", delimiter: str = ",", start: int = 0
) -> Iterator[tuple[int, list[Any]]]:
    """(row number in the file, counting the header as row 1, cells) of each data row from data row `start`."""
    if file_format == FileFormat.XLSX:
        rows = _xlsx_rows(f)
        next(rows, None)
        for index, row in enumerate(rows):
            if index >= start:
                yield index + 2, row
        return
    text = _csv_text(f, encoding)
    try:
        reader = _csv_reader(text, delimiter)
        next(reader, None)
        for index, row in enumerate(reader):
            if index >= start:
                yield index + 2, row
    finally:
        text.detach()
