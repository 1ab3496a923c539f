from crm.catalog.services.currencies import (
    currency_create,
    currency_delete,
    currency_set_company,
    currency_update,
    exchange_rate_delete,
    exchange_rate_set,
)
from crm.catalog.services.pricebooks import (
    price_book_create,
    price_book_delete,
    price_book_update,
    price_remove,
    price_set,
)
from crm.catalog.services.products import product_create, product_delete, product_update
from crm.catalog.services.taxes import tax_create, tax_delete, tax_update

__all__ = [
    "currency_create",
    "currency_delete",
    "currency_set_company",
    "currency_update",
    "exchange_rate_delete",
    "exchange_rate_set",
    "price_book_create",
    "price_book_delete",
    "price_book_update",
    "price_remove",
    "price_set",
    "product_create",
    "product_delete",
    "product_update",
    "tax_create",
    "tax_delete",
    "tax_update",
]
