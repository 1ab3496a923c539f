from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ForecastMonth(models.Model):
    """The opportunities' amounts added up per cell, so the forecast of whole months reads a few thousand cells
    instead of every deal. A cell is a kind, a month, an owner, a pipeline, a stage and a currency:

    - `open`: the live open deals by the month of their expected close date — the sum of their amounts, of
      amount × probability (per cent: the weighted amount × 100) and their number;
    - `closed`: the live deals with a close day (won or lost) by the month they closed.

    The forecast picks the stages it needs when it reads (open stages' forecast categories, the won stages), so
    a stage's flags may change without touching the cells. Every service that writes an opportunity recomputes
    the cells the deal left or joined, from their deals and under a row lock (idempotent), in its transaction;
    `forecast_summary_rebuild` (`crm forecast rebuild`) recomputes them all."""

    OWNER_FIELD = "owner"
    OPEN = "open"
    CLOSED = "closed"

    cell = models.CharField(max_length=96, unique=True)  # "open:YYYY-MM:owner:pipeline:stage:CUR"
    kind = models.CharField(max_length=6)
    month = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    pipeline = models.ForeignKey("sales.Pipeline", on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.ForeignKey("sales.Stage", on_delete=models.CASCADE, related_name="+", db_index=False)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    weighted = models.DecimalField(max_digits=24, decimal_places=2, default=0)  # Σ amount × probability
    deals = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("forecast month")
        verbose_name_plural = _("forecast months")
        indexes = [
            # a period's cells of one kind, answered from the index alone (no table reads)
            models.Index(
                fields=[
                    "kind",
                    "month",
                    "owner",
                    "stage",
                    "currency",
                    "pipeline",
                    "amount",
                    "weighted",
                    "deals",
                ],
                name="sales_forecast_month_idx",
            ),
            # the board's open columns: a stage's cells of every month, counted and summed from the index alone
            models.Index(
                fields=["stage", "kind", "owner", "currency", "amount", "deals"],
                name="sales_forecast_stage_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"forecast cell {self.cell}"
