"""Import and export speed against the database's own bulk paths, measured in the same run on the same table.

    python bench/dataio.py --db sqlite|postgres [--rows 1000000] [--name crm_bench_dataio]

1. A CSV of N contacts (15 columns; 1% invalid rows, 3% duplicates of an earlier row's email) is written once.
2. Import, end to end (inspect the file, map, read, validate, upsert by email, commit in batches): `import_run`.
3. Export of every contact as CSV through `export_write` in a child process (its peak RSS is measured; the same
   export of a tenth of the rows shows that memory does not grow with the rows).
4. Baselines on the same table with the same indexes: PostgreSQL `COPY … TO STDOUT` (export) and, after emptying
   the table, `COPY … FROM STDIN` of exactly the rows the import stored; SQLite: batched `executemany` of those
   rows in one transaction, and a plain `SELECT` of them written with `csv.writer` (export).
Figures go to bench/results/dataio-<db>.json and stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "var" / "bench-dataio"
HEADER = [
    "External id",
    "Nombre",
    "Apellidos",
    "Email",
    "Teléfono",
    "Móvil",
    "Cargo",
    "Departamento",
    "Idioma",
    "Cumpleaños",
    "Descripción",
    "Consentimiento",
    "No llamar",
    "Propietario",
    "Cuenta",
]
FIRST = [
    "Lucía",
    "Martín",
    "Sofía",
    "Hugo",
    "Oliver",
    "Amelia",
    "Paula",
    "Daniel",
    "Carmen",
    "Javier",
    "Grace",
]
LAST = ["García", "Fernández", "González", "Smith", "Jones", "López", "Martínez", "Taylor", "Pérez", "Ruiz"]
TITLES = ["CEO", "CFO", "Buyer", "Engineer", "Office manager", "Sales director", ""]
DEPARTMENTS = ["Sales", "Finance", "IT", "Purchasing", "Operations", ""]
USERS = 20
ACCOUNTS = 1000


def cpu_s() -> float:
    """CPU seconds used so far by this process and by the PostgreSQL backend serving its connection: on a
    shared machine the wall clock measures the neighbours too, CPU time measures the work."""
    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    return total


def _setup(db: str, name: str) -> None:
    from bench.run import _setup as setup

    setup(db, reuse=False, name=name)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _people() -> tuple[Any, list[str]]:
    from crm.contacts.models import Account
    from crm.core.identity.models import Role, User

    role = Role.objects.get(key="sales_rep")
    admin = User.objects.create_superuser(
        "admin@bench.crm", "bench-pass-1", full_name="Bench Admin", role=Role.objects.get(key="administrator")
    )
    users = [
        User(email=f"rep{i}@bench.crm", full_name=f"Rep {i}", role=role, is_active=True) for i in range(USERS)
    ]
    User.objects.bulk_create(users)
    owners = list(User.objects.filter(email__startswith="rep").values_list("id", flat=True))
    Account.objects.bulk_create(
        [Account(name=f"Bench Account {i:04d}", owner_id=owners[i % len(owners)]) for i in range(ACCOUNTS)]
    )
    return admin, [f"rep{i}@bench.crm" for i in range(USERS)]


def write_csv(path: Path, rows: int, owner_emails: list[str]) -> dict[str, int]:
    """The input file; returns how many rows are invalid and how many repeat an earlier email."""
    rnd = random.Random(42)
    invalid = duplicates = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            email = f"contact{i}@example.com"
            phone = f"+34 6{rnd.randrange(10, 99)} {rnd.randrange(100, 999)} {rnd.randrange(100, 999)}"
            roll = rnd.random()
            if roll < 0.01:
                invalid += 1
                if roll < 0.005:
                    email = f"contact{i}-at-example.com"
                else:
                    phone = "12"
            elif roll < 0.04 and i > 0:
                duplicates += 1
                email = f"contact{rnd.randrange(0, i)}@example.com"  # the email of an earlier row
            mobile = (
                f"+34 7{rnd.randrange(10, 99)} {rnd.randrange(100, 999)} {rnd.randrange(100, 999)}"
                if roll > 0.7
                else ""
            )
            w.writerow(
                [
                    f"EXT-{i}",
                    first,
                    last,
                    email,
                    phone,
                    mobile,
                    rnd.choice(TITLES),
                    rnd.choice(DEPARTMENTS),
                    rnd.choice(["es", "en", ""]),
                    f"{rnd.randrange(1, 28):02d}/{rnd.randrange(1, 12):02d}/{rnd.randrange(1950, 2004)}"
                    if roll > 0.5
                    else "",
                    "Cliente importado del CRM anterior" if roll > 0.9 else "",
                    rnd.choice(["granted", "unknown", ""]),
                    rnd.choice(["no", "sí", ""]),
                    owner_emails[i % len(owner_emails)],
                    f"Bench Account {rnd.randrange(ACCOUNTS):04d}" if roll > 0.5 else "",
                ]
            )
    return {"invalid_rows": invalid, "duplicate_rows": duplicates}


def run_import(admin: Any, path: Path) -> dict[str, Any]:
    from crm.integrations.dataio.services import import_configure, import_create, import_run, import_start

    started = time.perf_counter()
    cpu_before = cpu_s()
    with path.open("rb") as f:
        job = import_create(
            actor=admin, object_type="contacts.contact", file=f, name=path.name, size=path.stat().st_size
        )
    job = import_configure(
        actor=admin, job=job, mapping=job.mapping, update_by="email", date_order="dmy", decimal=","
    )
    import_start(actor=admin, job=job, enqueue=False)
    job = import_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    cpu = cpu_s() - cpu_before
    assert job.status == "done", job.error
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "file_rows_per_s": round(job.cursor / seconds),
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
        "mapping": job.mapping,
    }


def _columns() -> list[str]:
    from crm.contacts.models import Contact

    return [f.column for f in Contact._meta.concrete_fields if f.column != "id"]


def baseline_postgres(rows: int) -> dict[str, Any]:
    """COPY TO (every column of the stored contacts), then empty the table and COPY FROM the same data."""
    from django.db import connection

    names = ", ".join(_columns())
    buf = io.BytesIO()
    with connection.cursor() as cursor:
        started, cpu0 = time.perf_counter(), cpu_s()
        with cursor.cursor.copy(
            f"COPY (SELECT id, {names} FROM contacts_contact ORDER BY full_name, id) TO STDOUT"
        ) as copy:
            for data in copy:
                buf.write(data)
        copy_to, copy_to_cpu = time.perf_counter() - started, cpu_s() - cpu0
        cursor.execute("TRUNCATE contacts_contact CASCADE")
        buf.seek(0)
        started, cpu0 = time.perf_counter(), cpu_s()
        with cursor.cursor.copy(f"COPY contacts_contact (id, {names}) FROM STDIN") as copy:
            while chunk := buf.read(1 << 20):
                copy.write(chunk)
        copy_from, copy_from_cpu = time.perf_counter() - started, cpu_s() - cpu0
    return {
        "copy_to_s": round(copy_to, 2),
        "copy_from_s": round(copy_from, 2),
        "rows": rows,
        "copy_to_cpu_s": round(copy_to_cpu, 2),
        "copy_from_cpu_s": round(copy_from_cpu, 2),
        "copy_from_rows_per_s": round(rows / copy_from),
        "copy_to_rows_per_s": round(rows / copy_to),
    }


def baseline_sqlite(rows: int) -> dict[str, Any]:
    """SELECT + csv.writer (export), then empty the table and executemany the same rows in one transaction."""
    from django.db import connection, transaction

    names = ", ".join(_columns())
    with connection.cursor() as cursor:
        started, cpu0 = time.perf_counter(), cpu_s()
        cursor.execute(f"SELECT id, {names} FROM contacts_contact ORDER BY full_name, id")
        out = open(os.devnull, "w", encoding="utf-8", newline="")  # noqa: SIM115
        writer = csv.writer(out)
        data: list[tuple[Any, ...]] = []
        while batch := cursor.fetchmany(10_000):
            writer.writerows(batch)
            data.extend(batch)
        select_s, select_cpu = time.perf_counter() - started, cpu_s() - cpu0
        out.close()
        cursor.execute("DELETE FROM contacts_contactaccount")
        cursor.execute("DELETE FROM contacts_contact")
    marks = ", ".join(["%s"] * (len(_columns()) + 1))
    started, cpu0 = time.perf_counter(), cpu_s()
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(data), 10_000):
            cursor.executemany(
                f"INSERT INTO contacts_contact (id, {names}) VALUES ({marks})", data[i : i + 10_000]
            )
    insert_s, insert_cpu = time.perf_counter() - started, cpu_s() - cpu0
    return {
        "select_csv_s": round(select_s, 2),
        "executemany_s": round(insert_s, 2),
        "rows": rows,
        "select_csv_cpu_s": round(select_cpu, 2),
        "executemany_cpu_s": round(insert_cpu, 2),
        "executemany_rows_per_s": round(rows / insert_s),
        "select_csv_rows_per_s": round(rows / select_s),
    }


def export_child(db: str, name: str, file_format: str, limit: int) -> dict[str, Any]:
    """Run the export in a fresh process: its time and its own peak RSS (from wait4)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--db",
            db,
            "--name",
            name,
            "--export-child",
            file_format,
            "--limit",
            str(limit),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _pid, status, _usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, output
    return json.loads(output.strip().splitlines()[-1])


