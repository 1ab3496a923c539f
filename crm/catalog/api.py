"""API: products, price books and their prices, taxes, currencies and exchange rates.

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize. The
product list shares the UI's ListSpec (crm/catalog/listing.py): the same filters, sort keys and cursors.
Currencies are addressed by their ISO code (`/currencies/USD`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.catalog import selectors, services
from crm.catalog.listing import PRODUCT_LIST
from crm.catalog.schemas import (
    BookPriceOut,
    ConversionOut,
    CurrencyIn,
    CurrencyOut,
    CurrencyPatch,
    ExchangeRateIn,
    ExchangeRateOut,
    PriceBookIn,
    PriceBookOut,
    PriceBookPatch,
    PriceIn,
    PriceQuoteOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    ProductPriceOut,
    TaxIn,
    TaxOut,
    TaxPatch,
)
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import expected_version
from crm.core.audit.api import history
from crm.core.audit.schemas import AuditPage
from crm.core.errors import InvalidInput, RecordNotFound

router = Router()
products = Router(tags=["catalog"])
price_books = Router(tags=["catalog"])
taxes = Router(tags=["catalog"])
currencies = Router(tags=["catalog"])
router.add_router("/products", products)
router.add_router("/price-books", price_books)
router.add_router("/taxes", taxes)
router.add_router("/currencies", currencies)

PRODUCT_FIELD_NAMES = {"tax": "tax_id"}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _tax_ref(*, field: str, pk: int | None) -> Any:
    """A tax referenced from a body field (an unknown id is a 422 on that field)."""
    if pk is None:
        return None
    try:
        return selectors.tax_get(pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={field: [_("Choose a tax.")]}) from None


def _currency_ref(*, field: str, code: str) -> Any:
    try:
        return selectors.currency_get(code=code)
    except RecordNotFound:
        raise InvalidInput(
            field_errors={field: [_("“%(code)s” is not a currency of the catalog.") % {"code": code}]}
        ) from None


# --- products ------------------------------------------------------------------------------------------------
@products.get("", response=ProductPage, openapi_extra=list_openapi(PRODUCT_LIST))
def product_list(request: HttpRequest) -> Any:
    """Products the caller may see, filtered like the web list (`?kind=service&is_active=true&q=cloud`)."""
    with query_errors():
        return selectors.product_list(user=_user(request), params=request.GET, **page_args(request))


@products.post("", response={201: ProductOut})
def product_create(request: HttpRequest, payload: ProductIn) -> Any:
    user = _user(request)
    data = payload.model_dump()
    with renamed_fields(PRODUCT_FIELD_NAMES):
        data["tax"] = _tax_ref(field="tax_id", pk=data.pop("tax_id"))
        product = services.product_create(actor=user, **data)
    return Status(201, selectors.product_get(user=user, pk=product.pk))


@products.get("/{int:product_id}", response=ProductOut)
def product_get(request: HttpRequest, product_id: int, response: HttpResponse) -> Any:
    product = selectors.product_get(user=_user(request), pk=product_id)
    response["ETag"] = f'"{product.version}"'
    return product


@products.patch("/{int:product_id}", response=ProductOut)
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Any:
    """Change the fields sent. Send `If-Match: <version>` (or `version`) to refuse overwriting a newer edit."""
    user = _user(request)
    product = selectors.product_get(user=user, pk=product_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    with renamed_fields(PRODUCT_FIELD_NAMES):
        if "tax_id" in changes:
            changes["tax"] = _tax_ref(field="tax_id", pk=changes.pop("tax_id"))
        services.product_update(actor=user, product=product, expected_version=version, **changes)
    return selectors.product_get(user=user, pk=product_id)


@products.delete("/{int:product_id}", response={204: None})
def product_delete(request: HttpRequest, product_id: int) -> Any:
    """Move to the recycle bin with its prices; restore with POST /recycle-bin/catalog.product/{id}/restore."""
    user = _user(request)
    services.product_delete(actor=user, product=selectors.product_get(user=user, pk=product_id))
    return Status(204, None)


@products.get("/{int:product_id}/prices", response=list[ProductPriceOut])
def product_prices(request: HttpRequest, product_id: int) -> Any:
    """The product's price in every price book that has one."""
    user = _user(request)
    return selectors.product_prices(user=user, product=selectors.product_get(user=user, pk=product_id))


