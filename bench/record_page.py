"""The record-page figure alone (the account page + its timeline partial, as in scenario.measure), for quick
before/after comparisons on an existing data set:

    python bench/record_page.py --db sqlite|postgres --name crm_bench_network [--runs 60]

Prints one JSON line: p50/p95 wall and CPU per figure, for the sales rep and the admin. Build the data set first
with `python bench/run.py --build-only --name …`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--name", default="crm_bench")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    from bench.run import _setup, timed

    _setup(args.db, True, args.name)
    from django.test import Client
    from django.urls import reverse

    from crm.activities.models import Activity
    from crm.core.identity.models import User

    hot = Activity.objects.filter(subject="note 0").values_list("account_id", flat=True).first()
    detail = reverse("contacts:account_detail", args=[hot])
    timeline = reverse("activities:timeline", args=["contacts.account", hot])
    out: dict[str, object] = {"db": args.db, "entries": Activity.objects.filter(account_id=hot).count()}
    for who, email in (("rep", "rep0-0@bench.crm"), ("admin", "admin@bench.crm")):
        client = Client()
        client.force_login(User.objects.get(email=email))
        out[f"account_page_{who}"] = timed(client, detail, args.runs)
        out[f"account_timeline_{who}"] = timed(client, timeline, args.runs)
        out[f"record_page_total_{who}"] = timed(client, [detail, timeline], args.runs)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
