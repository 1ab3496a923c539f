from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.core.records import Record, record_url
from crm.sales.enums import AssetStatus


class Asset(Record):
    """Something the customer owns (the installed base): each delivered product line becomes one, or one per serial
    number; its warranty or entitlement runs until `warranty_until`."""

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    # the account's relationship manager when the asset was recorded (the permission scope)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal(1))
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=AssetStatus.choices, default=AssetStatus.ACTIVE
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery_line = models.ForeignKey(
        "sales.DeliveryLine",
        verbose_name=_("delivery line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract = models.ForeignKey(
        "sales.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_asset_quantity_positive")
        ]
        indexes = [
            models.Index(fields=["account", "status", "-delivered_on"], name="sales_asset_account_idx"),
            # "which customers own product X"
            models.Index(fields=["product", "status", "account"], name="sales_asset_product_idx"),
            # "whose warranty ends this month"
            models.Index(fields=["warranty_until", "id"], name="sales_asset_warranty_idx"),
            models.Index(fields=["serial_number"], name="sales_asset_serial_idx"),
            models.Index(fields=["owner", "-created_at", "-id"], name="sales_asset_owner_idx"),
            models.Index(fields=["delivery_line"], name="sales_asset_delivery_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.serial_number}" if self.serial_number else self.name

    def get_absolute_url(self) -> str:
        return record_url("sales:asset_detail", self.pk)