def _vm(name: str) -> float:
    """VmRSS / VmHWM (peak) of this process in MiB, from /proc (ru_maxrss would include the parent's peak:
    Linux carries it across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _export_in_child(file_format: str, limit: int) -> None:
    from django.http import QueryDict

    from crm.integrations.dataio.services import export_write

    params = QueryDict(mutable=True)
    rss_start = _vm("VmHWM")
    target = DATA / f"export.{file_format}"
    started, cpu0 = time.perf_counter(), cpu_s()
    with target.open("wb") as out:
        if limit:
            from crm.integrations.dataio import selectors

            real = selectors.export_query

            def limited(**kwargs: Any) -> Any:
                return real(**kwargs)[:limit]

            selectors.export_query = limited  # type: ignore[assignment]  # export_rows reads it from there
        rows = export_write(
            user=None, object_type="contacts.contact", params=params, file_format=file_format, out=out
        )
    seconds, cpu = time.perf_counter() - started, cpu_s() - cpu0
    print(
        json.dumps(
            {
                "format": file_format,
                "rows": rows,
                "seconds": round(seconds, 2),
                "cpu_s": round(cpu, 2),
                "rows_per_s": round(rows / seconds),
                "peak_rss_before_export_mib": rss_start,
                "peak_rss_mib": _vm("VmHWM"),
                "bytes": target.stat().st_size,
            }
        )
    )


def exports_again(args: Any) -> None:
    """The export figures alone, on the table the last full run left (the same rows)."""
    from bench.run import _setup as setup

    setup(args.db, reuse=True, name=args.name)
    from django.db import connection

    from crm.contacts.models import Contact

    stored = Contact.objects.count()
    out = RESULTS / f"dataio-{args.db}.json"
    result = json.loads(out.read_text())
    result["export_csv"] = export_child(args.db, args.name, "csv", 0)
    result["export_csv_tenth"] = export_child(args.db, args.name, "csv", stored // 10)
    result["export_xlsx"] = export_child(args.db, args.name, "xlsx", args.xlsx_rows)
    names = ", ".join(_columns())
    sql = f"SELECT id, {names} FROM contacts_contact ORDER BY full_name, id"
    with connection.cursor() as cursor:
        started, cpu0 = time.perf_counter(), cpu_s()
        if args.db == "postgres":
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for _data in copy:
                    pass
        else:
            cursor.execute(sql)
            writer = csv.writer(open(os.devnull, "w", encoding="utf-8", newline=""))  # noqa: SIM115
            while batch := cursor.fetchmany(10_000):
                writer.writerows(batch)
        seconds, cpu = time.perf_counter() - started, cpu_s() - cpu0
    key = "copy_to" if args.db == "postgres" else "select_csv"
    result["baseline"][f"{key}_s"] = round(seconds, 2)
    result["baseline"][f"{key}_cpu_s"] = round(cpu, 2)
    ratio = "export_vs_copy_to" if args.db == "postgres" else "export_vs_select_csv"
    result[ratio] = round(seconds / result["export_csv"]["seconds"], 2)
    result[ratio + "_cpu"] = round(cpu / result["export_csv"]["cpu_s"], 2)
    result["exports_command"] = f"python bench/dataio.py --db {args.db} --name {args.name} --exports-only"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps({k: result[k] for k in ("export_csv", "export_csv_tenth", "export_xlsx")}, indent=1))
    print(json.dumps({k: v for k, v in result.items() if "vs" in k}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--name", default="crm_bench_dataio")
    parser.add_argument("--export-child", default="")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument(
        "--exports-only", action="store_true", help="measure the exports again on the data set"
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="import + baselines only (the export figures of the last full run are kept in the results file)",
    )
    args = parser.parse_args()
    if args.exports_only:
        exports_again(args)
        return
    if args.export_child:
        from bench.run import _setup as setup

        setup(args.db, reuse=True, name=args.name)
        _export_in_child(args.export_child, args.limit)
        return
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    DATA.mkdir(parents=True, exist_ok=True)
    _setup(args.db, args.name)
    admin, owner_emails = _people()
    path = DATA / f"contacts-{args.rows}.csv"
    shape = write_csv(path, args.rows, owner_emails)
    say(f"[{args.db}] {path.name}: {path.stat().st_size / 1e6:.0f} MB, {shape}")
    result: dict[str, Any] = {
        "db": args.db,
        "rows": args.rows,
        **shape,
        "load_average_before": os.getloadavg(),
    }
    result["import"] = run_import(admin, path)
    say(f"[{args.db}] import: {result['import']}")
    from crm.contacts.models import Contact

    stored = Contact.objects.count()
    out = RESULTS / f"dataio-{args.db}.json"
    if args.import_only:
        previous = json.loads(out.read_text()) if out.exists() else {}
        for (
            key,
            value,
        ) in previous.items():  # measured by an earlier run: kept as they were, with their ratios
            if key.startswith("export") or key == "exports_command":
                result[key] = value
    else:
        result["export_csv"] = export_child(args.db, args.name, "csv", 0)
        say(f"[{args.db}] export csv: {result['export_csv']}")
        result["export_csv_tenth"] = export_child(args.db, args.name, "csv", stored // 10)
        say(f"[{args.db}] export csv (a tenth): {result['export_csv_tenth']}")
        result["export_xlsx"] = export_child(args.db, args.name, "xlsx", args.xlsx_rows)
        say(f"[{args.db}] export xlsx: {result['export_xlsx']}")
    if args.db == "postgres":
        base = baseline_postgres(stored)
        result["baseline"] = base
        result["import_vs_copy"] = round(base["copy_from_s"] / result["import"]["seconds"], 2)
        result["import_vs_copy_cpu"] = round(base["copy_from_cpu_s"] / result["import"]["cpu_s"], 2)
        if not args.import_only:
            result["export_vs_copy_to"] = round(base["copy_to_s"] / result["export_csv"]["seconds"], 2)
            result["export_vs_copy_to_cpu"] = round(base["copy_to_cpu_s"] / result["export_csv"]["cpu_s"], 2)
    else:
        base = baseline_sqlite(stored)
        result["baseline"] = base
        result["import_vs_executemany"] = round(base["executemany_s"] / result["import"]["seconds"], 2)
        result["import_vs_executemany_cpu"] = round(base["executemany_cpu_s"] / result["import"]["cpu_s"], 2)
        if not args.import_only:
            result["export_vs_select_csv"] = round(base["select_csv_s"] / result["export_csv"]["seconds"], 2)
            result["export_vs_select_csv_cpu"] = round(
                base["select_csv_cpu_s"] / result["export_csv"]["cpu_s"], 2
            )
    say(f"[{args.db}] baseline: {base}")
    result["load_average_after"] = os.getloadavg()
    result["command"] = f"python bench/dataio.py --db {args.db} --rows {args.rows} --name {args.name}" + (
        " --import-only" if args.import_only else ""
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    say(json.dumps({k: v for k, v in result.items() if "vs" in k}))
    say(f"written {out}")


if __name__ == "__main__":
    main()
