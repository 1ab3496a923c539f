from crm.catalog.models.currencies import Currency, ExchangeRate
from crm.catalog.models.pricebooks import Price, PriceBook
from crm.catalog.models.products import Product
from crm.catalog.models.taxes import Tax

__all__ = ["Currency", "ExchangeRate", "Price", "PriceBook", "Product", "Tax"]
