"""Money arithmetic without floats: amounts are `Decimal`s rounded to their currency's minor units.

Pure functions (no database); the selectors and services use them, and so may other apps.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies


def currency_code_is_known(code: str) -> bool:
    """Whether `code` is an ISO 4217 code Babel (CLDR) knows."""
    return code in list_currencies()


def currency_digits(code: str) -> int:
    """The currency's minor units: EUR 2, JPY 0, BHD 3 (CLDR data)."""
    return int(get_currency_precision(code))


def money_round(amount: Decimal, digits: int) -> Decimal:
    """`amount` rounded half up to `digits` decimals (commercial rounding)."""
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def decimal_parse(value: object) -> Decimal | None:
    """A finite Decimal from a Decimal, int or text ("12.50"); None for anything else — floats included,
    because a float has already lost the cents."""
    if isinstance(value, bool | float):
        return None
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, int):
        parsed = Decimal(value)
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return parsed if parsed.is_finite() else None
