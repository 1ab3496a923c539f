"""The line every sales document shares (opportunity, quote, order, invoice, contract): a product or a free
description, a quantity at a unit price, a discount and a tax; the amounts are stored as computed when the line was
written, so a document's totals never change when the catalog does."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def money_round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class DocumentLine(models.Model):
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=7, decimal_places=4, default=Decimal(0))
    # quantity × unit price − discount, and the tax on it: written by the services with `line_amounts()`
    net_amount = models.DecimalField(_("net amount"), max_digits=14, decimal_places=2, default=Decimal(0))
    tax_amount = models.DecimalField(_("tax amount"), max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        abstract = True
        ordering = ("position", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="%(app_label)s_%(class)s_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="%(app_label)s_%(class)s_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="%(app_label)s_%(class)s_tax_range"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def gross_amount(self) -> Decimal:
        """Quantity × unit price, before the discount."""
        return money_round(self.quantity * self.unit_price)

    @property
    def discount_amount(self) -> Decimal:
        return self.gross_amount - self.net_amount

    @property
    def total(self) -> Decimal:
        return self.net_amount + self.tax_amount

    def line_amounts(self) -> tuple[Decimal, Decimal]:
        """(net, tax) from the line's own quantity, price, discount and tax rate."""
        net = money_round(
            self.quantity * self.unit_price * (Decimal(100) - self.discount_percent) / Decimal(100)
        )
        return net, money_round(net * self.tax_rate / Decimal(100))


class CostedLine(DocumentLine):
    """A line that also keeps what it costs the company (quotes and orders): `unit_cost` is copied from the
    catalog in the document's currency when the line is written — or typed in — so a later cost change never
    alters an order's margin. Empty when not known; such a line counts at zero cost in the margin analyses."""

    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(DocumentLine.Meta):
        abstract = True
        constraints = [
            *DocumentLine.Meta.constraints,
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="%(app_label)s_%(class)s_cost_not_negative",
            ),
        ]

    @property
    def cost_amount(self) -> Decimal | None:
        """Quantity × unit cost (None: the cost is not known)."""
        return None if self.unit_cost is None else money_round(self.quantity * self.unit_cost)

    @property
    def margin(self) -> Decimal | None:
        """Net amount − quantity × unit cost (None: the cost is not known)."""
        cost = self.cost_amount
        return None if cost is None else self.net_amount - cost


def cost_total_of(lines: list[CostedLine]) -> Decimal:
    """The summed cost of the lines whose cost is known (the order's stored `cost_total`)."""
    return sum((line.cost_amount or Decimal(0) for line in lines), Decimal(0))


class DocumentTotals(models.Model):
    """The stored totals of a document with lines, in its own currency (recomputed by the services whenever a line
    changes, so lists and reports read them without summing lines)."""

    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=Decimal(0))
    discount_total = models.DecimalField(_("discounts"), max_digits=14, decimal_places=2, default=Decimal(0))
    net_total = models.DecimalField(_("net total"), max_digits=14, decimal_places=2, default=Decimal(0))
    tax_total = models.DecimalField(_("taxes"), max_digits=14, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        abstract = True

    def totals_from(self, lines: list[DocumentLine]) -> None:
        """Set the totals from `lines` (each with its net and tax amounts already computed)."""
        self.subtotal = sum((line.gross_amount for line in lines), Decimal(0))
        self.net_total = sum((line.net_amount for line in lines), Decimal(0))
        self.discount_total = self.subtotal - self.net_total
        self.tax_total = sum((line.tax_amount for line in lines), Decimal(0))
        self.total = self.net_total + self.tax_total