@products.get("/{int:product_id}/price", response=PriceQuoteOut)
def product_price(
    request: HttpRequest, product_id: int, currency: str, segment: str = "", on_date: dt.date | None = None
) -> Any:
    """The unit price from the best matching price book (404 `price_not_found` when none has one)."""
    product = selectors.product_get(user=_user(request), pk=product_id)
    return selectors.price_get(
        product=product, currency=currency, segment=segment, on_date=on_date or timezone.localdate()
    )


@products.get("/{int:product_id}/history", response=AuditPage)
def product_history(
    request: HttpRequest, product_id: int, cursor: str | None = None, limit: str | None = None
) -> Any:
    product = selectors.product_get(user=_user(request), pk=product_id)
    return history(object_type=PRODUCT_LIST.object_type, object_id=product.pk, cursor=cursor, limit=limit)


# --- price books ---------------------------------------------------------------------------------------------
@price_books.get("", response=list[PriceBookOut])
def price_book_list(request: HttpRequest) -> Any:
    return selectors.price_book_list(user=_user(request))


@price_books.post("", response={201: PriceBookOut})
def price_book_create(request: HttpRequest, payload: PriceBookIn) -> Any:
    user = _user(request)
    data = payload.model_dump()
    data["currency"] = _currency_ref(field="currency", code=data["currency"])
    book = services.price_book_create(actor=user, **data)
    return Status(201, selectors.price_book_get(user=user, pk=book.pk))


@price_books.get("/{int:book_id}", response=PriceBookOut)
def price_book_get(request: HttpRequest, book_id: int) -> Any:
    return selectors.price_book_get(user=_user(request), pk=book_id)


@price_books.patch("/{int:book_id}", response=PriceBookOut)
def price_book_update(request: HttpRequest, book_id: int, payload: PriceBookPatch) -> Any:
    user = _user(request)
    book = selectors.price_book_get(user=user, pk=book_id)
    changes = payload.model_dump(exclude_unset=True)
    if "currency" in changes:
        changes["currency"] = _currency_ref(field="currency", code=changes["currency"])
    services.price_book_update(actor=user, price_book=book, **changes)
    return selectors.price_book_get(user=user, pk=book_id)


@price_books.delete("/{int:book_id}", response={204: None})
def price_book_delete(request: HttpRequest, book_id: int) -> Any:
    user = _user(request)
    services.price_book_delete(actor=user, price_book=selectors.price_book_get(user=user, pk=book_id))
    return Status(204, None)


@price_books.get("/{int:book_id}/prices", response=list[BookPriceOut])
def price_book_prices(request: HttpRequest, book_id: int) -> Any:
    user = _user(request)
    return selectors.price_book_prices(user=user, price_book=selectors.price_book_get(user=user, pk=book_id))


@price_books.put("/{int:book_id}/prices/{int:product_id}", response=BookPriceOut)
def price_set(request: HttpRequest, book_id: int, product_id: int, payload: PriceIn) -> Any:
    """Set the product's unit price in the book (rounded to the currency's minor units)."""
    user = _user(request)
    book = selectors.price_book_get(user=user, pk=book_id)
    product = selectors.product_get(user=user, pk=product_id)
    return services.price_set(actor=user, price_book=book, product=product, unit_price=payload.unit_price)


@price_books.delete("/{int:book_id}/prices/{int:product_id}", response={204: None})
def price_remove(request: HttpRequest, book_id: int, product_id: int) -> Any:
    user = _user(request)
    book = selectors.price_book_get(user=user, pk=book_id)
    product = selectors.product_get(user=user, pk=product_id)
    services.price_remove(actor=user, price_book=book, product=product)
    return Status(204, None)


# --- taxes ---------------------------------------------------------------------------------------------------
@taxes.get("", response=list[TaxOut])
def tax_list(request: HttpRequest) -> Any:
    return selectors.tax_list()


@taxes.post("", response={201: TaxOut})
def tax_create(request: HttpRequest, payload: TaxIn) -> Any:
    """Administrators only."""
    return Status(201, services.tax_create(actor=_user(request), **payload.model_dump()))


