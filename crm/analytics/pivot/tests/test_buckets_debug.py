"""Date buckets on SQLite keep working when the queries are logged (DEBUG, or a query-count assertion)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.pivot.selectors import pivot_compute


def test_a_month_bucket_computes_with_the_queries_logged(world: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = pivot_compute(
            user=world.manager,
            data={
                "object": "opportunities",
                "rows": ["close_date:month"],
                "measure": "count",
                "filters": {"currency": "EUR"},  # a parameter in the SQL: the log formats it with %
            },
        )
    assert result.grand_total == 4 and len(queries) > 0
