"""SQL expressions that turn values into the text people read, computed by the database (PostgreSQL and SQLite).

Exports use them so that a million rows are formatted by the database, not one by one in Python.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, Func, TextField


class GroupConcat(Aggregate):
    """The values of a group joined with ", " (string_agg / group_concat)."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"string_agg({sql}::text, ', ' ORDER BY {sql}::text)", [*params, *params]
        return f"group_concat({sql}, ', ')", params


class FormulaSafe(Func):
    """Text a spreadsheet will not run as a formula: a leading = + - @ tab or CR gets a quote in front."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        chr_ = "chr" if connection.vendor == "postgresql" else "char"
        return (
            f"(CASE WHEN substr({sql}, 1, 1) IN ('=', '+', '-', '@', {chr_}(9), {chr_}(13)) "
            f"THEN '''' || {sql} ELSE {sql} END)",
            [*params, *params, *params],
        )


class IsoDateTime(Func):
    """A timestamp as ISO 8601 in UTC with seconds: 2026-12-31T14:30:00+00:00."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"""to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')""", params
        return f"strftime('%%Y-%%m-%%dT%%H:%%M:%%S+00:00', {sql})", params


class IsoDate(Func):
    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"to_char({sql}, 'YYYY-MM-DD')", params
        return f"date({sql})", params


class JsonListText(Func):
    """A JSON array of strings joined with ", "."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        # most lists are empty: answer those without the per-row sub-select
        if connection.vendor == "postgresql":
            return (
                f"(CASE WHEN jsonb_array_length({sql}) = 0 THEN '' "
                f"ELSE array_to_string(ARRAY(SELECT jsonb_array_elements_text({sql})), ', ') END)",
                [*params, *params],
            )
        return (
            f"(CASE WHEN {sql} = '[]' THEN '' "  # noqa: S608 - compiled SQL
            f"ELSE (SELECT group_concat(value, ', ') FROM json_each({sql})) END)",
            [*params, *params],
        )
