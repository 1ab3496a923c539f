"""Set-based writes of many rows into one table: the engine under the apps' bulk-load services.

An app calls these only for its own tables (STYLE rule 3); they know nothing about any domain.

- PostgreSQL: new rows get their ids from the table's sequence in one statement and are `COPY`-ed straight into
  the table (the same path as a raw `COPY`); changed rows are `COPY`-ed into a temporary staging table
  (dropped at commit) and one `UPDATE … FROM` rewrites them.
- SQLite (and any other database): batched `executemany` inside the caller's transaction; the ids of the new
  rows are read back by their position after the largest id before the insert (the write lock is held, and the
  tables use AUTOINCREMENT, so nobody else can interleave).

Values must already be clean and of the column's Python type (None for NULL, a JSON text for JSON columns).
The caller owns the transaction (`transaction.atomic`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models.lookups import In

_counter = itertools.count(1)


class AnyOf(In):
    """`field IN (values)` that PostgreSQL gets as one array parameter (`field = ANY(%s)`): a 10,000-value IN
    list costs more to build and parse (psycopg splits the query at every placeholder) than the lookup itself.
    Use as `Model.objects.filter(AnyOf(F("email"), values))`; other databases get the plain IN list."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, [v for v in self.rhs if v is not None])


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[tuple[str, str]]:
    """(column, PostgreSQL type) of each field, in order."""
    out = []
    for name in fields:
        field = model._meta.get_field(name)
        column = field.column  # type: ignore[union-attr]
        db_type = field.db_type(connection)  # type: ignore[union-attr]
        if db_type is None:
            raise ValueError(f"{name} has no column")
        # identity/serial types are for the real table only; the staging copy is a plain bigint
        db_type = (
            db_type.split(" GENERATED", 1)[0].replace("bigserial", "bigint").replace("serial", "integer")
        )
        out.append((str(column), str(db_type)))
    return out


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _adapted(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], offset: int
) -> Any:
    """Rows with dates and times in the form Django stores them (SQLite keeps them as text)."""
    adapters: list[tuple[int, Any]] = []
    for i, name in enumerate(fields):
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            adapters.append((i + offset, connection.ops.adapt_datetimefield_value))
        elif isinstance(field, models.DateField):
            adapters.append((i + offset, connection.ops.adapt_datefield_value))
    if not adapters:
        return rows
    memo: dict[Any, Any] = {}  # the batch's timestamps are one value: adapt it once
    out = []
    for row in rows:
        values = list(row)
        for i, adapt in adapters:
            value = values[i]
            if value is not None:
                adapted = memo.get(value)
                if adapted is None:
                    adapted = memo[value] = adapt(value)
                values[i] = adapted
        out.append(values)
    return out


def rows_insert(
    *, model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (values in the order of `fields`); the new ids, in the order of `rows`."""
    if not rows:
        return []
    table = _quote(model._meta.db_table)
    columns = _columns(model, fields)
    names = ", ".join(_quote(c) for c, _t in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ids first (nextval is safe with concurrent writers), then one COPY into the table itself
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(rows)],  # type: ignore[union-attr]
            )
            ids = [r[0] for r in cursor.fetchall()]
            pk = _quote(model._meta.pk.column)  # type: ignore[union-attr]
            with cursor.cursor.copy(f"COPY {table} ({pk}, {names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                write = copy.write_row
                for pk_value, row in zip(ids, rows, strict=True):
                    write((pk_value, *row))
            return ids
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            _adapted(model, fields, rows, 0),
        )
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])  # noqa: S608
        return [r[0] for r in cursor.fetchall()]


def rows_update(*, model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Rewrite `fields` of existing rows; each row is (id, *values in the order of `fields`)."""
    if not rows:
        return 0
    table = _quote(model._meta.db_table)
    columns = _columns(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = f"bulk_stage_{next(_counter)}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} (id bigint, "
                f"{', '.join(f'{_quote(c)} {t}' for c, t in columns)}) ON COMMIT DROP"
            )
            names = ", ".join(["id", *(_quote(c) for c, _t in columns)])
            with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{_quote(c)} = s.{_quote(c)}" for c, _t in columns)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {stage} AS s WHERE t.id = s.id")  # noqa: S608
            count = cursor.rowcount
            cursor.execute(f"DROP TABLE {stage}")
            return count
        assignments = ", ".join(f"{_quote(c)} = %s" for c, _t in columns)
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [(*row[1:], row[0]) for row in _adapted(model, fields, rows, 1)],
        )
        return len(rows)
