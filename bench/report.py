"""The figures table of BENCHMARKS.md, from bench/results/foundation-*.json (`python bench/report.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DBS = (("postgres", "PostgreSQL"), ("sqlite", "SQLite"))

# (figure key, label, budget in ms) — p95 budgets from the foundation issue
LATENCY = (
    ("contact_list_first_page_rep", "Contact list, sales rep, first page", 50),
    ("contact_list_page_50_rep", "Contact list, sales rep, 50th page", 50),
    ("contact_list_first_page_admin", "Contact list, admin, first page", 50),
    ("contact_list_page_50_admin", "Contact list, admin, 50th page", 50),
    ("record_page_total_rep", "Account page + timeline (1,000+ entries), sales rep", 100),
    ("record_page_total_admin", "Account page + timeline (1,000+ entries), admin", 100),
)
DETAIL = (
    ("account_page_rep", "  of which the account page, rep"),
    ("account_timeline_rep", "  of which the timeline partial, rep"),
    ("account_timeline_page_21_admin", "Timeline, 21st page (“Load older” ×20), admin"),
    ("api_contacts_latency", "API GET /api/v1/contacts?limit=50, rep"),
    ("baseline_values_latency", "Plain Django .values() view, same rows, rep"),
)
QUERY_PAIRS = (
    ("contact_list_page_size_25", "contact_list_page_size_200", "Contact list page, 25 vs 200 rows"),
    ("api_contacts_limit_5", "api_contacts_limit_200", "API contact list, 5 vs 200 rows"),
    ("timeline_limit_10", "timeline_limit_100", "Timeline partial, 10 vs 100 entries"),
)


def _load(db: str) -> dict[str, Any] | None:
    path = RESULTS / f"foundation-{db}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _verdict(value: float, budget: float, *, at_most: bool = True) -> str:
    ok = value <= budget if at_most else value >= budget
    return "pass" if ok else "**FAIL**"


def report() -> str:
    results = {db: _load(db) for db, _label in DBS}
    present = [(db, label) for db, label in DBS if results[db]]
    if not present:
        return "no results in bench/results/"
    lines = [
        "| figure | budget | "
        + " | ".join(
            f"{label} wall p50 / p95 | {label} CPU p50 / p95 | {label} verdict (wall · CPU)"
            for _db, label in present
        )
        + " |",
        "|---|---|" + "---|---|---|" * len(present),
    ]
    for key, label, budget in LATENCY:
        cells = []
        for db, _label in present:
            f = results[db]["figures"].get(key)  # type: ignore[index]
            if f is None:
                cells.append("– | – | –")
                continue
            cells.append(
                f"{f['p50_ms']:.0f} / {f['p95_ms']:.0f} ms | {f['cpu_p50_ms']:.0f} / {f['cpu_p95_ms']:.0f} ms | "
                f"{_verdict(f['p95_ms'], budget)} · {_verdict(f['cpu_p95_ms'], budget)}"
            )
        lines.append(f"| {label} | p95 ≤ {budget} ms | " + " | ".join(cells) + " |")
    for key, label in DETAIL:
        cells = []
        for db, _label in present:
            f = results[db]["figures"].get(key)  # type: ignore[index]
            cells.append(
                "– | – | –"
                if f is None
                else f"{f['p50_ms']:.0f} / {f['p95_ms']:.0f} ms | {f['cpu_p50_ms']:.0f} / {f['cpu_p95_ms']:.0f} ms | "
            )
        lines.append(f"| {label} | – | " + " | ".join(cells) + " |")
    cells = []
    for db, _label in present:
        f = results[db]["figures"]  # type: ignore[index]
        if "api_contacts_rps" not in f:
            cells.append("– | – | –")
            continue
        api, base = f["api_contacts_rps"], f["baseline_values_rps"]
        cells.append(
            f"{api['rps']} vs {base['rps']} req/s = **{f['api_vs_baseline_ratio']}×** | "
            f"{api['cpu_rps']} vs {base['cpu_rps']} req/CPU-s = **{f['api_vs_baseline_cpu_ratio']}×** | "
            f"{_verdict(f['api_vs_baseline_ratio'], 0.8, at_most=False)} · "
            f"{_verdict(f['api_vs_baseline_cpu_ratio'], 0.8, at_most=False)}"
        )
    lines.append(
        "| API list of 50 contacts vs plain `.values()` view (requests/s) | ≥ 0.8× | "
        + " | ".join(cells)
        + " |"
    )
    for small, large, label in QUERY_PAIRS:
        cells = []
        for db, _label in present:
            q = results[db]["figures"].get("queries", {})  # type: ignore[index]
            if small not in q:
                cells.append("– | – | –")
                continue
            same = q[small] == q[large]
            cells.append(f"{q[small]} vs {q[large]} queries | | {'pass' if same else '**FAIL**'}")
        lines.append(f"| Queries: {label} | equal | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
