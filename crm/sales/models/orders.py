from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.records import Record, record_url
from crm.sales.enums import DeliveryStatus, OrderStatus
from crm.sales.models.lines import CostedLine, DocumentTotals


class Order(Record, DocumentTotals):
    """What the customer bought: from an accepted quote (its lines copied) or entered directly."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quote = models.OneToOneField(
        "sales.Quote",
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.CONFIRMED
    )
    ordered_on = models.DateField(_("order date"), default=timezone.localdate)
    customer_reference = models.CharField(_("customer's reference"), max_length=100, blank=True, default="")
    shipping_address = models.TextField(_("shipping address"), blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")
    # when the last line was delivered in full (the end of the dispatch stage)
    delivered_at = models.DateTimeField(_("delivered in full at"), null=True, blank=True)
    # quantity × unit cost summed over the lines whose cost is known; margin = net total − cost total
    cost_total = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, default=Decimal(0))
    # the total in the company currency at the rate of the order date, as a float: exactly float(total) ÷
    # float(rate), what the customer analyses compute; NULL when the currency has no rate on that day (or is
    # unknown). Kept by crm.sales.services.order_company_totals (orders' services, exchange-rate events).
    company_total = models.FloatField(
        _("total in the company currency"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["account", "-ordered_on"], name="sales_order_account_idx"),
            models.Index(fields=["owner", "-ordered_on", "-id"], name="sales_order_owner_idx"),
            models.Index(fields=["opportunity"], name="sales_order_opp_idx"),
            models.Index(fields=["status", "-ordered_on", "-id"], name="sales_order_status_idx"),
            models.Index(fields=["-ordered_on", "-id"], name="sales_order_date_idx"),
            models.Index(
                fields=["deleted_at"], name="sales_order_deleted_idx", condition=Q(deleted_at__isnull=False)
            ),
            models.Index(  # the few orders without a company total, read apart by the customer analyses
                fields=["ordered_on"],
                name="sales_order_unconverted_idx",
                condition=Q(company_total__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return record_url("sales:order_detail", self.pk)

    @property
    def margin_total(self) -> Decimal:
        return self.net_total - self.cost_total


class OrderLine(CostedLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # how much of the line has been delivered and invoiced so far (kept by the delivery and invoice services)
    quantity_delivered = models.DecimalField(
        _("delivered"), max_digits=12, decimal_places=3, default=Decimal(0)
    )
    quantity_invoiced = models.DecimalField(
        _("invoiced"), max_digits=12, decimal_places=3, default=Decimal(0)
    )

    class Meta(CostedLine.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["order", "position"], name="sales_orderline_order_idx")]
        constraints = [
            *CostedLine.Meta.constraints,
            models.CheckConstraint(
                condition=Q(quantity_delivered__gte=0) & Q(quantity_delivered__lte=models.F("quantity")),
                name="sales_orderline_delivered_range",
            ),
            models.CheckConstraint(
                condition=Q(quantity_invoiced__gte=0) & Q(quantity_invoiced__lte=models.F("quantity")),
                name="sales_orderline_invoiced_range",
            ),
        ]

    @property
    def quantity_to_deliver(self) -> Decimal:
        return self.quantity - self.quantity_delivered


class Delivery(Record):
    """One shipment of (part of) an order: which lines, how many, the carrier and its tracking number."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="deliveries"
    )
    # the order's account and owner, kept here so the account's panel and the permission scope need no join
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    carrier = models.CharField(_("carrier"), max_length=100, blank=True, default="")
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True, default="")
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["order", "id"], name="sales_delivery_order_idx"),
            models.Index(fields=["account", "-created_at"], name="sales_delivery_account_idx"),
            models.Index(fields=["owner", "-created_at", "-id"], name="sales_delivery_owner_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="sales_delivery_status_idx"),
            models.Index(fields=["tracking_number"], name="sales_delivery_tracking_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return record_url("sales:delivery_detail", self.pk)


class DeliveryLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    # one serial number per line of text, for products tracked one by one
    serial_numbers = models.TextField(_("serial numbers"), blank=True, default="")

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        indexes = [
            models.Index(fields=["delivery"], name="sales_deliveryline_del_idx"),
            models.Index(fields=["order_line"], name="sales_deliveryline_line_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sales_deliveryline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.quantity} × {self.order_line_id}"
