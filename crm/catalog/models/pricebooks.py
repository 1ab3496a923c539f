from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.models.base import SharedRecord


class PriceBook(SharedRecord):
    """A list of unit prices in one currency, for every customer (`segment` empty) or for one customer segment
    (e.g. "wholesale"), optionally valid only between two dates."""

    name = models.CharField(_("name"), max_length=120)
    currency = models.ForeignKey(
        "catalog.Currency", verbose_name=_("currency"), on_delete=models.PROTECT, related_name="+"
    )
    segment = models.CharField(_("customer segment"), max_length=40, blank=True, default="")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True, default="")

    class Meta(SharedRecord.Meta):
        verbose_name = _("price book")
        verbose_name_plural = _("price books")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(deleted_at__isnull=True), name="catalog_pricebook_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["currency", "segment"], name="catalog_pricebook_pick_idx")]

    def __str__(self) -> str:
        return self.name


class Price(SharedRecord):
    """The unit price of one product in one price book (in the book's currency, rounded to its minor units)."""

    price_book = models.ForeignKey(
        PriceBook, verbose_name=_("price book"), on_delete=models.PROTECT, related_name="prices"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="prices"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)

    class Meta(SharedRecord.Meta):
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["price_book", "product"],
                condition=Q(deleted_at__isnull=True),
                name="catalog_price_book_product_unique",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="catalog_price_not_negative"),
        ]
        indexes = [models.Index(fields=["product", "price_book"], name="catalog_price_product_idx")]

    def __str__(self) -> str:
        return f"{self.unit_price}"
