"""Reads of the catalog: products, price books, prices, taxes, currencies and exchange rates.

Lists and record reads are scoped by the reader's permissions (`visible_to`). The pricing functions —
`price_get`, `money_convert`, `tax_rate_get`, `company_currency_get` — are the catalog's public interface
for the sales documents above it: plain reads of shared reference data, given the records they price.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from crm.catalog.errors import CompanyCurrencyMissing, ExchangeRateMissing, PriceNotFound
from crm.catalog.listing import PRODUCT_LIST
from crm.catalog.models import Currency, ExchangeRate, Price, PriceBook, Product, Tax
from crm.catalog.money import money_round
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import shared_in_scope
from crm.core.listing import Page, capped_count


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RecordNotFound() from None


# --- products ----------------------------------------------------------------------------------------------
def product_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Product]:
    qs: QuerySet[Product] = Product.objects.visible_to(user, action)
    if params:
        qs = PRODUCT_LIST.apply(qs, params, user=user)
    return qs


def product_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the products `user` may see, filtered by `params` (see catalog.listing)."""
    qs = product_query(user=user, params=params).select_related("tax")
    return PRODUCT_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def product_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(product_query(user=user, params=params))


@dataclass(frozen=True)
class ProductListPage:
    """What the product list page shows: one keyset page, the capped count, and each row's list price (the
    general price book in the company currency today; none when no company currency is set)."""

    page: Page
    count: int
    capped: bool
    quotes: dict[int, PriceQuote]
    currency: Currency | None


def product_list_page(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
    on_date: dt.date,
) -> ProductListPage:
    """The product list with counts and list prices, in a fixed number of queries whatever the page size."""
    page = product_list(user=user, params=params, sort=sort, cursor=cursor, limit=limit)
    count, capped = product_count(user=user, params=params)
    currency = Currency.objects.filter(is_company=True).first()
    quotes = (
        price_map_get(products=page.items, currency=currency.code, on_date=on_date)
        if currency is not None and page.items
        else {}
    )
    return ProductListPage(page=page, count=count, capped=capped, quotes=quotes, currency=currency)


def product_get(*, user: Any, pk: int | str, action: str = "view") -> Product:
    product = Product.objects.visible_to(user, action).select_related("tax").filter(pk=_pk(pk)).first()
    if product is None:
        raise RecordNotFound()
    return product


def product_create_allowed(*, user: Any) -> bool:
    return shared_in_scope(user, "catalog.product", "create")


def product_change_allowed(*, user: Any) -> bool:
    return shared_in_scope(user, "catalog.product", "change")


def price_change_allowed(*, user: Any) -> bool:
    """Whether the user may set prices (a change of the price books)."""
    return shared_in_scope(user, "catalog.pricebook", "change")


def product_prices(*, user: Any, product: Product) -> list[Price]:
    """The product's price in every live price book the user may see (books without a price are left out),
    by currency and book name."""
    books = PriceBook.objects.visible_to(user).values("pk")
    return list(
        Price.objects.filter(product=product, price_book__in=books, price_book__deleted_at__isnull=True)
        .select_related("price_book", "price_book__currency")
        .order_by("price_book__currency__code", "price_book__name", "id")
    )


# --- price books -------------------------------------------------------------------------------------------
def price_book_list(*, user: Any) -> list[PriceBook]:
    return list(PriceBook.objects.visible_to(user).select_related("currency").order_by("name", "id"))


def price_book_get(*, user: Any, pk: int | str, action: str = "view") -> PriceBook:
    book = PriceBook.objects.visible_to(user, action).select_related("currency").filter(pk=_pk(pk)).first()
    if book is None:
        raise RecordNotFound()
    return book


def price_book_prices(*, user: Any, price_book: PriceBook, limit: int = 500) -> list[Price]:
    """The book's prices of live products the user may see, by product name."""
    products = Product.objects.visible_to(user).values("pk")
    return list(
        Price.objects.filter(price_book=price_book, product__in=products)
        .select_related("product", "price_book__currency")
        .order_by("product__name", "id")[:limit]
    )


def price_book_choices(*, user: Any) -> list[tuple[int, str]]:
    return [(b.pk, f"{b.name} · {b.currency.code}") for b in price_book_list(user=user)]


def price_entry_get(*, price_book: PriceBook, product: Product) -> Price | None:
    return Price.objects.filter(price_book=price_book, product=product).first()


