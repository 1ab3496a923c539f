"""The new / active / lapsed customers widget over the purchase summary vs grouping every order by account (what
the widget did before the summary), in the same process on the same connection, on an existing data set.

    nice -n 19 python bench/dashboard_customers.py --db sqlite|postgres --name NAME [--runs N]

NAME: a PostgreSQL database / var/NAME.sqlite3 built by bench/sales.py (migrated, summary filled). For the
administrator, a manager and a rep, the periods 2026 (running: the reference day is today, orders dated after it
exist) and 2025 (past), 90 and 730 active days: both answers are asserted equal, then timed (p95 of N runs after
two warm-up ones). The GROUP BY side is `by_grouping` of the widget's test. Results:
bench/results/dashboard-customers-<db>.json."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--name", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from bench.run import _exists, _load_average, _setup, p95

    if not _exists(args.db, args.name):
        parser.error(f"no data set named {args.name} for --db {args.db}")
    _setup(args.db, True, args.name)
    from crm.analytics.dashboards.filters import dashboard_filters_parse
    from crm.analytics.dashboards.selectors import widget_compute
    from crm.analytics.dashboards.tests.test_customers_summary import by_grouping
    from crm.analytics.dashboards.widgets import widget_type_get
    from crm.core.identity.models import User

    widget = widget_type_get("customers")
    rows = []
    before = _load_average()
    for email in ("admin@bench.crm", "manager0@bench.crm", "rep0-0@bench.crm"):
        user = User.objects.get(email=email)
        for period in ("2026", "2025"):
            for days in (90, 730):
                params, settings = {"period": period}, {"mine": False, "days": days}
                filters = dashboard_filters_parse(user=user, params=params)
                fast, slow = [], []
                for _ in range(args.runs + 2):
                    started = time.perf_counter()
                    result = widget_compute(user=user, widget=widget, filters=filters, settings=settings)
                    fast.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    expected = by_grouping(user, params, settings)
                    slow.append((time.perf_counter() - started) * 1000)
                counts = {k: result.figures[k] for k in ("new", "active", "lapsed")}
                assert counts == expected["counts"], (email, params, days, counts, expected)
                row = {
                    "who": email,
                    "period": period,
                    "days": days,
                    "counts": counts,
                    "summary_p95_ms": round(p95(fast[2:]), 1),
                    "group_by_p95_ms": round(p95(slow[2:]), 1),
                }
                row["ratio"] = round(row["summary_p95_ms"] / row["group_by_p95_ms"], 2)
                print(row, flush=True)
                rows.append(row)
    out = ROOT / "bench" / "results" / f"dashboard-customers-{args.db}.json"
    result = {
        "db": args.db,
        "name": args.name,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_average_before": before,
        "load_average_after": _load_average(),
        "rows": rows,
        "command": f"nice -n 19 python bench/dashboard_customers.py --db {args.db} --name {args.name} --runs {args.runs}",
    }
    out.write_text(json.dumps(result, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
