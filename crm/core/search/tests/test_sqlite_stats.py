"""After migrations, SQLite tables rebuilt without planner statistics get them back."""

from __future__ import annotations

import pytest
from django.db import connection

from crm.core.sqlite_stats import sqlite_stats_refresh

pytestmark = pytest.mark.django_db


def _analysed() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps planner statistics in sqlite_stat1")
def test_a_table_that_lost_its_statistics_is_analysed_again_and_the_others_are_left_alone() -> None:
    from django.contrib.auth import get_user_model

    for n in range(3):
        get_user_model().objects.create_user(email=f"u{n}@example.com", password="x-long-password-1")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'identity_user'")  # what a table rebuild leaves

    assert "identity_user" not in _analysed()
    assert sqlite_stats_refresh() == ["identity_user"]
    assert "identity_user" in _analysed()
    assert sqlite_stats_refresh() == []


def test_nothing_happens_where_statistics_are_not_kept() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert sqlite_stats_refresh() == []
