"""Reads: export rows (the list's filters, sort and columns, streamed), import jobs and their reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Consent, Industry
from crm.contacts.listing import ACCOUNT_LIST, CONTACT_LIST
from crm.contacts.selectors import account_export_query, contact_export_query, tag_names_by_record
from crm.contacts.views.columns import Column, account_columns, contact_columns
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.core.identity.selectors import user_list
from crm.core.listing import ListSpec
from crm.integrations.dataio.models import ExportJob, ImportBatch, ImportJob

EXPORT_OBJECTS = ("contacts.contact", "contacts.account")
CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CHOICES: dict[str, Any] = {
    "email_consent": Consent,
    "account_type": AccountType,
    "status": AccountStatus,
    "industry": Industry,
    "size": CompanySize,
}


def cell_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class _Export:
    spec: ListSpec
    columns: Any
    query: Any
    name_path: str
    default_columns: tuple[str, ...]
    file_stem: str


EXPORTS = {
    "contacts.contact": _Export(
        CONTACT_LIST, contact_columns, contact_export_query, "full_name",
        ("account", "email", "phone", "owner", "updated_at"), "contacts",
    ),
    "contacts.account": _Export(
        ACCOUNT_LIST, account_columns, account_export_query, "name",
        ("account_type", "status", "owner", "tags", "updated_at"), "accounts",
    ),
}


def _language() -> str:
    from django.utils import translation

    return (translation.get_language() or "en")[:2]


def export_columns(*, object_type: str, params: Mapping[str, Any]) -> list[Column]:
    """The chosen columns (`columns=a,b`) after the name, or every column when none are chosen."""
    export = EXPORTS[object_type]
    definitions = custom_field_list(object_type=object_type)
    all_columns: list[Column] = export.columns(definitions, language=_language())
    wanted: list[str] = []
    getlist = getattr(params, "getlist", None)
    raw_values = getlist("columns") if getlist else ([params["columns"]] if params.get("columns") else [])
    for raw in raw_values:
        wanted.extend(k.strip() for k in str(raw).split(",") if k.strip())
    if not wanted:
        return all_columns
    by_key = {c.key: c for c in all_columns}
    keys = [k for k in dict.fromkeys(wanted) if k in by_key and k != "name"]
    return [by_key["name"], *[by_key[k] for k in keys]]


def _reader(column: Column, export: _Export, user_names: dict[int, str]) -> tuple[list[str], Any]:
    """(the values to read, a function of those values → the cell)."""
    key, kind = column.key, column.kind
    yes, no = _("yes"), _("no")
    if key == "name":
        if export.name_path == "full_name":
            return ["full_name", "email", "id"], lambda n, e, pk: n or e or f"#{pk}"
        return ["name"], lambda v: v
    if key == "account":
        return ["primary_account__name"], lambda v: v or ""
    if key == "parent":
        return ["parent__name"], lambda v: v or ""
    if key == "owner":
        return ["owner_id"], lambda v: user_names.get(v, "")
    if key == "tags":
        return ["id"], None  # filled per batch
    if key.startswith("custom."):
        ctx = {"user_names": user_names}
        return ["custom"], lambda v: column.text(SimpleNamespace(custom=v or {}), ctx)
    if key in _CHOICES:
        labels = {value: str(label) for value, label in _CHOICES[key].choices}
        return [key], lambda v: labels.get(v, v or "")
    if kind == "bool":
        return [key], lambda v: yes if v else no
    if kind == "datetime":
        return [key], lambda v: v.isoformat(timespec="seconds") if isinstance(v, dt.datetime) else ""
    if kind == "date":
        return [key], lambda v: v.isoformat() if isinstance(v, dt.date) else ""
    if kind in {"emails", "phones", "lines"}:
        return [key], lambda v: ", ".join(str(x) for x in v or [])
    return [key], lambda v: "" if v is None else v


def export_query(*, user: Any, object_type: str, params: Mapping[str, Any]) -> QuerySet[Any]:
    """The records to export, filtered and ordered like the list (InvalidInput for a bad filter or sort)."""
    export = EXPORTS[object_type]
    sort = (params.get("sort") or "").strip() or None
    spec, descending = export.spec.resolve_sort(sort)
    filters = {k: v for k, v in params.items() if k not in {"sort", "columns", "format", "cursor", "view", "page_size"}}
    if hasattr(params, "getlist"):
        from django.http import QueryDict

        filters_qd = QueryDict(mutable=True)
        for k in filters:
            filters_qd.setlist(k, params.getlist(k))  # type: ignore[attr-defined]
        filters = filters_qd  # type: ignore[assignment]
    qs = export.query(user=user, params=filters)
    return qs.order_by(f"-{spec.path}", "-id") if descending else qs.order_by(spec.path, "id")


def export_rows(
    *, user: Any, object_type: str, params: Mapping[str, Any]
) -> tuple[list[str], Iterator[list[list[Any]]]]:
    """(header, batches of rows): streamed from the database with constant memory; cells formula-safe."""
    export = EXPORTS[object_type]
    columns = export_columns(object_type=object_type, params=params)
    qs = export_query(user=user, object_type=object_type, params=params)
    user_names = {pk: name or email for pk, name, email in user_list().values_list("id", "full_name", "email")}
    readers = [_reader(c, export, user_names) for c in columns]
    paths: list[str] = ["id"]
    slots: list[tuple[list[int], Any]] = []
    for names, fn in readers:
        idx = []
        for name in names:
            if name not in paths:
                paths.append(name)
            idx.append(paths.index(name))
        slots.append((idx, fn))
    tag_slot = next((i for i, c in enumerate(columns) if c.key == "tags"), None)
    header = ["ID", *[str(c.label) for c in columns]]

    def batches() -> Iterator[list[list[Any]]]:
        chunk: list[tuple[Any, ...]] = []
        for row in qs.values_list(*paths).iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) >= CHUNK:
                yield _convert(chunk)
                chunk = []
        if chunk:
            yield _convert(chunk)

    def _convert(chunk: list[tuple[Any, ...]]) -> list[list[Any]]:
        tags = tag_names_by_record(object_type=object_type, ids=[r[0] for r in chunk]) if tag_slot is not None else {}
        out = []
        for row in chunk:
            cells: list[Any] = [row[0]]
            for n, (idx, fn) in enumerate(slots):
                if n == tag_slot:
                    value: Any = ", ".join(tags.get(row[0], []))
                elif len(idx) == 1:
                    value = fn(row[idx[0]])
                else:
                    value = fn(*(row[i] for i in idx))
                cells.append(cell_safe(value) if isinstance(value, str) else value)
            out.append(cells)
        return out

    return header, batches()


def export_file_stem(object_type: str) -> str:
    return EXPORTS[object_type].file_stem


def import_job_list(*, user: Any, limit: int = 50) -> list[ImportJob]:
    qs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    if not user_is_admin(user):
        qs = qs.filter(created_by=user)
    return list(qs[:limit])


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None or (user is not None and job.created_by_id != user.pk and not user_is_admin(user)):
        raise RecordNotFound()
    return job


def import_report_rows(*, job: ImportJob) -> Iterator[list[Any]]:
    """The per-row report (failed, duplicate and skipped rows) in file order: row, outcome, message, cells."""
    for batch in ImportBatch.objects.filter(job=job).order_by("number").only("report").iterator(chunk_size=10):
        for row_no, outcome, message, cells in batch.report:
            yield [row_no, outcome, message, *cells]


def import_changes_rows(*, job: ImportJob) -> Iterator[list[Any]]:
    """What the import changed: created ids, and for updated records each field's previous value."""
    for batch in ImportBatch.objects.filter(job=job).order_by("number").iterator(chunk_size=10):
        for pk in batch.created_ids:
            yield [pk, "created", "", ""]
        for pk, previous in batch.updated:
            for field, value in previous.items():
                yield [pk, "updated", field, "" if value is None else value]


def export_job_get(*, user: Any, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or (user is not None and job.created_by_id != user.pk):
        raise RecordNotFound()
    return job
