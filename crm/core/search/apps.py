from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "crm.core.search"
    label = "search"
    verbose_name = _("Global search")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from crm.core.api.api import api_router_register

        api_router_register(prefix="", router="crm.core.search.api.router")
        post_migrate.connect(_ensure_indexes, dispatch_uid="crm.core.search.ensure_indexes")
        # the same table rebuilds drop SQLite's planner statistics (crm.core.sqlite_stats)
        post_migrate.connect(_refresh_stats, dispatch_uid="crm.core.sqlite_stats.refresh")


def _refresh_stats(using: str = "default", **kwargs: Any) -> None:
    from crm.core.sqlite_stats import sqlite_stats_refresh

    sqlite_stats_refresh(using=using)


def _ensure_indexes(using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: a later migration that rebuilt a table on SQLite dropped its search triggers; put them
    back and refill the index (see crm.core.search.indexes.search_index_ensure)."""
    from django.db import connections

    from crm.core.search.indexes import search_index_ensure
    from crm.core.search.registry import search_indexes

    for index in search_indexes():
        search_index_ensure(index, connection=connections[using])
