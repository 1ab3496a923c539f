"""`make bench`: builds the bench data set (once) and measures the figures BENCHMARKS.md quotes.

    python bench/run.py [--db sqlite|postgres|both] [--contacts N] [--activities N] [--runs N]
                        [--reuse | --rebuild] [--build-only]

The data set (1,000,000 contacts, 5,000,000 activities by default) is built on the first run into the PostgreSQL
database `crm_bench` (server from BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres) and the
SQLite file var/crm_bench.sqlite3, and reused by later runs with the same sizes. Results go to
bench/results/foundation-<db>.json (figures) and load-<db>.json (the build), and a table to stdout.

Server-side times are measured in-process with Django's test client (no network, no browser): the time from
request to complete response, including middleware, permission scoping, queries and template rendering.
Each figure is compared with a baseline measured in the same run on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _setup(db: str, reuse: bool, name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("CRM_FAST_PASSWORD_HASHER", "1")
    if db == "postgres":
        import psycopg

        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        if not reuse:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
    else:
        path = ROOT / "var" / f"{name}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _server_cpu_ns() -> int:
    """CPU time the PostgreSQL backend serving this connection has used so far (0 on SQLite: it runs in-process
    and `time.thread_time_ns()` already counts it). /proc/<pid>/schedstat: ns on CPU, ns waiting to run, slices."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    raw = connection.connection
    pid = _BACKEND_PIDS.get(id(raw))
    if pid is None:
        pid = _BACKEND_PIDS[id(raw)] = raw.info.backend_pid
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


_BACKEND_PIDS: dict[int, int] = {}


