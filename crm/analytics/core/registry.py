"""The analyses the analytics hub lists and the refresh job runs. Each analytics module registers its own from
`AppConfig.ready()`:

    analysis_register(key="rfm", label=_("RFM"), description=_("…"), url_name="analytics_customers:rfm",
                      runner="crm.analytics.customers.services.rfm_refresh")

`runner` is the dotted path of `def runner(*, context: RunContext) -> dict`: it computes, stores what it stores
(per-account figures through `customer_insights_write`), reports progress with `context.progress(percent,
message)`, and returns the JSON-safe summary the analysis page shows. It raises AnalyticsError (a clear,
translated message) for data it cannot analyse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Analysis:
    key: str
    label: str | Promise
    description: str | Promise
    url_name: str
    runner: str
    order: int = 100
    object_type: str = (
        "analytics.insight"  # the permission a user needs to view it and to refresh it (change)
    )


@dataclass
class RunContext:
    run_id: int
    params: dict[str, Any]
    report: Callable[[int, str], None] = field(repr=False)

    def progress(self, percent: int, message: str = "") -> None:
        self.report(max(0, min(100, int(percent))), message)


_ANALYSES: dict[str, Analysis] = {}


def analysis_register(
    *,
    key: str,
    label: str | Promise,
    description: str | Promise,
    url_name: str,
    runner: str,
    order: int = 100,
    object_type: str = "analytics.insight",
) -> None:
    _ANALYSES[key] = Analysis(
        key=key,
        label=label,
        description=description,
        url_name=url_name,
        runner=runner,
        order=order,
        object_type=object_type,
    )


def analysis_get(key: str) -> Analysis | None:
    return _ANALYSES.get(key)


def analyses() -> list[Analysis]:
    return sorted(_ANALYSES.values(), key=lambda a: (a.order, a.key))
