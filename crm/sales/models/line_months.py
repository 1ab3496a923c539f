from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderLineMonth(models.Model):
    """The lines of the standing orders (not cancelled, not in the recycle bin) added up per cell, so the
    revenue widgets read a few thousand cells instead of every line of the period. A cell is the month of the
    order date, the order's owner and currency, the line's product (none: a free-text line) and the territory
    stored on the order's account (none: no territory); it holds the number of lines and their net amount.

    Kept like `AccountPurchases`, by the same hook (`services/purchases.py`): every service that writes an
    order recomputes the groups (month × owner × currency) the order left or joined, from their lines and under
    the lock of the group's head cell (the one without product and territory), in its transaction; a restore
    through its event; an account's new territory through crm.contacts' `AccountTerritoryChanged`;
    `order_line_month_rebuild` (`crm purchases rebuild`) recomputes them all."""

    OWNER_FIELD = "owner"

    cell = models.CharField(max_length=64, unique=True)  # "YYYY-MM:owner:CUR:product|-:territory|-"
    month = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    currency = models.CharField(max_length=3)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    # the account's stored territory, by id (no foreign key: a territory deleted in crm.core.assignment is
    # re-matched away from the accounts by its run, which then rebuilds the territory part here)
    territory_id = models.PositiveIntegerField(null=True)
    lines = models.PositiveIntegerField(default=0)
    net_amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("order line month")
        verbose_name_plural = _("order line months")
        indexes = [
            # a period's cells, and a rep's or a manager's (the owners they may see), answered from the index
            # alone (a year is tens of thousands of cells: 4× faster on SQLite than reading the rows)
            models.Index(
                fields=["month", "owner", "currency", "product", "territory_id", "lines", "net_amount"],
                name="sales_line_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"order line cell {self.cell}"
