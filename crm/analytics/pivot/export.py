"""A pivot as a table for CSV and XLSX files (spreadsheet-safe: a text cell starting with = + - @, a tab or a
carriage return is prefixed with an apostrophe so no spreadsheet runs it as a formula) and as JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crm.analytics.pivot.engine import PivotResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_RISKY = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """Numbers stay numbers; text that a spreadsheet would run as a formula is escaped."""
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return value


def table_rows(result: PivotResult) -> Iterator[list[Any]]:
    """The header, then a line per row (subtotals included), then the totals; labels escaped, numbers raw."""
    d = result.definition
    nrows = len(d.rows)
    header = [str(a.dimension.label) for a in d.rows]
    if result.has_columns:
        header += [c.label for c in result.columns] + [_("Total")]
    else:
        header.append(_("Total"))
    yield [cell_safe(h) for h in header]
    for line in result.lines:
        labels = [m.label for m in line.members]
        if line.is_subtotal:
            labels = [_("%(name)s subtotal") % {"name": labels[0]}]
        labels += [""] * (nrows - len(labels))
        values = [*line.values, line.total] if result.has_columns else [line.total]
        yield [*(cell_safe(x) for x in labels), *values]
    totals = [*result.column_totals, result.grand_total] if result.has_columns else [result.grand_total]
    yield [_("Total"), *[""] * (nrows - 1), *totals]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def csv_stream(result: PivotResult) -> Iterator[str]:
    """The CSV, a line at a time (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows(result):
        writer.writerow([_plain(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_text(result: PivotResult) -> str:
    return "".join(csv_stream(result))


def xlsx_bytes(result: PivotResult) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(result.definition.source.label)[:31])
    for row in table_rows(result):
        sheet.append([("" if v is None else (float(v) if isinstance(v, Decimal) else v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def result_json(result: PivotResult) -> dict[str, Any]:
    """The pivot as JSON (the API and `crm analytics pivot --format json`)."""

    def num(v: Any) -> Any:
        return str(v) if isinstance(v, Decimal) else v

    return {
        "definition": result.definition.as_json(),
        "value_kind": result.value_kind,
        "currency": result.currency or None,
        "columns": [{"key": c.key, "label": c.label} for c in result.columns],
        "rows": [
            {
                "members": [{"key": m.key, "label": m.label} for m in line.members],
                "is_subtotal": line.is_subtotal,
                "values": [num(v) for v in line.values],
                "total": num(line.total),
            }
            for line in result.lines
        ],
        "column_totals": [num(v) for v in result.column_totals],
        "grand_total": num(result.grand_total),
        "folded": result.folded,
    }


def export_response(result: PivotResult, fmt: str, name: str) -> HttpResponse | StreamingHttpResponse:
    """A download of the pivot: CSV streamed a line at a time, or an XLSX workbook."""
    filename = f"{slugify(name) or 'pivot'}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(result), content_type=XLSX)
    else:
        response = StreamingHttpResponse(csv_stream(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
