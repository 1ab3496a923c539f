from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.enums import BillingPeriod, ProductKind, Unit
from crm.catalog.models.base import SharedRecord
from crm.core.records import record_url


class Product(SharedRecord):
    """Something the company sells: a product, a service or a subscription, identified by its SKU."""

    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    kind = models.CharField(
        _("type"), max_length=20, choices=ProductKind.choices, default=ProductKind.PRODUCT
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.UNIT)
    billing_period = models.CharField(
        _("billing period"), max_length=20, choices=BillingPeriod.choices, blank=True, default=""
    )
    tax = models.ForeignKey(
        "catalog.Tax",
        verbose_name=_("tax"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # what one unit costs the company, in the company currency (empty: not known); sales lines copy it when
    # they are written, so a later change never alters the margin of an order already taken
    cost = models.DecimalField(_("unit cost"), max_digits=18, decimal_places=4, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta(SharedRecord.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(
                fields=["sku"], condition=Q(deleted_at__isnull=True), name="catalog_product_sku_unique"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="catalog_product_cost_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="catalog_product_name_idx"),
            models.Index(fields=["sku", "id"], name="catalog_product_sku_idx"),
            models.Index(fields=["kind", "name", "id"], name="catalog_product_kind_idx"),
            models.Index(fields=["is_active", "name", "id"], name="catalog_product_active_idx"),
            models.Index(fields=["-updated_at", "-id"], name="catalog_product_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        return record_url("catalog:product_detail", self.pk)