@taxes.get("/{int:tax_id}", response=TaxOut)
def tax_get(request: HttpRequest, tax_id: int) -> Any:
    return selectors.tax_get(pk=tax_id)


@taxes.patch("/{int:tax_id}", response=TaxOut)
def tax_update(request: HttpRequest, tax_id: int, payload: TaxPatch) -> Any:
    tax = selectors.tax_get(pk=tax_id)
    return services.tax_update(actor=_user(request), tax=tax, **payload.model_dump(exclude_unset=True))


@taxes.delete("/{int:tax_id}", response={204: None})
def tax_delete(request: HttpRequest, tax_id: int) -> Any:
    services.tax_delete(actor=_user(request), tax=selectors.tax_get(pk=tax_id))
    return Status(204, None)


# --- currencies and exchange rates ---------------------------------------------------------------------------
@currencies.get("", response=list[CurrencyOut])
def currency_list(request: HttpRequest) -> Any:
    """The catalog's currencies, the company currency first."""
    return selectors.currency_list()


@currencies.post("", response={201: CurrencyOut})
def currency_create(request: HttpRequest, payload: CurrencyIn) -> Any:
    """Administrators only. Minor units come from CLDR (EUR 2, JPY 0)."""
    return Status(201, services.currency_create(actor=_user(request), **payload.model_dump()))


@currencies.get("/convert", response=ConversionOut)
def money_convert(
    request: HttpRequest,
    amount: Decimal,
    from_currency: str,
    to_currency: str,
    on_date: dt.date | None = None,
) -> Any:
    """Convert at the latest rates dated on or before `on_date` (default today); 422 when a rate is missing."""
    day = on_date or timezone.localdate()
    converted = selectors.money_convert(
        amount=amount, from_currency=from_currency, to_currency=to_currency, on_date=day
    )
    return {
        "amount": amount,
        "from_currency": from_currency.upper(),
        "to_currency": to_currency.upper(),
        "on_date": day,
        "converted": converted,
    }


@currencies.get("/{code}", response=CurrencyOut)
def currency_get(request: HttpRequest, code: str) -> Any:
    return selectors.currency_get(code=code)


@currencies.patch("/{code}", response=CurrencyOut)
def currency_update(request: HttpRequest, code: str, payload: CurrencyPatch) -> Any:
    currency = selectors.currency_get(code=code)
    return services.currency_update(
        actor=_user(request), currency=currency, **payload.model_dump(exclude_unset=True)
    )


@currencies.delete("/{code}", response={204: None})
def currency_delete(request: HttpRequest, code: str) -> Any:
    services.currency_delete(actor=_user(request), currency=selectors.currency_get(code=code))
    return Status(204, None)


@currencies.post("/{code}/company", response=CurrencyOut)
def currency_set_company(request: HttpRequest, code: str) -> Any:
    """Make it the company currency (refused once exchange rates exist)."""
    return services.currency_set_company(actor=_user(request), currency=selectors.currency_get(code=code))


@currencies.get("/{code}/rates", response=list[ExchangeRateOut])
def exchange_rate_list(request: HttpRequest, code: str) -> Any:
    """The currency's dated rates, newest first."""
    return selectors.exchange_rate_list(currency=selectors.currency_get(code=code))


@currencies.post("/{code}/rates", response={201: ExchangeRateOut})
def exchange_rate_set(request: HttpRequest, code: str, payload: ExchangeRateIn) -> Any:
    """Set the rate from a day on (one per day: posting the same day again changes it)."""
    currency = selectors.currency_get(code=code)
    rate = services.exchange_rate_set(
        actor=_user(request), currency=currency, valid_on=payload.valid_on, rate=payload.rate
    )
    return Status(201, rate)


@currencies.delete("/{code}/rates/{int:rate_id}", response={204: None})
def exchange_rate_delete(request: HttpRequest, code: str, rate_id: int) -> Any:
    currency = selectors.currency_get(code=code)
    services.exchange_rate_delete(
        actor=_user(request), rate=selectors.exchange_rate_get(currency=currency, pk=rate_id)
    )
    return Status(204, None)
