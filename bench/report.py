"""The figures table of BENCHMARKS.md, from bench/results/foundation-*.json (`python bench/report.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DBS = (("postgres", "PostgreSQL"), ("sqlite", "SQLite"))

# (figure key, label, p95 budget in ms or None) — budgets from the foundation issue
LATENCY: tuple[tuple[str, str, int | None], ...] = (
    ("contact_list_first_page_rep", "Contact list (consent filter, by name), sales rep, 1st page", 50),
    ("contact_list_page_50_rep", "Contact list, sales rep, 50th page", 50),
    ("contact_list_first_page_admin", "Contact list, admin, 1st page", 50),
    ("contact_list_page_50_admin", "Contact list, admin, 50th page", 50),
    (
        "record_page_total_rep",
        "Account page + every panel it loads (composer, timeline of 1,092 entries, opportunities, network), sales rep",
        100,
    ),
    ("record_page_total_admin", "Account page + every panel it loads, admin", 100),
    ("account_page_rep", "… of which the account page, rep", None),
    ("account_timeline_rep", "… of which the timeline partial, rep", None),
    ("account_timeline_page_21_admin", "Timeline, 21st page (“Load older” ×20), admin", None),
    ("api_contacts_latency", "API `GET /api/v1/contacts?limit=50&sort=name`, rep", None),
    ("baseline_values_latency", "Plain Django `.values()` view, same 50 rows, rep", None),
)
QUERY_PAIRS = (
    ("contact_list_page_size_25", "contact_list_page_size_200", "Queries: contact list page, 25 vs 200 rows"),
    ("api_contacts_limit_5", "api_contacts_limit_200", "Queries: API contact list, 5 vs 200 rows"),
    ("timeline_limit_10", "timeline_limit_100", "Queries: timeline partial, 10 vs 100 entries"),
)


def _load(db: str) -> dict[str, Any] | None:
    path = RESULTS / f"foundation-{db}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _ok(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"


def report() -> str:
    results = {db: _load(db) for db, _label in DBS}
    present = [(db, label) for db, label in DBS if results[db]]
    if not present:
        return "no results in bench/results/"
    head = " | ".join(f"{label} p50 / p95 (CPU p95)" for _db, label in present)
    lines = [
        f"| figure | budget | {head} | verdict ({' · '.join(lb for _d, lb in present)}) |",
        "|---|---|" + "---|" * len(present) + "---|",
    ]
    for key, label, budget in LATENCY:
        cells, verdicts = [], []
        for db, _label in present:
            f = results[db]["figures"].get(key)  # type: ignore[index]
            if f is None:
                cells.append("–")
                continue
            cells.append(f"{f['p50_ms']:.0f} / {f['p95_ms']:.0f} ms ({f['cpu_p95_ms']:.0f})")
            if budget is not None:
                verdicts.append(_ok(f["p95_ms"] <= budget))
        budget_text = f"p95 ≤ {budget} ms" if budget else ""
        lines.append(f"| {label} | {budget_text} | " + " | ".join(cells) + f" | {' · '.join(verdicts)} |")
    cells, verdicts = [], []
    for db, _label in present:
        f = results[db]["figures"]  # type: ignore[index]
        if "api_contacts_rps" not in f:
            cells.append("–")
            continue
        api, base = f["api_contacts_rps"], f["baseline_values_rps"]
        cells.append(
            f"{api['rps']} vs {base['rps']} req/s = **{f['api_vs_baseline_ratio']}×** "
            f"(CPU {f['api_vs_baseline_cpu_ratio']}×)"
        )
        verdicts.append(_ok(f["api_vs_baseline_ratio"] >= 0.8))
    lines.append(
        "| API list of 50 contacts ÷ plain `.values()` view, requests/s | ≥ 0.8× | "
        + " | ".join(cells)
        + f" | {' · '.join(verdicts)} |"
    )
    for small, large, label in QUERY_PAIRS:
        cells, verdicts = [], []
        for db, _label in present:
            q = results[db]["figures"].get("queries", {})  # type: ignore[index]
            if small not in q:
                cells.append("–")
                continue
            cells.append(f"{q[small]} vs {q[large]}")
            verdicts.append(_ok(q[small] == q[large]))
        lines.append(f"| {label} | equal | " + " | ".join(cells) + f" | {' · '.join(verdicts)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
