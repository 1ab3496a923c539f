from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Quota(models.Model):
    """What one salesperson is expected to close in one month, in the company currency (quarters and years add
    months up)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month
    amount = models.DecimalField(_("quota"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="sales_quota_user_month_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sales_quota_amount_positive"),
        ]
        indexes = [models.Index(fields=["month", "user"], name="sales_quota_month_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}: {self.amount}"
