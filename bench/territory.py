"""The stored account territory (issue 5): how long re-matching every account takes, against what the old
revenue-by-territory widget did on every request (read each account's primary address and match it against the
territories in Python), and what the widget's new read costs (a GROUP BY on the stored column).

    nice -n 10 python bench/territory.py [--db sqlite|postgres] [--accounts N] [--territories N] [--runs N]

Builds its OWN database (`crm_bench_territory` on PostgreSQL, var/crm_bench_territory.sqlite3): N accounts (one
owner), each with one primary address spread over 12 countries, 60 regions and 5-digit postal codes, and T
territories (countries, regions and postal ranges, overlapping so order matters). Figures, each the median of
`--runs`:

- `rematch_s`: `territory_rematch_run` over every account (keyset batches of 2,000, each read + UPDATEs), from
  a column that is empty (every account changes) and again when nothing changes;
- `python_match_s` (baseline, same run): `account_location_facts` + `territory_matches` over every account, the
  old widget's per-request work for the accounts that had orders;
- `group_by_ms`: `SELECT territory_id, COUNT(*) FROM contacts_account GROUP BY territory_id`.

Results: bench/results/territory-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_territory"
COUNTRIES = ["ES", "PT", "FR", "IT", "DE", "GB", "US", "MX", "AR", "CL", "CO", "SE"]


def build(*, accounts: int, territories: int, say: Any) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from crm.contacts.models import Account, Address
    from crm.core.assignment.services import territory_create
    from crm.core.identity.models import User

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("owner@bench.crm", "pw-bench-123", full_name="Owner")
    rng = random.Random(7)
    started = time.perf_counter()
    chunk = 5000
    for start in range(0, accounts, chunk):
        n = min(chunk, accounts - start)
        with transaction.atomic():
            made = Account.objects.bulk_create(
                [Account(name=f"Account {start + i:07d}", owner=owner, custom={}) for i in range(n)],
                batch_size=1000,
            )
            Address.objects.bulk_create(
                [
                    Address(
                        account=a,
                        city="City",
                        country=rng.choice(COUNTRIES),
                        region=f"Region {rng.randrange(60)}",
                        postal_code=f"{rng.randrange(100000):05d}",
                        is_primary=True,
                    )
                    for a in made
                ],
                batch_size=1000,
            )
    for i in range(territories):
        kind = i % 3
        if kind == 0:
            fields = {"countries": rng.sample(COUNTRIES, 2)}
        elif kind == 1:
            fields = {
                "countries": [rng.choice(COUNTRIES)],
                "regions": [f"Region {rng.randrange(60)}" for _ in range(5)],
            }
        else:
            low = rng.randrange(90000)
            fields = {"postal_ranges": [[f"{low:05d}", f"{low + 9999:05d}"]]}
        territory_create(actor=None, name=f"Territory {i:03d}", **fields)
    say(f"built {accounts} accounts and {territories} territories in {time.perf_counter() - started:.1f} s")


def measure(*, runs: int, say: Any) -> dict[str, Any]:
    from django.db import connection

    from crm.contacts.models import Account
    from crm.contacts.selectors import account_location_facts
    from crm.contacts.services.territories import territory_rematch_request, territory_rematch_run
    from crm.core.assignment.matching import territory_matches
    from crm.core.assignment.selectors import territory_list

    def rematch() -> tuple[float, int]:
        run = territory_rematch_request(reason="bench", enqueue=False)
        t = time.perf_counter()
        done = territory_rematch_run(run_id=run.pk)
        return time.perf_counter() - t, done.changed

    def python_match() -> float:
        t = time.perf_counter()
        ids = list(Account.objects.values_list("pk", flat=True))
        facts = account_location_facts(account_ids=ids)
        ordered = list(territory_list())
        found = 0
        for pk in ids:
            fact = facts.get(pk, {})
            if next((x for x in ordered if fact and territory_matches(x, fact)), None) is not None:
                found += 1
        return time.perf_counter() - t

    def group_by() -> float:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT territory_id, COUNT(*) FROM contacts_account GROUP BY territory_id")
            cursor.fetchall()
        return time.perf_counter() - t

    fresh, unchanged, baseline, grouped = [], [], [], []
    changed = 0
    for i in range(runs):
        Account.all_objects.update(territory_id=None)
        seconds, changed = rematch()
        fresh.append(seconds)
        unchanged.append(rematch()[0])
        baseline.append(python_match())
        grouped.append(group_by())
        say(
            f"  run {i + 1}: rematch {fresh[-1]:.2f} s ({changed} changed), unchanged {unchanged[-1]:.2f} s, "
            f"python match {baseline[-1]:.2f} s, GROUP BY {grouped[-1] * 1000:.1f} ms"
        )
    accounts = Account.all_objects.count()
    med = statistics.median
    return {
        "accounts": accounts,
        "changed_per_rematch": changed,
        "rematch_s": round(med(fresh), 2),
        "rematch_unchanged_s": round(med(unchanged), 2),
        "rematch_accounts_per_s": round(accounts / med(fresh)),
        "python_match_s": round(med(baseline), 2),
        "ratio_rematch_to_python_match": round(med(fresh) / med(baseline), 2),
        "group_by_ms": round(med(grouped) * 1000, 1),
        "ratio_group_by_to_python_match": round(med(grouped) / med(baseline), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--territories", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from bench.run import _load_average, _setup

    _setup(args.db, False, NAME)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    before = _load_average()
    build(accounts=args.accounts, territories=args.territories, say=say)
    figures = measure(runs=args.runs, say=say)
    command = (
        f"nice -n 10 python bench/territory.py --db {args.db} --accounts {args.accounts} "
        f"--territories {args.territories} --runs {args.runs}"
    )
    result = {
        "db": args.db,
        "territories": args.territories,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": _load_average(),
        },
        **figures,
        "command": command,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"territory-{args.db}.json"
    out.write_text(json.dumps(result, indent=2))
    say(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
