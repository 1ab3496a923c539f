from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError


class CatalogError(DomainError):
    code = "catalog_error"


class PriceNotFound(CatalogError):
    """No active price book in the currency (and segment) has a price for the product on that date."""

    code = "price_not_found"
    status = 404
    default_message = _("No price book has a price for this product in this currency on this date.")


class ExchangeRateMissing(CatalogError):
    """A conversion needs a rate dated on or before the day, and there is none."""

    code = "exchange_rate_missing"
    status = 422
    default_message = _("There is no exchange rate for this currency on or before this date.")


class CompanyCurrencyMissing(CatalogError):
    code = "company_currency_missing"
    status = 422
    default_message = _("No company currency is set. An administrator sets it under Currencies.")


class RecordInUse(CatalogError):
    """A currency or tax still used by live records cannot be deleted."""

    code = "in_use"
    status = 409
    default_message = _("This record is still in use and cannot be deleted.")
