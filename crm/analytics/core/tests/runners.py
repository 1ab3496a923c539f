"""Analyses registered only by the tests: one that succeeds, one that refuses its data, one that crashes."""

from __future__ import annotations

from typing import Any

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.registry import RunContext, analysis_register


def succeeds(*, context: RunContext) -> dict[str, Any]:
    context.progress(50, "half way")
    return {"answer": 42, "params": context.params}


def refuses(*, context: RunContext) -> dict[str, Any]:
    raise AnalyticsError("There are no orders to analyse.")


def crashes(*, context: RunContext) -> dict[str, Any]:
    raise ZeroDivisionError


def register() -> None:
    for key, runner in (("test-ok", "succeeds"), ("test-refuses", "refuses"), ("test-crashes", "crashes")):
        analysis_register(
            key=key,
            label=key,
            description=f"{key} analysis",
            url_name="analytics:hub",
            runner=f"crm.analytics.core.tests.runners.{runner}",
            order=999,
        )
