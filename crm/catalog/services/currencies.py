"""Writes on currencies and their dated exchange rates (administrators only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_name
from django.db import transaction
from django.utils.translation import gettext as _

from crm.catalog.errors import RecordInUse
from crm.catalog.events import ExchangeRatesChanged
from crm.catalog.models import Currency, ExchangeRate, PriceBook
from crm.catalog.money import currency_code_is_known, currency_digits
from crm.catalog.services.common import (
    clean_decimal,
    clean_text,
    full_clean_or_raise,
    reject_unknown,
    require_admin,
    unique_or_field_error,
)
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit

CURRENCY_FIELDS = frozenset({"name", "is_active"})
MAX_RATE = Decimal("999999999")


def _code_clean(code: Any) -> str:
    value = str(code or "").strip().upper()
    if not value:
        raise InvalidInput(field_errors={"code": [_("This field is required.")]})
    if not currency_code_is_known(value):
        raise InvalidInput(
            field_errors={
                "code": [_("“%(code)s” is not an ISO 4217 currency code (e.g. EUR).") % {"code": value}]
            }
        )
    return value


def _code_taken(code: str) -> str:
    return _("The currency %(code)s is already in the catalog.") % {"code": code}


@transaction.atomic
def currency_create(
    *, actor: Any, code: str, name: str = "", is_company: bool = False, is_active: bool = True
) -> Currency:
    """Add an ISO 4217 currency. Its minor units come from CLDR; its name defaults to CLDR's English name.
    `is_company=True` makes it the company currency (only while no exchange rate exists)."""
    require_admin(actor)
    code = _code_clean(code)
    if Currency.objects.filter(code=code).exists():
        raise InvalidInput(field_errors={"code": [_code_taken(code)]})
    errors: dict[str, list[str]] = {}
    data = {"name": name}
    clean_text(data, "name", errors, required=False)
    currency = Currency(
        code=code,
        name=data["name"] or get_currency_name(code, locale="en"),
        decimal_places=currency_digits(code),
        is_active=is_active,
    )
    full_clean_or_raise(currency, errors)
    with audit_context(actor=actor), unique_or_field_error("code", _code_taken(code)):
        currency.save()
    if is_company:
        currency_set_company(actor=actor, currency=currency)
        currency.refresh_from_db()
    return currency


@transaction.atomic
def currency_update(*, actor: Any, currency: Currency, **changes: Any) -> Currency:
    """Rename or (de)activate a currency. Its code and minor units never change; the company currency stays
    active."""
    require_admin(actor)
    reject_unknown(changes, CURRENCY_FIELDS)
    locked = Currency.objects.select_for_update().filter(pk=currency.pk).first()
    if locked is None:
        raise RecordNotFound()
    errors: dict[str, list[str]] = {}
    data = dict(changes)
    clean_text(data, "name", errors, required=True)
    if data.get("is_active") is False and locked.is_company:
        errors["is_active"] = [_("The company currency cannot be deactivated.")]
    for name, value in data.items():
        setattr(locked, name, value)
    full_clean_or_raise(locked, errors)
    with audit_context(actor=actor):
        locked.save()
    return locked


@transaction.atomic
def currency_set_company(*, actor: Any, currency: Currency) -> Currency:
    """Make `currency` the company currency. Refused once exchange rates exist: they are quoted against the
    current one, and would silently mean something else."""
    require_admin(actor)
    locked = Currency.objects.select_for_update().filter(pk=currency.pk).first()
    if locked is None:
        raise RecordNotFound()
    if locked.is_company:
        return locked
    if ExchangeRate.objects.exists():
        raise InvalidInput(
            field_errors={
                "is_company": [
                    _("Exchange rates are quoted against the current company currency; delete them first.")
                ]
            }
        )
    with audit_context(actor=actor):
        for previous in Currency.objects.select_for_update().filter(is_company=True):
            previous.is_company = False
            previous.save()
        locked.is_company = True
        locked.is_active = True
        locked.save()
    publish_on_commit(ExchangeRatesChanged(code=None))  # every amount in the company currency changes
    return locked


@transaction.atomic
def currency_delete(*, actor: Any, currency: Currency) -> Currency:
    """Move an unused currency to the recycle bin (with its rates). The company currency, and a currency of a
    live price book, stay."""
    require_admin(actor)
    locked = Currency.objects.select_for_update().filter(pk=currency.pk).first()
    if locked is None:
        raise RecordNotFound()
    if locked.is_company:
        raise RecordInUse(_("The company currency cannot be deleted."))
    if PriceBook.objects.filter(currency=locked).exists():
        raise RecordInUse(_("Price books use this currency. Delete them or change their currency first."))
    rates = list(ExchangeRate.objects.filter(currency=locked))
    record_soft_delete(instance=locked, actor=actor, dependents=rates)
    publish_on_commit(ExchangeRatesChanged(code=locked.code))
    return locked


@transaction.atomic
def exchange_rate_set(*, actor: Any, currency: Currency, valid_on: dt.date | None, rate: Any) -> ExchangeRate:
    """From `valid_on` on, one unit of the company currency buys `rate` units of `currency`. One rate per
    currency and day: setting it again changes it."""
    require_admin(actor)
    locked = Currency.objects.select_for_update().filter(pk=currency.pk).first()
    if locked is None:
        raise RecordNotFound()
    errors: dict[str, list[str]] = {}
    if locked.is_company:
        errors["currency"] = [_("The company currency has no exchange rate: it is always 1.")]
    if not isinstance(valid_on, dt.date):
        errors["valid_on"] = [_("Enter a date as YYYY-MM-DD.")]
    data = {"rate": rate}
    clean_decimal(data, "rate", errors, above_zero=True, maximum=MAX_RATE)
    if errors:
        raise InvalidInput(field_errors=errors)
    assert isinstance(valid_on, dt.date)
    found = ExchangeRate.objects.select_for_update().filter(currency=locked, valid_on=valid_on).first()
    entry = found or ExchangeRate(currency=locked, valid_on=valid_on)
    entry.rate = data["rate"]
    full_clean_or_raise(entry, {}, exclude=("currency",))
    with audit_context(actor=actor), unique_or_field_error("valid_on", _("This day already has a rate.")):
        entry.save()
    _rates_changed(locked, valid_on)
    return entry


@transaction.atomic
def exchange_rate_delete(*, actor: Any, rate: ExchangeRate) -> None:
    require_admin(actor)
    locked = ExchangeRate.objects.select_for_update().filter(pk=rate.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_soft_delete(instance=locked, actor=actor)
    _rates_changed(locked.currency, locked.valid_on)


def _rates_changed(currency: Currency, day: dt.date) -> None:
    """The orders whose rate was the one of `day`: from that day until the currency's next rate."""
    following = (
        ExchangeRate.objects.filter(currency=currency, valid_on__gt=day)
        .order_by("valid_on")
        .values_list("valid_on", flat=True)
        .first()
    )
    publish_on_commit(ExchangeRatesChanged(code=currency.code, since=day, until=following))
