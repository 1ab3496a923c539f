from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountPurchases(models.Model):
    """The orders that stand (not cancelled, not in the recycle bin) added up per account and order owner: the
    first and the last order date and the number of orders, so "which customers ordered when" reads one row per
    account and owner instead of every order (the dashboards' new / active / lapsed customers).

    Every service that writes an order (create, header edit, cancel, account merge; the restore from the recycle
    bin through its domain event) recomputes the rows the order left or joined from their orders, under a row
    lock, in its transaction; `account_purchases_rebuild` (`crm purchases rebuild`) recomputes them all."""

    OWNER_FIELD = "owner"

    account = models.ForeignKey(
        "contacts.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # null only inside the writing transaction, between a row's creation and its recomputation
    first_on = models.DateField(null=True)
    last_on = models.DateField(null=True)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("account purchases")
        verbose_name_plural = _("account purchases")
        constraints = [models.UniqueConstraint(fields=["account", "owner"], name="sales_purchases_key")]
        indexes = [
            # an owner's (or a team's) rows, answered from the index alone
            models.Index(
                fields=["owner", "account", "first_on", "last_on"], name="sales_purchases_owner_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"purchases of account {self.account_id} with owner {self.owner_id}"
