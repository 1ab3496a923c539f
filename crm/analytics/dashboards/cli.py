"""`crm analytics dashboard --user EMAIL [--dashboard ID] [--period …]`: a dashboard's figures as JSON, computed
for that user (their permissions, their home dashboard by default)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import CommandError

from crm.analytics.dashboards import selectors
from crm.analytics.dashboards.filters import dashboard_filters_parse
from crm.core.errors import DomainError
from crm.core.identity.selectors import user_get_by_email


def dashboard_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user", required=True, metavar="EMAIL", help="whose dashboard, with their permissions"
    )
    parser.add_argument(
        "--dashboard", type=int, metavar="ID", help="a dashboard id (default: the user's home)"
    )
    parser.add_argument("--period", help="this_quarter, last_month, …, 2026, 2026-Q2 or 2026-05")
    parser.add_argument("--from", dest="from_", metavar="YYYY-MM-DD", help="a custom range's first day")
    parser.add_argument("--to", metavar="YYYY-MM-DD", help="a custom range's last day")
    parser.add_argument("--team", help="a team id")
    parser.add_argument("--owner", help="a user id or me")
    parser.add_argument("--pipeline", help="a pipeline id")


def dashboard_command(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    user = user_get_by_email(email=options["user"])
    if user is None or not user.is_active:
        raise CommandError(f"--user: no active user {options['user']!r}")
    params = {
        name: str(options[key])
        for name, key in (
            ("period", "period"),
            ("from", "from_"),
            ("to", "to"),
            ("team", "team"),
            ("owner", "owner"),
            ("pipeline", "pipeline"),
        )
        if options.get(key)
    }
    try:
        found = (
            selectors.dashboard_get(user=user, pk=options["dashboard"])
            if options.get("dashboard")
            else selectors.dashboard_home(user=user)
        )
        if found is None:
            raise CommandError("this user has no home dashboard")
        dashboard = found
        filters = dashboard_filters_parse(user=user, params=params)
        results = selectors.dashboard_compute(user=user, dashboard=dashboard, filters=filters)
    except DomainError as exc:
        detail = "; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.field_errors.items()) or exc.message
        if exc.status == 404:
            detail = f"--dashboard: no dashboard {options.get('dashboard')} for this user"
        raise CommandError(detail) from None
    out = {
        "dashboard": {"id": dashboard.pk, "name": dashboard.label},
        "period": {"start": filters.period.start.isoformat(), "end": filters.period.last_day.isoformat()},
        "widgets": [r.as_json() for r in results],
    }
    stdout.write(json.dumps(out, indent=2, default=str) + "\n")
    return 0
