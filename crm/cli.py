"""The `crm` console script: one entry point for operators.

    crm serve [--host H] [--port N] [--workers N] [--threads N]   web server (gunicorn)
    crm worker [--interval S]                                      background job worker (+ periodic jobs)
    crm migrate | demo | createadmin | token | import | export …   Django management commands
    crm manage <anything>                                          any Django management command

Everything that is not `serve`, `worker` or `help` is handed to Django's command line, so every management
command of every app is a `crm` subcommand. User mistakes end with a message on stderr and a non-zero exit
status, never with a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence

logger = logging.getLogger("crm.cli")

SETTINGS_MODULE = "config.settings"
PURGE_EVERY_SECONDS = 600

USAGE = """\
usage: crm <command> [options]

Run the CRM:
  serve         web server on http://127.0.0.1:8000 (--host, --port, --workers, --threads)
  worker        background job worker; also schedules the recycle-bin purge, the asset expiry, the
                contracts run and scheduled report emails every 10 minutes, the daily invoice overdue
                run (payment reminders), the daily quote expiry and the analyses' daily refresh

Set up and operate:
  migrate       create or upgrade the database tables
  demo          load demo data (--if-empty: only into an empty database)
  createadmin   create an administrator (--email, --password, --name; prompts when missing)
  token         API tokens: create --user EMAIL | list --user EMAIL | revoke ID
  duplicates    scan --object contacts|accounts --format csv | merge | undo MERGE_ID
  territories   rematch [--batch N]: match every account's primary address against the territories again
  contracts     run [--today YYYY-MM-DD]: draft the contract invoices due, open renewals, end contracts
  invoices      overdue [--date YYYY-MM-DD]: mark overdue invoices and queue payment reminders
  assets        expire [--date YYYY-MM-DD]: mark the assets whose warranty ended as expired
  quotes        expire [--date YYYY-MM-DD]: mark the sent quotes past their validity date as expired
  lifecycle     rebuild: recompute every deal's lifecycle milestones from the documents
  forecast      rebuild [--only forecast|cube]: recompute the forecast summary and the opportunity cube from the deals
  purchases     rebuild: recompute the per-account purchase summary (first and last order date) from the orders
  analytics     clv | rfm | pareto | cohorts [--transactions FILE.csv …]: customer analyses as JSON;
                refresh KIND: recompute one analysis now; pivot …, report run ID, dashboard --user EMAIL
  manage ...    any Django management command (also: any other command name is passed to Django)

Run `crm <command> --help` for the options of a command.
"""


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _manage(argv: Sequence[str]) -> int:
    """Hand `argv` (without the program name) to Django's command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["crm", *argv])
    return 0


# --- serve ----------------------------------------------------------------------------------------------


def _default_workers() -> int:
    cpus = os.cpu_count() or 1
    return max(2, min(cpus * 2, 8))


def _gunicorn_has_setting(name: str) -> bool:
    from gunicorn import config

    return any(setting.name == name for setting in config.KNOWN_SETTINGS)


def _serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="crm serve", description="Run the web server (gunicorn).")
    parser.add_argument("--host", default=os.environ.get("CRM_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", _default_workers()))
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CRM_WEB_THREADS", "4")))
    parser.add_argument("--timeout", type=int, default=60, help="seconds before a stuck request is killed")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")

    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" in storage or not getattr(settings, "WHITENOISE_USE_FINDERS", False):
        # Production: WhiteNoise serves the hashed files from STATIC_ROOT; collect them first (fast when
        # nothing changed). In development WhiteNoise finds the files in the apps directly.
        call_command("collectstatic", interactive=False, verbosity=0)

    gunicorn_argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--timeout",
        str(args.timeout),
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if args.reload:
        gunicorn_argv.append("--reload")
    if _gunicorn_has_setting("control_socket_disable"):
        gunicorn_argv.append("--no-control-socket")  # one fixed socket path would clash between instances
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, gunicorn_argv)  # noqa: S606 - replaces this process with gunicorn
    return 0  # pragma: no cover


# --- worker ---------------------------------------------------------------------------------------------


def _schedule_periodic(stop: threading.Event, every: float) -> None:
    """Enqueue the idempotent housekeeping jobs now and then every `every` seconds, until `stop` is set."""
    from django.db import close_old_connections, connection

    overdue_day = None  # the daily invoice overdue run: once a day per scheduler (idempotent anyway)
    expiry_day = None  # the daily quote expiry, likewise
    while not stop.is_set():
        try:
            from crm.core.audit.tasks import recycle_bin_purge_task

            recycle_bin_purge_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the recycle-bin purge")
        try:  # the installed base: warranties that ended (idempotent, cheap on its index)
            from crm.sales.tasks import assets_expire_task

            assets_expire_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the asset expiry")
        try:  # contracts: invoices, renewals and expiries due today (idempotent)
            from crm.sales.tasks import contracts_run_task

            contracts_run_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the contracts run")
        try:  # the analyses computed more than 20 hours ago are refreshed (a run per analysis at a time)
            from crm.analytics.core.tasks import analyses_refresh_due_task

            analyses_refresh_due_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the analyses' refresh")
        try:  # pivot reports emailed on a schedule: queue the ones due (idempotent, rows claimed under lock)
            from crm.analytics.pivot.tasks import report_schedules_due_task

            report_schedules_due_task.enqueue()
        except Exception:
            logger.exception("could not enqueue the scheduled report emails")
        try:
            from django.utils import timezone

            from crm.sales.invoice_tasks import invoices_overdue_task

            if timezone.localdate() != overdue_day:
                invoices_overdue_task.enqueue()
                overdue_day = timezone.localdate()
        except Exception:
            logger.exception("could not enqueue the invoice overdue run")
        try:  # quotes past their validity date: once a day per scheduler (idempotent anyway)
            from django.utils import timezone

            from crm.sales.tasks import quotes_expire_task

            if timezone.localdate() != expiry_day:
                quotes_expire_task.enqueue()
                expiry_day = timezone.localdate()
        except Exception:
            logger.exception("could not enqueue the quote expiry")
        finally:
            close_old_connections()
            connection.close()
        stop.wait(every)


def _worker(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="crm worker",
        description="Run background jobs from the database queue (every queue), and enqueue the periodic "
        "housekeeping jobs every 10 minutes.",
    )
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
    parser.add_argument(
        "--no-schedule", action="store_true", help="do not enqueue the periodic jobs (another worker does)"
    )
    parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    args = parser.parse_args(argv)

    _django_setup()
    from django.core.management import call_command

    stop = threading.Event()
    if not args.no_schedule and not args.batch:
        every = float(os.environ.get("CRM_PERIODIC_SECONDS", PURGE_EVERY_SECONDS))
        threading.Thread(
            target=_schedule_periodic, args=(stop, every), name="crm-scheduler", daemon=True
        ).start()
    try:
        call_command(
            "db_worker",
            queue_name="*",
            interval=args.interval,
            batch=args.batch,
            reload=False,
            verbosity=1,
        )
    finally:
        stop.set()
    return 0


# --- dispatch -------------------------------------------------------------------------------------------

COMMANDS = {"serve": _serve, "worker": _worker}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) == 1 and args[0] in {"-h", "--help", "help"}):
        sys.stdout.write(USAGE)
        return 0
    command, rest = args[0], args[1:]
    try:
        if command in COMMANDS:
            return COMMANDS[command](rest)
        if command == "manage":
            if not rest:
                return _manage(["help"])
            return _manage(rest)
        return _manage(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
