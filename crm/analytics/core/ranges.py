"""A "from … to …" filter on a stored per-account figure (churn risk, lifetime value) as the analyses' pages show
it, and the accounts list filtered the same way (its `churn_risk` / `clv` filters, `crm.analytics.customers`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Range:
    """The bounds as typed (`shown`, for the form) and as stored (`low`/`high`, divided by the page's scale)."""

    low: Decimal | None = None
    high: Decimal | None = None
    shown: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return not self.errors and (self.low is not None or self.high is not None)

    def lookups(self, name: str) -> dict[str, Decimal]:
        """ORM lookups on the stored field `name` (nothing while a bound is bad)."""
        if self.errors:
            return {}
        out = {}
        if self.low is not None:
            out[f"{name}__gte"] = self.low
        if self.high is not None:
            out[f"{name}__lte"] = self.high
        return out


def range_parse(
    query: Mapping[str, Any],
    *,
    low_name: str,
    high_name: str,
    scale: int = 1,
    maximum: Decimal | None = None,
) -> Range:
    """Read two bounds typed in the page's units (a percentage with scale=100); every bad one named."""
    bounds: dict[str, Decimal | None] = {}
    shown: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in (low_name, high_name):
        raw = str(query.get(name) or "").strip()
        shown[name] = raw
        bounds[name] = None
        if not raw:
            continue
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            errors[name] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or (maximum is not None and value > maximum):
            errors[name] = (
                _("Enter a number from 0 to %(max)s.") % {"max": maximum}
                if maximum is not None
                else _("Enter a number of 0 or more.")
            )
            continue
        bounds[name] = value / scale
    low, high = bounds[low_name], bounds[high_name]
    if low is not None and high is not None and low > high:
        errors[high_name] = _("“To” must not be below “from”.")
    return Range(low, high, shown, errors)


def account_list_url(*, name: str, low: Any = None, high: Any = None, below: Any = None) -> str:
    """The accounts list filtered on the stored figure `name`: `low` ≤ it ≤ `high`, or below `below`."""
    params = []
    if low is not None:
        params.append((f"{name}__gte", _plain(low)))
    if high is not None:
        params.append((f"{name}__lte", _plain(high)))
    if below is not None:
        params.append((f"{name}__lt", _plain(below)))
    return f"{reverse('contacts:account_list')}?{urlencode(params)}"


def _plain(value: Any) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text
