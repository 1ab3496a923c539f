"""Writes on price books and their prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.catalog.models import Currency, Price, PriceBook, Product
from crm.catalog.money import money_round
from crm.catalog.services.common import (
    clean_decimal,
    clean_text,
    full_clean_or_raise,
    reject_unknown,
    unique_or_field_error,
)
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.records import record_authorize, record_authorize_create

OBJECT_TYPE = "catalog.pricebook"
PRICE_BOOK_FIELDS = frozenset(
    {"name", "currency", "segment", "valid_from", "valid_until", "is_active", "description"}
)
MAX_PRICE = Decimal("99999999999999")


def _name_taken(name: str) -> str:
    return _("Another price book is already called “%(name)s”.") % {"name": name}


def _apply(book: PriceBook, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    clean_text(data, "name", errors, required=True)
    if data.get("name") and PriceBook.objects.filter(name=data["name"]).exclude(pk=book.pk).exists():
        errors["name"] = [_name_taken(data["name"])]
    if "segment" in data:
        data["segment"] = "-".join(str(data["segment"] or "").lower().split())
    if "description" in data:
        data["description"] = str(data["description"] or "").strip()
    if "currency" in data:
        currency = data["currency"]
        if not isinstance(currency, Currency) or currency.is_deleted:
            errors["currency"] = [_("Choose a currency of the catalog.")]
            data.pop("currency")
        elif book.pk is not None and currency.pk != book.currency_id and book.prices.exists():
            errors["currency"] = [_("A price book with prices keeps its currency. Create another book.")]
            data.pop("currency")
    for name, value in data.items():
        setattr(book, name, value)
    if book.currency_id is None and "currency" not in errors:
        errors["currency"] = [_("This field is required.")]
    if book.valid_from and book.valid_until and book.valid_until < book.valid_from:
        errors.setdefault("valid_until", [_("The end date is before the start date.")])
    full_clean_or_raise(book, errors, exclude=("currency",))


@transaction.atomic
def price_book_create(*, actor: Any, **fields: Any) -> PriceBook:
    reject_unknown(fields, PRICE_BOOK_FIELDS)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=None)
    book = PriceBook()
    errors: dict[str, list[str]] = {}
    _apply(book, {"name": "", **fields}, errors)
    with audit_context(actor=actor), unique_or_field_error("name", _name_taken(book.name)):
        book.save()
    return book


@transaction.atomic
def price_book_update(*, actor: Any, price_book: PriceBook, **changes: Any) -> PriceBook:
    reject_unknown(changes, PRICE_BOOK_FIELDS)
    locked = PriceBook.objects.select_for_update().filter(pk=price_book.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    errors: dict[str, list[str]] = {}
    _apply(locked, dict(changes), errors)
    with audit_context(actor=actor), unique_or_field_error("name", _name_taken(locked.name)):
        locked.save()
    return locked


@transaction.atomic
def price_book_delete(*, actor: Any, price_book: PriceBook) -> PriceBook:
    """Move the book and its prices to the recycle bin (restored together)."""
    locked = PriceBook.objects.select_for_update().filter(pk=price_book.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    record_soft_delete(instance=locked, actor=actor, dependents=list(Price.objects.filter(price_book=locked)))
    return locked


@transaction.atomic
def price_set(*, actor: Any, price_book: PriceBook, product: Product, unit_price: Any) -> Price:
    """Set the unit price of `product` in `price_book` (creates or changes the book's one price for it),
    rounded to the book currency's minor units. Negative prices are refused."""
    book = PriceBook.objects.select_for_update().select_related("currency").filter(pk=price_book.pk).first()
    if book is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=book, action="change")
    if product.pk is None or not Product.objects.filter(pk=product.pk).exists():
        raise InvalidInput(field_errors={"product": [_("Choose a product of the catalog.")]})
    data: dict[str, Any] = {"unit_price": unit_price}
    errors: dict[str, list[str]] = {}
    clean_decimal(data, "unit_price", errors, minimum=Decimal("0"), maximum=MAX_PRICE)
    if errors:
        raise InvalidInput(field_errors=errors)
    amount = money_round(data["unit_price"], book.currency.decimal_places)
    price = Price.objects.select_for_update().filter(price_book=book, product=product).first()
    if price is None:
        price = Price(price_book=book, product=product, unit_price=amount)
    elif price.unit_price == amount:
        return price
    price.unit_price = amount
    with audit_context(actor=actor), unique_or_field_error("product", _("This product already has a price.")):
        price.save()
    return price


@transaction.atomic
def price_remove(*, actor: Any, price_book: PriceBook, product: Product) -> None:
    """Take the product out of the book (its price goes to the recycle bin)."""
    book = PriceBook.objects.select_for_update().filter(pk=price_book.pk).first()
    if book is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=book, action="change")
    price = Price.objects.filter(price_book=book, product=product).first()
    if price is None:
        raise RecordNotFound()
    record_soft_delete(instance=price, actor=actor)
