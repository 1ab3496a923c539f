from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.models.base import SharedRecord


class Currency(SharedRecord):
    """An ISO 4217 currency the company prices or converts in. One of them is the company currency, in which
    every exchange rate is quoted."""

    code = models.CharField(_("code"), max_length=3)
    name = models.CharField(_("name"), max_length=80, blank=True, default="")
    # minor units (EUR 2, JPY 0, BHD 3), from Babel's CLDR data; every amount in the currency is rounded to it
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    is_company = models.BooleanField(_("company currency"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(SharedRecord.Meta):
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(deleted_at__isnull=True), name="catalog_currency_code_unique"
            ),
            models.UniqueConstraint(
                fields=["is_company"],
                condition=Q(deleted_at__isnull=True, is_company=True),
                name="catalog_one_company_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ExchangeRate(SharedRecord):
    """From `valid_on` on (until the next dated rate), one unit of the company currency buys `rate` units of
    `currency` (ECB style: EUR → USD 1.0850)."""

    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    valid_on = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)

    class Meta(SharedRecord.Meta):
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_on"],
                condition=Q(deleted_at__isnull=True),
                name="catalog_rate_currency_day_unique",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="catalog_rate_positive"),
        ]
        indexes = [models.Index(fields=["currency", "-valid_on"], name="catalog_rate_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.rate} ({self.valid_on})"
