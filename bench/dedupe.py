"""Duplicates: labelled evaluation of the matcher, and the 1,000,000-contact scan.

    python bench/dedupe.py eval [--people 20000] [--seed 7]            precision/recall/F1 per threshold
    python bench/dedupe.py scan --db postgres|sqlite [--contacts 1000000] [--reuse]   time `duplicate_scan`

The labelled generator makes people with realistic names, companies, emails and phones, then copies some of them
with the errors real duplicates have: typos, swapped first/last names, a changed or missing email, a missing
phone, dropped accents, different phone formats, a missing account. Namesakes (different people with the same
name, some at the same company) and relatives sharing a phone are in the data too, so precision means something.
The evaluation uses the product's own normalisation, blocking keys and score (crm.contacts.matching).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = [
    "Lucía",
    "Sofía",
    "Martina",
    "María",
    "Julia",
    "Paula",
    "Valeria",
    "Emma",
    "Daniela",
    "Carla",
    "Alba",
    "Noa",
    "Alma",
    "Sara",
    "Carmen",
    "Vega",
    "Lara",
    "Mía",
    "Valentina",
    "Olivia",
    "Ana",
    "Laura",
    "Marta",
    "Elena",
    "Irene",
    "Cristina",
    "Patricia",
    "Rosa",
    "Pilar",
    "Isabel",
    "Teresa",
    "Beatriz",
    "Nuria",
    "Silvia",
    "Hugo",
    "Martín",
    "Lucas",
    "Mateo",
    "Leo",
    "Daniel",
    "Alejandro",
    "Pablo",
    "Manuel",
    "Álvaro",
    "Adrián",
    "David",
    "Mario",
    "Enzo",
    "Diego",
    "Marcos",
    "Izan",
    "Javier",
    "Marco",
    "Álex",
    "Bruno",
    "Oliver",
    "Miguel",
    "Thiago",
    "Antonio",
    "Marc",
    "Carlos",
    "Ángel",
    "Juan",
    "Gonzalo",
    "Gabriel",
    "Jorge",
    "José",
    "Sergio",
    "Francisco",
    "Luis",
    "Fernando",
    "Rafael",
    "Raúl",
    "Iván",
    "Rubén",
    "Óscar",
    "Andrés",
    "Joaquín",
    "Ignacio",
    "Emilio",
    "Ramón",
    "Jaime",
    "Tomás",
    "Víctor",
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Grace",
    "Oliver",
    "Harry",
    "Jack",
    "George",
    "Noah",
    "Charlie",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
]
LAST = [
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Cruz",
    "Calvo",
    "Gallego",
    "Vidal",
    "León",
    "Márquez",
    "Herrera",
    "Peña",
    "Flores",
    "Cabrera",
    "Campos",
    "Vega",
    "Fuentes",
    "Carrasco",
    "Diez",
    "Caballero",
    "Reyes",
    "Nieto",
    "Aguilar",
    "Pascual",
    "Santana",
    "Herrero",
    "Lorenzo",
    "Montero",
    "Hidalgo",
    "Giménez",
    "Ibáñez",
    "Ferrer",
    "Durán",
    "Santiago",
    "Benítez",
    "Mora",
    "Vicente",
    "Vargas",
    "Arias",
    "Carmona",
    "Crespo",
    "Román",
    "Pastor",
    "Soto",
    "Sáez",
    "Velasco",
    "Moya",
    "Soler",
    "Parra",
    "Esteban",
    "Bravo",
    "Gallardo",
    "Rojas",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
]
FREE = ["gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "icloud.com"]
ACCENTS = str.maketrans("áéíóúÁÉÍÓÚñÑüÜ", "aeiouAEIOUnNuU")


def _phone_formats(national: str, rng: random.Random) -> str:
    """The same Spanish number written the ways people write it."""
    n = national
    return rng.choice(
        [
            f"+34{n}",
            f"+34 {n[:3]} {n[3:6]} {n[6:]}",
            f"{n[:3]} {n[3:5]} {n[5:7]} {n[7:]}",
            f"0034 {n}",
            f"({n[:3]}) {n[3:6]}-{n[6:]}",
            n,
        ]
    )


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "drop", "double", "replace"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def labelled(people: int, *, seed: int = 7, dup_rate: float = 0.3) -> Iterator[tuple[int, dict[str, Any]]]:
    """(person id, raw contact fields) rows. ~`dup_rate` of people have 1–2 more records with errors."""
    rng = random.Random(seed)
    companies = [
        f"{rng.choice(LAST)} {rng.choice(['Consulting', 'Logística', 'Industrial', 'Foods', 'Tech', 'Group'])}"
        for _ in range(max(50, people // 20))
    ]
    used: set[str] = set()
    for pid in range(people):
        first = rng.choice(FIRST)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(FIRST)}"
        last = rng.choice(LAST)
        if rng.random() < 0.5:
            last = f"{last} {rng.choice(LAST)}"
        account = rng.randrange(len(companies)) + 1 if rng.random() < 0.8 else None
        domain = (
            companies[account - 1].split()[0].lower().translate(ACCENTS) + ".es"
            if account and rng.random() < 0.7
            else rng.choice(FREE)
        )
        local = (
            rng.choice(
                [
                    f"{first.split()[0]}.{last.split()[0]}",
                    f"{first[0]}{last.split()[0]}",
                    f"{first.split()[0]}{rng.randint(1, 99)}",
                    f"{last.split()[0]}.{first[0]}{rng.randint(1, 9)}",
                ]
            )
            .lower()
            .translate(ACCENTS)
        )
        email = f"{local}@{domain}" if rng.random() < 0.9 else ""
        while email and email in used:  # an address belongs to one person
            email = f"{local}{rng.randint(1, 999)}@{domain}"
        used.add(email)
        national = f"{rng.choice('6789')}{rng.randint(10_000_000, 99_999_999)}"
        base = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": _phone_formats(national, rng) if rng.random() < 0.7 else "",
            "account_id": account,
        }
        yield pid, base
        if rng.random() < 0.02 and base["phone"]:  # a relative at the same number: not the same person
            relative = rng.choice([f for f in FIRST if f != first.split()[0]])
            yield people + pid, {**base, "first_name": relative, "email": "", "account_id": None}
        if rng.random() >= dup_rate:
            continue
        for _ in range(1 if rng.random() < 0.8 else 2):
            dup = dict(base)
            errors = rng.sample(
                [
                    "typo",
                    "swap",
                    "email_changed",
                    "email_missing",
                    "phone_missing",
                    "accents",
                    "account_missing",
                    "case",
                ],
                k=rng.choice([1, 1, 1, 2, 2]),
            )
            for error in errors:
                if error == "typo":
                    part = rng.choice(["first_name", "last_name"])
                    words = dup[part].split()
                    k = rng.randrange(len(words))
                    words[k] = _typo(words[k], rng)
                    dup[part] = " ".join(words)
                elif error == "swap":
                    dup["first_name"], dup["last_name"] = dup["last_name"], dup["first_name"]
                elif error == "email_changed" and dup["email"]:
                    user = dup["email"].split("@")[0]
                    dup["email"] = (
                        f"{user}@{rng.choice(FREE)}"
                        if rng.random() < 0.5
                        else f"{first[0].lower()}{rng.randint(100, 999)}@{rng.choice(FREE)}".translate(
                            ACCENTS
                        )
                    )
                    while dup["email"] in used:
                        dup["email"] = f"{user}{rng.randint(1000, 9999)}@{rng.choice(FREE)}"
                    used.add(dup["email"])
                elif error == "email_missing":
                    dup["email"] = ""
                elif error == "phone_missing":
                    dup["phone"] = ""
                elif error == "accents":
                    dup["first_name"] = dup["first_name"].translate(ACCENTS)
                    dup["last_name"] = dup["last_name"].translate(ACCENTS)
                elif error == "account_missing":
                    dup["account_id"] = None
                elif error == "case":
                    dup["first_name"], dup["last_name"] = dup["first_name"].upper(), dup["last_name"].upper()
            if dup["phone"]:
                dup["phone"] = _phone_formats(national, rng)  # always written differently
            yield pid, dup


def evaluate(people: int, seed: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()  # a no-op inside the test suite
    from crm.contacts.matching import (
        AUTO_MERGE_THRESHOLD,
        BLOCK_CAP,
        NAME_BLOCK_CAP,
        NameStatistics,
        contact_profile,
        person_name_key,
        score_pair,
    )
    from crm.contacts.services.validation import phone_normalize

    rows = list(labelled(people, seed=seed))
    truth: dict[int, int] = {}
    records: list[dict[str, Any]] = []
    for i, (pid, raw) in enumerate(rows, 1):
        try:
            phone = phone_normalize(raw["phone"])
        except ValueError:
            phone = ""
        records.append({**raw, "id": i, "email": raw["email"].strip().lower(), "phone": phone})
        truth[i] = pid
    started = time.perf_counter()
    names: dict[str, int] = defaultdict(int)
    for r in records:
        r["name_key"] = person_name_key(r["first_name"], r["last_name"])
        names[r["name_key"]] += 1
    blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for r in records:  # the same keys duplicate_scan groups by in SQL
        if r["email"]:
            blocks[("email", r["email"])].append(r["id"])
        if r["phone"]:
            blocks[("phone", r["phone"])].append(r["id"])
        if r["name_key"] and r["account_id"]:
            blocks[("name_account", r["name_key"], r["account_id"])].append(r["id"])
        if r["name_key"]:
            blocks[("name", r["name_key"])].append(r["id"])
        if r["name_key"] and r["account_id"]:
            blocks[("account_initials", r["name_key"][:2], r["account_id"])].append(r["id"])
    candidates: set[tuple[int, int]] = set()
    for key, ids in blocks.items():
        cap = NAME_BLOCK_CAP if key[0] == "name" else BLOCK_CAP
        if 2 <= len(ids) <= cap:
            candidates.update(itertools.combinations(sorted(ids), 2))
    by_id = {r["id"]: r for r in records}
    statistics = NameStatistics.from_counts(names.items())  # as duplicate_scan builds them
    described = {r["id"]: statistics.describe(r["name_key"]) for r in records}
    profiles = {
        r["id"]: contact_profile(
            id=r["id"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            email=r["email"],
            phone=r["phone"],
            account_id=r["account_id"],
            name_count=described[r["id"]][0],
            namesakes=described[r["id"]][1],
            rare_words=described[r["id"]][2],
        )
        for r in records
    }
    scored = [(score_pair(profiles[a], profiles[b])[0], truth[a] == truth[b]) for a, b in sorted(candidates)]
    seconds = time.perf_counter() - started
    members: dict[int, int] = defaultdict(int)
    for pid in truth.values():
        members[pid] += 1
    true_pairs = sum(n * (n - 1) // 2 for n in members.values())
    table = []
    for t in sorted({0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, AUTO_MERGE_THRESHOLD}):
        tp = sum(1 for s, same in scored if s >= t and same)
        fp = sum(1 for s, same in scored if s >= t and not same)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table.append({"threshold": t, "tp": tp, "fp": fp, "precision": precision, "recall": recall, "f1": f1})
    blocked_true = sum(1 for a, b in candidates if truth[a] == truth[b])
    return {
        "records": len(records),
        "true_pairs": true_pairs,
        "candidate_pairs": len(candidates),
        "blocking_recall": blocked_true / true_pairs if true_pairs else 1.0,
        "seconds": seconds,
        "table": table,
        "by_id": len(by_id),
    }


def scan(db: str, contacts: int, reuse: bool, name: str, empty_queue: bool = False) -> None:
    from bench.run import _setup

    _setup(db, reuse, name)
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import bulk_load
    from crm.contacts.matching import person_name_key
    from crm.contacts.models import Account, Contact
    from crm.contacts.services.duplicates import duplicate_scan
    from crm.contacts.services.validation import phone_normalize
    from crm.core.identity.models import User

    if not reuse:
        call_command("migrate", verbosity=0)
        owner = User.objects.create_user("bench-dedupe@example.com", "x", full_name="Bench")
        people = int(contacts / 1.06)  # ~6% extra records are duplicates or relatives
        accounts_n = max(50, people // 20)
        bulk_load(
            Account,
            (
                {"name": f"Company {i}", "name_key": f"company {i}", "owner_id": owner.pk}
                for i in range(accounts_n)
            ),
            total=accounts_n,
        )
        first_account = Account.objects.order_by("pk").values_list("pk", flat=True).first() or 1

        def rows() -> Iterator[dict[str, Any]]:
            for _pid, raw in itertools.islice(labelled(people, seed=11, dup_rate=0.05), contacts):
                try:
                    phone = phone_normalize(raw["phone"])
                except ValueError:
                    phone = ""
                first, last = raw["first_name"], raw["last_name"]
                yield {
                    "first_name": first,
                    "last_name": last,
                    "full_name": f"{first} {last}",
                    "name_key": person_name_key(first, last),
                    "email": raw["email"].lower(),
                    "phone": phone,
                    "owner_id": owner.pk,
                    "primary_account_id": first_account + raw["account_id"] - 1
                    if raw["account_id"]
                    else None,
                }

        seconds = bulk_load(Contact, rows(), total=contacts)
        print(f"loaded {Contact.objects.count():,} contacts in {seconds:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    if empty_queue:  # the first scan of a base: every pair is written to the review queue
        from crm.contacts.models import DuplicateCandidate

        DuplicateCandidate.objects.all().delete()
    started = time.perf_counter()
    result = duplicate_scan(object_type="contacts", store=True, progress=print)
    print(
        f"{db}: scan of {Contact.objects.count():,} contacts: {time.perf_counter() - started:.1f} s, "
        f"{result.pairs_compared:,} pairs compared, {len(result.matches):,} likely duplicates"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("eval")
    ev.add_argument("--people", type=int, default=20000)
    ev.add_argument("--seed", type=int, default=7)
    sc = sub.add_parser("scan")
    sc.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    sc.add_argument("--contacts", type=int, default=1_000_000)
    sc.add_argument("--reuse", action="store_true")
    sc.add_argument("--name", default="crm_bench_dedupe")
    sc.add_argument("--empty-queue", action="store_true", help="empty the review queue first (a first scan)")
    args = parser.parse_args()
    if args.cmd == "eval":
        result = evaluate(args.people, args.seed)
        print(
            f"{result['records']:,} records, {result['true_pairs']:,} true duplicate pairs, "
            f"{result['candidate_pairs']:,} candidate pairs (blocking recall {result['blocking_recall']:.4f}), "
            f"{result['seconds']:.1f} s"
        )
        print(f"{'threshold':>9} {'tp':>7} {'fp':>6} {'precision':>9} {'recall':>7} {'f1':>7}")
        for r in result["table"]:
            print(
                f"{r['threshold']:>9.2f} {r['tp']:>7} {r['fp']:>6} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f}"
            )
    else:
        scan(args.db, args.contacts, args.reuse, args.name, args.empty_queue)


if __name__ == "__main__":
    main()
