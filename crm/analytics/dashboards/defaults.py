"""The built-in dashboards: a home per role and the company overview for everyone else. Migration 0002 installs
a frozen copy; `dashboard_builtins_install` (re)creates any missing one from these (tests that empty the
database, a role added later)."""

from __future__ import annotations

from typing import Any

# key: (name, the role it is the home of — None: shared with everyone, the fallback home —, widgets)
BUILTIN: dict[str, tuple[str, str | None, list[dict[str, Any]]]] = {
    "rep": (
        "My sales",
        "sales_rep",
        [
            {"key": "pipeline_by_stage", "settings": {"mine": True, "measure": "amount"}},
            {"key": "forecast_vs_quota", "settings": {"mine": True, "group_by": "month"}},
            {"key": "won_lost", "settings": {"mine": True}},
            {"key": "win_rate", "settings": {"mine": True}},
            {"key": "activities_by_owner", "settings": {"mine": True}},
        ],
    ),
    "manager": (
        "My team",
        "sales_manager",
        [
            {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
            {"key": "win_rate", "settings": {"mine": False}},
            {"key": "forecast_vs_quota", "settings": {"mine": False, "group_by": "owner"}},
            {"key": "average_deal_size", "settings": {"mine": False}},
            {"key": "sales_cycle", "settings": {"mine": False}},
            {"key": "lifecycle_durations", "settings": {"mine": False}},
            {"key": "activities_by_owner", "settings": {"mine": False}},
        ],
    ),
    "admin": (
        "Company",
        "administrator",
        [
            {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
            {"key": "won_lost", "settings": {"mine": False}},
            {"key": "win_rate", "settings": {"mine": False}},
            {"key": "average_deal_size", "settings": {"mine": False}},
            {"key": "sales_cycle", "settings": {"mine": False}},
            {"key": "forecast_vs_quota", "settings": {"mine": False, "group_by": "owner"}},
            {"key": "customers", "settings": {"mine": False, "days": 90}},
            {"key": "revenue_by_product", "settings": {"mine": False, "limit": 10}},
            {"key": "revenue_by_territory", "settings": {"mine": False}},
            {"key": "activities_by_owner", "settings": {"mine": False}},
            {"key": "lifecycle_durations", "settings": {"mine": False}},
        ],
    ),
    "company": (
        "Company overview",
        None,
        [
            {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
            {"key": "won_lost", "settings": {"mine": False}},
            {"key": "win_rate", "settings": {"mine": False}},
            {"key": "customers", "settings": {"mine": False, "days": 90}},
            {"key": "revenue_by_product", "settings": {"mine": False, "limit": 10}},
            {"key": "revenue_by_territory", "settings": {"mine": False}},
        ],
    ),
}