# --- pricing: the interface of the sales documents -----------------------------------------------------------
@dataclass(frozen=True)
class PriceQuote:
    """The unit price of a product for a currency, segment and day, and where it came from."""

    unit_price: Decimal
    currency: str
    price_book_id: int
    price_book_name: str
    tax_rate: Decimal  # percent (21.0000); 0 when the product has no tax


def _best_prices(rows: list[Price], segment: str) -> dict[int, Price]:
    """Per product, the price of the best matching book (see `price_get`)."""
    best: dict[int, Price] = {}
    for row in sorted(
        rows,
        key=lambda p: (
            p.price_book.segment != segment,
            -(p.price_book.valid_from or dt.date.min).toordinal(),
            p.price_book.pk,
        ),
    ):
        best.setdefault(row.product_id, row)
    return best


def _candidate_prices(
    *, product_ids: list[int], currency: str, segment: str, on_date: dt.date
) -> list[Price]:
    segments = [""] if not segment else [segment, ""]
    books = PriceBook.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on_date),
        currency__code=str(currency or "").strip().upper(),
        currency__deleted_at__isnull=True,
        segment__in=segments,
        is_active=True,
    )
    return list(
        Price.objects.filter(product_id__in=product_ids, price_book__in=books).select_related(
            "price_book", "price_book__currency"
        )
    )


def _quote(price: Price, tax_rate: Decimal) -> PriceQuote:
    book = price.price_book
    return PriceQuote(
        unit_price=money_round(price.unit_price, book.currency.decimal_places),
        currency=book.currency.code,
        price_book_id=book.pk,
        price_book_name=book.name,
        tax_rate=tax_rate,
    )


def price_get(*, product: Product, currency: str, segment: str = "", on_date: dt.date) -> PriceQuote:
    """The unit price of `product` in `currency` for a customer of `segment` on `on_date`.

    The best matching price book is an active live book in the currency, valid on the day (no dates = always),
    that has a price for the product; a book of the customer's own segment beats a book for every customer
    (segment empty); then the book valid from the latest date; then the oldest book. Raises PriceNotFound.
    """
    segment = (segment or "").strip().lower()
    rows = _candidate_prices(product_ids=[product.pk], currency=currency, segment=segment, on_date=on_date)
    best = _best_prices(rows, segment).get(product.pk)
    if best is None:
        raise PriceNotFound()
    return _quote(best, tax_rate_get(product=product))


def price_map_get(
    *, products: list[Product], currency: str, segment: str = "", on_date: dt.date
) -> dict[int, PriceQuote]:
    """`price_get` for many products at once (a list page, a quote's lines): {product id: quote}, in two
    queries; products without a price are left out."""
    segment = (segment or "").strip().lower()
    rows = _candidate_prices(
        product_ids=[p.pk for p in products], currency=currency, segment=segment, on_date=on_date
    )
    best = _best_prices(rows, segment)
    tax_ids = {p.tax_id for p in products if p.tax_id is not None}
    rates = dict(Tax.objects.filter(pk__in=tax_ids).values_list("pk", "rate")) if tax_ids else {}
    return {
        p.pk: _quote(best[p.pk], Decimal(rates.get(p.tax_id, 0)) if p.tax_id else Decimal("0"))
        for p in products
        if p.pk in best
    }


def tax_rate_get(*, product: Product | None = None, tax: Tax | None = None) -> Decimal:
    """The tax percentage of a product (its tax, 0 when it has none or the tax was deleted) or of a tax."""
    if tax is None and product is not None and product.tax_id is not None:
        tax = Tax.all_objects.filter(pk=product.tax_id).first()
    if tax is None or tax.deleted_at is not None:
        return Decimal("0")
    return Decimal(tax.rate)


def company_currency_get() -> Currency:
    """The company currency (every exchange rate is quoted against it). Raises CompanyCurrencyMissing."""
    found = Currency.objects.filter(is_company=True).first()
    if found is None:
        raise CompanyCurrencyMissing()
    return found


def _currency_by_code(code: str, *, field: str) -> Currency:
    found = Currency.objects.filter(code=str(code or "").strip().upper()).first()
    if found is None:
        raise InvalidInput(
            field_errors={field: [_("“%(code)s” is not a currency of the catalog.") % {"code": code}]}
        )
    return found


