"""`crm analytics refresh KIND`: recompute one analysis now, in this process, with a progress line."""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from django.core.management.base import CommandError

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.registry import analyses
from crm.analytics.core.services import analysis_run_execute, analysis_run_request


def refresh_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", help="the analysis: " + ", ".join(a.key for a in analyses()))
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter")


def refresh_command(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> int:
    params: dict[str, str] = {}
    for item in options["param"]:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"--param {item!r}: write NAME=VALUE")
        params[name] = value
    run = analysis_run_request(kind=options["kind"], params=params, actor=None)

    def progress(percent: int, message: str) -> None:
        stderr.write(f"\r{percent:3d}% {message[:70]:<70}")
        stderr.flush()

    run = analysis_run_execute(run_id=run.pk, on_progress=progress)
    stderr.write("\n")
    if run.status == RunStatus.FAILED:
        raise CommandError(run.error)
    if run.status != RunStatus.DONE:
        raise CommandError(f"the {run.kind} refresh is already running elsewhere (run {run.pk})")
    stdout.write(
        json.dumps(
            {
                "run": run.pk,
                "kind": run.kind,
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            }
        )
        + "\n"
    )
    return 0
