"""The unit cost a quote or order line keeps: typed in, or copied from the catalog when the line is written (in
the document's currency at the rates of its day), so later cost changes never alter a document's margin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from crm.catalog.selectors import product_cost_get

MAX_COST = Decimal("999999999999.99")
CENT = Decimal("0.01")


def unit_cost_clean(
    raw: Any, *, product: Any, currency: str, on_date: dt.date, field: str, errors: dict[str, list[str]]
) -> Decimal | None:
    """The unit cost given (a number from 0 up, two decimals), else the product's catalog cost in `currency` on
    `on_date`, else None (not known). A bad value adds an error under `field` and gives None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if product is None:
            return None
        cost = product_cost_get(product=product, currency=currency, on_date=on_date)
        return None if cost is None else cost.quantize(CENT)
    number: Decimal | None
    if isinstance(raw, bool):
        number = None
    else:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or number < 0 or number > MAX_COST:
        errors[field] = [_("Enter a unit cost of zero or more.")]
        return None
    return number.quantize(CENT)
