from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OpportunityCube(models.Model):
    """The live opportunities added up per cell, so a pivot over a million deals reads tens of thousands of
    cells instead. A cell is the month of the expected close date, the month the deal closed (none while
    open), an owner, a pipeline, a stage, a status and a currency; it holds the number of deals and, of their
    amounts and probabilities, the sum, the number given, the lowest and the highest.

    Kept like `ForecastMonth`, by the same hook: every service that writes an opportunity recomputes the cells
    the deal left or joined, from their deals and under a row lock (idempotent), in its transaction; a restore
    from the recycle bin does it through its event; `opportunity_cube_rebuild` (`crm forecast rebuild`)
    recomputes them all. Team is read through the owner when asked, so moving a user between teams changes
    nothing here."""

    OWNER_FIELD = "owner"

    cell = models.CharField(max_length=96, unique=True)  # "YYYY-MM:YYYY-MM|-:owner:pipeline:stage:status:CUR"
    close_month = models.DateField()
    closed_month = models.DateField(null=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    pipeline = models.ForeignKey("sales.Pipeline", on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.ForeignKey("sales.Stage", on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    deals = models.PositiveIntegerField(default=0)
    amount_sum = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    amount_count = models.PositiveIntegerField(default=0)  # deals with an amount
    amount_min = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    amount_max = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    probability_sum = models.BigIntegerField(default=0)
    probability_min = models.PositiveSmallIntegerField(null=True)
    probability_max = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("opportunity cube cell")
        verbose_name_plural = _("opportunity cube cells")
        indexes = [
            # a rep's or a manager's cells (the owners they may see)
            models.Index(fields=["owner", "close_month"], name="sales_opp_cube_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"opportunity cube cell {self.cell}"
