from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.models.base import SharedRecord


class Tax(SharedRecord):
    """A sales tax (IVA 21 %, VAT 20 %): a percentage applied to a line's net amount."""

    name = models.CharField(_("name"), max_length=80)
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(SharedRecord.Meta):
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(deleted_at__isnull=True), name="catalog_tax_name_unique"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="catalog_tax_rate_range"),
        ]

    def __str__(self) -> str:
        return self.name