def exchange_rate_on(*, currency: Currency, on_date: dt.date) -> Decimal:
    """Units of `currency` per unit of the company currency on `on_date`: the latest rate dated on or before
    the day (1 for the company currency itself). Raises ExchangeRateMissing naming the currency and day."""
    if currency.is_company:
        return Decimal("1")
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_on__lte=on_date)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise ExchangeRateMissing(
            _("There is no exchange rate for %(code)s on or before %(day)s.")
            % {"code": currency.code, "day": on_date.isoformat()}
        )
    return Decimal(rate)


def money_convert(*, amount: Decimal, from_currency: str, to_currency: str, on_date: dt.date) -> Decimal:
    """`amount` of `from_currency` in `to_currency` at the rates of `on_date`, rounded to the target
    currency's minor units. Goes through the company currency. Raises ExchangeRateMissing when either
    currency has no rate on or before the day, InvalidInput for a code the catalog does not have."""
    source = _currency_by_code(from_currency, field="from_currency")
    target = _currency_by_code(to_currency, field="to_currency")
    if source.pk == target.pk:
        return money_round(Decimal(amount), target.decimal_places)
    company_currency_get()
    in_company = Decimal(amount) / exchange_rate_on(currency=source, on_date=on_date)
    return money_round(in_company * exchange_rate_on(currency=target, on_date=on_date), target.decimal_places)


# --- currencies, rates and taxes (reference data, readable by every signed-in user) ----------------------------
def currency_list(*, include_inactive: bool = True) -> list[Currency]:
    qs = Currency.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("-is_company", "code"))


def currency_get(*, code: str) -> Currency:
    found = Currency.objects.filter(code=str(code or "").strip().upper()).first()
    if found is None:
        raise RecordNotFound()
    return found


def currency_by_pk(*, pk: int | str) -> Currency | None:
    """A live currency by id (None when there is none: the services name the field)."""
    return Currency.objects.filter(pk=_pk(pk)).first()


def currency_choices() -> list[tuple[int, str]]:
    return [
        (c.pk, f"{c.code} · {c.name}" if c.name else c.code) for c in currency_list(include_inactive=False)
    ]


def exchange_rate_list(*, currency: Currency, limit: int = 200) -> list[ExchangeRate]:
    """The currency's rates, newest first."""
    return list(
        ExchangeRate.objects.filter(currency=currency)
        .select_related("currency")
        .order_by("-valid_on")[:limit]
    )


def exchange_rate_get(*, currency: Currency, pk: int | str) -> ExchangeRate:
    found = ExchangeRate.objects.filter(currency=currency, pk=_pk(pk)).select_related("currency").first()
    if found is None:
        raise RecordNotFound()
    return found


def tax_list(*, include_inactive: bool = True) -> list[Tax]:
    qs = Tax.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("country", "-rate", "name"))


def tax_get(*, pk: int | str) -> Tax:
    found = Tax.objects.filter(pk=_pk(pk)).first()
    if found is None:
        raise RecordNotFound()
    return found


def tax_choices() -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in tax_list(include_inactive=False)]


def products_by_sku(*, skus: list[str]) -> dict[str, Product]:
    """Active products by SKU, unscoped: for the system's own loaders (demo data), never for a user's request."""
    return {p.sku: p for p in Product.objects.filter(sku__in=skus, is_active=True)}


def exchange_rate_history(*, code: str) -> list[tuple[dt.date, Decimal]]:
    """Every dated rate of the currency `code`, oldest first (the bulk conversions of the customer analyses)."""
    return list(
        ExchangeRate.objects.filter(currency__code=str(code or "").strip().upper())
        .order_by("valid_on")
        .values_list("valid_on", "rate")
    )


def product_names(*, ids: list[int]) -> dict[int, str]:
    """{id: name} of these products, deleted ones included (documents keep referring to them)."""
    return dict(Product.all_objects.filter(pk__in=ids).values_list("id", "name"))


def company_currency_code() -> str:
    """The company currency's code, or the configured default while the catalog has none (pages only)."""
    found = Currency.objects.filter(is_company=True).values_list("code", flat=True).first()
    return found or str(getattr(settings, "DEFAULT_CURRENCY", "EUR"))


def product_cost_get(*, product: Product, currency: str, on_date: dt.date) -> Decimal | None:
    """The product's unit cost in `currency` at the rates of `on_date` (the sales lines' snapshot), or None when
    the cost is not known or cannot be converted (no rate): a missing cost never blocks a sale."""
    if product.cost is None:
        return None
    try:
        return money_convert(
            amount=product.cost, from_currency=company_currency_code(), to_currency=currency, on_date=on_date
        )
    except (ExchangeRateMissing, CompanyCurrencyMissing, InvalidInput):
        return None
