"""Planner statistics on SQLite after migrations.

On SQLite most schema changes rebuild the table (create a copy, move the rows, drop the old one), and the copy has
no `sqlite_stat1` rows. Without them the planner guesses, and on a big table it guesses wrong: after the
migrations that added duplicate keys and external ids, the contact list's page query walked the name index of a
million rows (325 ms) instead of the owner's (2 ms). So after `migrate`, every table of a database that keeps
statistics but has none for that table is analysed again. A database never analysed (a new, small one) is left
alone: the planner's defaults serve small tables well, and `ANALYZE` runs after bulk loads.
"""

from __future__ import annotations

from typing import Any

from django.db import connections


def sqlite_stats_refresh(using: str = "default", **kwargs: Any) -> list[str]:
    """`post_migrate` receiver: `ANALYZE` the tables that lost their statistics; returns their names."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []
        cursor.execute(
            "SELECT name FROM sqlite_master m WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.tbl_name = m.name) "
            "AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
        )
        tables = []
        for (table,) in cursor.fetchall():
            # table names come from sqlite_master, not from input; an empty table gets no statistics
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                tables.append(table)
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
    return tables
