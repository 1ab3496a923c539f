"""Domain events of the catalog (published after commit, see crm.core.events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ExchangeRatesChanged:
    """The rate in force changed for the orders in `code` (every currency when None) dated on or after `since`
    (every day when None) and before `until` (no end when None): a rate was set, changed or deleted, a currency
    deleted, or the company currency changed. Amounts converted at those rates must be recomputed."""

    code: str | None
    since: dt.date | None = None
    until: dt.date | None = None
