"""The purchase transactions the churn model and the sales forecast read, with the catalog's refusals (no
company currency, a missing exchange rate) turned into the analysis' clear error."""

from __future__ import annotations

import datetime as dt

from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions, transactions_load
from crm.catalog.errors import CatalogError


def transactions(*, until: dt.date) -> Transactions:
    try:
        return transactions_load(until=until)
    except CatalogError as exc:
        raise AnalyticsError(str(exc.message)) from None