def _one(client: Any, urls: list[str], headers: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of fetching `urls` in turn: CPU = this thread (Django, and SQLite) + the PG backend."""
    server_before = _server_cpu_ns()
    cpu_before = time.thread_time_ns()
    started = time.perf_counter()
    for url in urls:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    wall = (time.perf_counter() - started) * 1000
    cpu = (time.thread_time_ns() - cpu_before) / 1e6
    # the backend's counter is read after the request, outside the thread's CPU figure
    server = (_server_cpu_ns() - server_before) / 1e6 if server_before else 0.0
    return wall, cpu + server


def timed(client: Any, url: str | list[str], n: int, **headers: Any) -> dict[str, float]:
    """p50/p95 of `n` requests after 3 warm-up ones, wall-clock and CPU; a list of URLs is timed as one page
    (fetched in turn, as the browser does for a page and its htmx panels)."""
    urls = [url] if isinstance(url, str) else url
    walls, cpus = [], []
    for i in range(n + 3):
        wall, cpu = _one(client, urls, headers)
        if i >= 3:  # warm-up
            walls.append(wall)
            cpus.append(cpu)
    return {
        "p50_ms": round(statistics.median(walls), 2),
        "p95_ms": round(p95(walls), 2),
        "cpu_p50_ms": round(statistics.median(cpus), 2),
        "cpu_p95_ms": round(p95(cpus), 2),
        "n": n,
    }


def rps(
    targets: list[tuple[Any, str, dict[str, str]]], *, seconds: float, rounds: int = 10
) -> list[dict[str, float]]:
    """Requests per second of each target, one client at a time, interleaved in `rounds` slices so that
    background load on the machine hits every target alike. `rps` is by the wall clock, `cpu_rps` by the CPU
    time the requests used (what one core sustains when nothing else runs)."""
    counts = [0] * len(targets)
    walls = [0.0] * len(targets)
    cpus = [0.0] * len(targets)
    for client, url, headers in targets:
        for _ in range(3):
            _one(client, [url], headers)
    for _ in range(rounds):
        for i, (client, url, headers) in enumerate(targets):
            started = time.perf_counter()
            while time.perf_counter() - started < seconds / rounds:
                wall, cpu = _one(client, [url], headers)
                counts[i] += 1
                walls[i] += wall
                cpus[i] += cpu
    return [
        {"rps": round(c * 1000 / w, 1), "cpu_rps": round(c * 1000 / u, 1), "requests": c}
        for c, w, u in zip(counts, walls, cpus, strict=True)
    ]


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _exists(db: str, name: str) -> bool:
    if db == "sqlite":
        return (ROOT / "var" / f"{name}.sqlite3").exists()
    import psycopg

    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(base, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _postgres_reachable() -> bool:
    import psycopg

    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def _command(db: str) -> str:
    """The command line that reproduces this run for one database (without the caller's --db)."""
    rest, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("--db="):
            rest.append(arg)
    return " ".join(["python", "bench/run.py", "--db", db, *rest])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=5_000_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument(
        "--runs", type=int, default=60, help="timed requests per figure (after 3 warm-up ones)"
    )
    parser.add_argument("--name", default="crm_bench", help="PostgreSQL database / var/<name>.sqlite3 file")
    parser.add_argument("--reuse", action="store_true", help="measure the existing data set, never build it")
    parser.add_argument("--rebuild", action="store_true", help="build the data set even when it exists")
    parser.add_argument("--build-only", action="store_true", help="build the data set, measure nothing")
    parser.add_argument(
        "--scenario",
        choices=["foundation", "search"],
        default="foundation",
        help="what to measure: lists/pages/API (foundation) or search-as-you-type (search, bench/search.py)",
    )
    parser.add_argument(
        "--add-relations",
        action="store_true",
        help="with --reuse: add memberships and tags to a data set built before they existed",
    )
    args = parser.parse_args()
    if args.db == "both":
        status = 0
        for db in ("sqlite", "postgres"):
            if db == "postgres" and not _postgres_reachable():
                print("PostgreSQL is not reachable (BENCH_PG_URL): skipped", flush=True)
                if os.environ.get("CRM_REQUIRE_POSTGRES") == "1":
                    status = 1
                continue
            status |= subprocess.call([sys.executable, *_command(db).split()[1:]], cwd=ROOT)
        from bench.report import report

        print(report(), flush=True)
        sys.exit(status)

    sizes = {"contacts": args.contacts, "activities": args.activities, "accounts": args.accounts}
    suffix = "" if args.name == "crm_bench" else f"-{args.name}"
    load_file = RESULTS / f"load-{args.db}{suffix}.json"
    previous = json.loads(load_file.read_text()) if load_file.exists() else {}
    same_sizes = all(previous.get(k) == v for k, v in sizes.items())
    reuse = args.reuse or (not args.rebuild and same_sizes and _exists(args.db, args.name))
    _setup(args.db, reuse, args.name)

    from bench import scenario

    say = lambda msg: print(msg, flush=True)  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not reuse:
        load = scenario.build(say=say, **sizes)
        load.update(sizes, command=_command(args.db))
        load_file.write_text(json.dumps(load, indent=2))
        say(f"written {load_file}")
    else:
        load = previous
        say(f"[{args.db}] reusing the data set built by: {load.get('command', '?')}")
        if args.add_relations:
            load.update(scenario.relations(say=say))
            load_file.write_text(json.dumps(load, indent=2))
            return
    if args.build_only:
        return
    load_before = _load_average()
    started = time.perf_counter()
    if args.scenario == "search":
        from bench import search as search_scenario

        figures = search_scenario.measure(runs=args.runs, say=say)
    else:
        figures = scenario.measure(runs=args.runs, say=say, timed=timed, rps=rps)
    result = {
        "db": args.db,
        **sizes,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_average_before": load_before,
            "load_average_after": _load_average(),
        },
        "measure_s": round(time.perf_counter() - started, 1),
        "load": load,
        "figures": figures,
        "command": _command(args.db),
    }
    out = RESULTS / f"{args.scenario}-{args.db}{suffix}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(f"written {out}")


if __name__ == "__main__":
    main()
