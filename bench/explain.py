"""Where one page's time goes, on the bench data set: its SQL with query plans, and its templates and tags.

    python bench/explain.py --db postgres|sqlite [--user rep0-0@bench.crm] [--token] [--min-ms 1] URL

Prints every query the request runs (with EXPLAIN ANALYZE on PostgreSQL / EXPLAIN QUERY PLAN on SQLite for those
slower than --min-ms), then the CPU time of each template and template tag over 10 requests. Use it on the
pages BENCHMARKS.md lists, e.g. `/contacts/?email_consent=granted&sort=name` or `/timeline/contacts.account/ID/`.
Run `python bench/run.py --build-only` first.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(db: str, name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("CRM_FAST_PASSWORD_HASHER", "1")
    if db == "postgres":
        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'{name}.sqlite3'}"
    import django

    django.setup()


def _client(email: str, token: bool) -> tuple[Any, dict[str, str]]:
    from django.test import Client

    from crm.core.identity.models import User
    from crm.core.identity.services import token_create

    user = User.objects.get(email=email)
    client = Client()
    if token:
        _token, secret = token_create(actor=None, user=user, name="explain", scopes=["read"])
        return client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(user)
    return client, {}


def explain_sql(client: Any, url: str, headers: dict[str, str], min_ms: float) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    print(f"{url} → {response.status_code}, {len(ctx.captured_queries)} queries")
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"   (not re-run) {sql[:150]}")
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            ms = (time.perf_counter() - started) * 1000
            print(f"== {ms:6.1f} ms  {sql[:160]}")
            if ms < min_ms:
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = [str(row[3]) for row in cursor.fetchall()]
            for line in plan:
                print("        " + line)


def template_cpu(client: Any, url: str, headers: dict[str, str], runs: int = 10) -> None:
    """CPU per template (inclusive) and per simple tag, patched into Django's template engine for the run."""
    from django.template import base, library

    spent: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    render, tag_render = base.Template._render, library.SimpleNode.render

    def timed_render(self: Any, context: Any) -> Any:
        started = time.thread_time_ns()
        try:
            return render(self, context)
        finally:
            spent[self.origin.template_name or str(self.origin.name)] += time.thread_time_ns() - started
            calls[self.origin.template_name or str(self.origin.name)] += 1

    def timed_tag(self: Any, context: Any) -> Any:
        started = time.thread_time_ns()
        try:
            return tag_render(self, context)
        finally:
            spent["{% " + self.func.__name__ + " %}"] += time.thread_time_ns() - started
            calls["{% " + self.func.__name__ + " %}"] += 1

    base.Template._render = timed_render  # type: ignore[method-assign]
    library.SimpleNode.render = timed_tag  # type: ignore[method-assign]
    try:
        for _ in range(3):
            client.get(url, **headers)
        spent.clear()
        calls.clear()
        started = time.thread_time_ns()
        for _ in range(runs):
            client.get(url, **headers)
        total = (time.thread_time_ns() - started) / 1e6 / runs
    finally:
        base.Template._render = render  # type: ignore[method-assign]
        library.SimpleNode.render = tag_render  # type: ignore[method-assign]
    print(f"\nCPU per request: {total:.1f} ms (this process; the PostgreSQL server's share is not in it)")
    for name, ns in spent.most_common(20):
        print(f"  {ns / 1e6 / runs:7.2f} ms  {calls[name] / runs:5.0f}×  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url")
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--name", default="crm_bench")
    parser.add_argument(
        "--user", default="rep0-0@bench.crm", help="bench users: rep<team>-<n>@, manager<team>@, admin@"
    )
    parser.add_argument("--token", action="store_true", help="authenticate with a bearer token (API URLs)")
    parser.add_argument("--min-ms", type=float, default=1.0, help="explain queries slower than this")
    args = parser.parse_args()
    _setup(args.db, args.name)
    client, headers = _client(args.user, args.token)
    explain_sql(client, args.url, headers, args.min_ms)
    template_cpu(client, args.url, headers)


if __name__ == "__main__":
    main()
