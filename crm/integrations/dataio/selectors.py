"""Reads: export rows (the list's filters, sort and columns, streamed), import jobs and their reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, CharField, F, QuerySet, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.http import QueryDict
from django.utils.translation import gettext as _

from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Consent, Industry
from crm.contacts.listing import ACCOUNT_LIST, CONTACT_LIST
from crm.contacts.selectors import account_export_query, contact_export_query, tag_names_subquery
from crm.contacts.views.columns import Column, account_columns, contact_columns
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.core.listing import ListSpec
from crm.core.sqltext import FormulaSafe, IsoDate, IsoDateTime, JsonListText
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
    object_type: str
    spec: ListSpec
    columns: Any
    query: Any
    name_path: str
    default_columns: tuple[str, ...]
    file_stem: str


EXPORTS = {
    "contacts.contact": _Export(
        "contacts.contact",
        CONTACT_LIST,
        contact_columns,
        contact_export_query,
        "full_name",
        ("account", "email", "phone", "owner", "updated_at"),
        "contacts",
    ),
    "contacts.account": _Export(
        "contacts.account",
        ACCOUNT_LIST,
        account_columns,
        account_export_query,
        "name",
        ("account_type", "status", "owner", "tags", "updated_at"),
        "accounts",
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


def _expression(column: Column, export: _Export) -> Any:
    """The SQL that gives a column's text: formatting and formula-escaping happen in the database."""
    key, kind = column.key, column.kind
    yes, no = Value(str(_("yes"))), Value(str(_("no")))
    if key == "name":
        if export.name_path == "full_name":
            return FormulaSafe(
                Coalesce(
                    NullIf(F("full_name"), Value("")),
                    NullIf(F("email"), Value("")),
                    Concat(Value("#"), Cast("id", output_field=CharField())),
                    output_field=TextField(),
                )
            )
        return FormulaSafe(F("name"))
    if key == "account":
        return FormulaSafe(F("primary_account__name"))
    if key == "parent":
        return FormulaSafe(F("parent__name"))
    if key == "territory":
        return FormulaSafe(F("territory__name"))
    if key == "owner":
        return FormulaSafe(
            Coalesce(NullIf(F("owner__full_name"), Value("")), F("owner__email"), output_field=TextField())
        )
    if key == "tags":
        return tag_names_subquery(object_type=export.object_type)  # each name is made formula-safe inside
    if key.startswith("custom."):
        definition = column.custom
        raw = KeyTextTransform(key.split(".", 1)[1], "custom")
        choices = getattr(definition, "choices", None) or []
        if choices and getattr(definition, "field_type", "") == "choice":
            language = _language()
            whens = [
                When(
                    **{f"custom__{key.split('.', 1)[1]}": c["value"]},
                    then=Value(definition.choice_label(c["value"], language)),
                )
                for c in choices
            ]
            return FormulaSafe(Case(*whens, default=raw, output_field=TextField()))
        return FormulaSafe(Cast(raw, output_field=TextField()))
    if key in _CHOICES:
        whens = [When(**{key: value}, then=Value(str(label))) for value, label in _CHOICES[key].choices]
        return Case(*whens, default=F(key), output_field=TextField())
    if kind == "bool":
        return Case(When(**{key: True}, then=yes), default=no, output_field=TextField())
    if kind == "datetime":
        return IsoDateTime(F(key))
    if kind == "date":
        return IsoDate(F(key))
    if kind in {"emails", "phones", "lines"}:
        return FormulaSafe(JsonListText(F(key)))
    return FormulaSafe(F(key))


def export_query(*, user: Any, object_type: str, params: Mapping[str, Any]) -> QuerySet[Any]:
    """The records to export, filtered and ordered like the list (InvalidInput for a bad filter or sort)."""
    export = EXPORTS[object_type]
    sort = (params.get("sort") or "").strip() or None
    spec, descending = export.spec.resolve_sort(sort)
    filters = QueryDict(mutable=True)
    getlist = getattr(params, "getlist", None)
    for key in params:
        if key in {"sort", "columns", "format", "cursor", "view", "page_size"}:
            continue
        filters.setlist(key, getlist(key) if getlist else [params[key]])
    qs = export.query(user=user, params=filters)
    return qs.order_by(f"-{spec.path}", "-id") if descending else qs.order_by(spec.path, "id")


@dataclass(frozen=True)
class ExportSelect:
    header: list[str]
    sql: str
    params: tuple[Any, ...]


def export_select(*, user: Any, object_type: str, params: Mapping[str, Any]) -> ExportSelect:
    """The one SELECT that yields the export's rows, already as text (InvalidInput for a bad filter or sort)."""
    export = EXPORTS[object_type]
    columns = export_columns(object_type=object_type, params=params)
    qs = export_query(user=user, object_type=object_type, params=params)
    names = {f"c{i}": _expression(c, export) for i, c in enumerate(columns)}
    rows = qs.annotate(**names).values_list("id", *names)
    sql, sql_params = rows.query.sql_with_params()
    return ExportSelect(header=["ID", *[str(c.label) for c in columns]], sql=sql, params=tuple(sql_params))


@contextmanager
def _sorts_on_disk() -> Iterator[None]:
    """SQLite sorts a big ORDER BY in a temporary b-tree, kept in memory with `temp_store=MEMORY` (the
    project's setting): for an export let it spill to a file so memory stays constant, then put it back."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # SQLite allows the change outside only
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA temp_store = FILE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA temp_store = {int(previous)}")


def export_rows(
    *, user: Any, object_type: str, params: Mapping[str, Any]
) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """(header, batches of rows) streamed from the database with constant memory (a server-side cursor on
    PostgreSQL); every cell is text or a number, formula-safe."""
    select = export_select(user=user, object_type=object_type, params=params)

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        with _sorts_on_disk(), transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(select.sql, select.params)
            while batch := cursor.fetchmany(CHUNK):
                yield batch

    return select.header, batches()


def export_csv_bytes(
    *, user: Any, object_type: str, params: Mapping[str, Any]
) -> tuple[list[str], Iterator[bytes]]:
    """(header, CSV body in chunks). PostgreSQL writes the CSV itself (`COPY (SELECT …) TO STDOUT`)."""
    if connection.vendor != "postgresql":
        header, batches = export_rows(user=user, object_type=object_type, params=params)

        def written() -> Iterator[bytes]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for batch in batches:
                writer.writerows(batch)
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()

        return header, written()
    select = export_select(user=user, object_type=object_type, params=params)

    def copied() -> Iterator[bytes]:
        pending: list[bytes] = []
        size = 0
        with transaction.atomic(), connection.cursor() as cursor:
            statement = f"COPY ({select.sql}) TO STDOUT WITH (FORMAT csv)"
            with cursor.cursor.copy(statement, select.params) as copy:  # type: ignore[attr-defined]
                for data in copy:
                    pending.append(bytes(data))
                    size += len(data)
                    if size >= 256 * 1024:
                        yield b"".join(pending)
                        pending, size = [], 0
        if pending:
            yield b"".join(pending)

    return select.header, copied()


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
    for batch in (
        ImportBatch.objects.filter(job=job).order_by("number").only("report").iterator(chunk_size=10)
    ):
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
