"""What every widget shares: whose records (the filters' owner and team, a widget's "only mine"), the list
parameters that select the same records on the drill-down lists, and money in the company currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_compact_currency
from django.urls import reverse
from django.utils import timezone

from crm.analytics.dashboards.filters import DashboardFilters
from crm.catalog.selectors import company_currency_get, currency_list, exchange_rate_on
from crm.core.identity.selectors import user_list
from crm.core.ui.formats import babel_locale, format_money

NOBODY = "0"  # an owner id no user has: a team without members selects no records


def owner_ids(*, user: Any, filters: DashboardFilters, settings: Mapping[str, Any]) -> list[int] | None:
    """The owners the widget is narrowed to (None: everyone the user may see)."""
    owners: list[int] | None = None
    if settings.get("mine"):
        owners = [user.pk]
    if filters.owner_id is not None:
        owners = [o for o in owners if o == filters.owner_id] if owners is not None else [filters.owner_id]
    if filters.team_id is not None:
        members = set(user_list(team_id=filters.team_id).values_list("pk", flat=True))
        owners = [o for o in owners if o in members] if owners is not None else sorted(members)
    return owners


def owner_params(owners: list[int] | None) -> dict[str, str]:
    if owners is None:
        return {}
    return {"owner": ",".join(str(o) for o in owners) or NOBODY}


def list_params(
    *, user: Any, filters: DashboardFilters, settings: Mapping[str, Any], pipeline: bool = True
) -> dict[str, str]:
    """The list filters (sales.listing / activities.listing syntax) of the widget's owners and pipeline."""
    params = owner_params(owner_ids(user=user, filters=filters, settings=settings))
    if pipeline and filters.pipeline_id is not None:
        params["pipeline"] = str(filters.pipeline_id)
    return params


def date_range(field: str, start: dt.date, end: dt.date) -> dict[str, str]:
    """`field` within [start, end) as the lists' inclusive `__gte`/`__lte` filters."""
    return {f"{field}__gte": start.isoformat(), f"{field}__lte": (end - dt.timedelta(days=1)).isoformat()}


def list_url(url_name: str, params: Mapping[str, str]) -> str:
    return reverse(url_name) + ("?" + urlencode(dict(params)) if params else "")


def company_currency() -> tuple[str, int]:
    found = company_currency_get()
    return found.code, found.decimal_places


def money_factors(
    currencies: Iterable[str], *, on_date: dt.date | None = None
) -> tuple[str, dict[str, Decimal]]:
    """The company currency and, per currency, the divisor that turns an amount into it (the rate on
    `on_date`, today by default). A currency without a rate raises ExchangeRateMissing naming it."""
    on_date = min(on_date or timezone.localdate(), timezone.localdate())
    company = company_currency_get()
    wanted = {c for c in currencies if c}
    factors: dict[str, Decimal] = {company.code: Decimal(1)}
    if wanted - {company.code}:
        known = {c.code: c for c in currency_list()}
        for code in wanted - {company.code}:
            factors[code] = (
                exchange_rate_on(currency=known[code], on_date=on_date) if code in known else Decimal(1)
            )
    return company.code, factors


def money_short(value: Decimal | float, currency: str) -> str:
    """A chart label: 1.2 M€ / €838.4K in the reader's locale (the exact amount is on the KPI tiles and lists)."""
    if abs(float(value)) < 1000:
        return format_money(round(Decimal(value)), currency)
    try:
        return format_compact_currency(float(value), currency, locale=babel_locale(), fraction_digits=1)
    except (ValueError, KeyError):
        return format_money(value, currency)
