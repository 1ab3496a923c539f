from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import RematchStatus


class TerritoryRematch(models.Model):
    """One pass that matches every account's primary address against the territories again (after
    territories were created, changed or deleted). Progress: the last account id done of the highest one."""

    status = models.CharField(
        _("status"), max_length=12, choices=RematchStatus.choices, default=RematchStatus.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    last_id = models.BigIntegerField(default=0)
    top_id = models.BigIntegerField(default=0)
    seen = models.PositiveBigIntegerField(default=0)
    changed = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"], name="territory_rematch_status_idx")]
        verbose_name = _("territory re-match")
        verbose_name_plural = _("territory re-matches")

    def __str__(self) -> str:
        return f"{self.pk}: {self.status}"

    @property
    def percent(self) -> int:
        if self.status == RematchStatus.DONE:
            return 100
        if self.top_id <= 0:
            return 0
        return min(100, int(100 * self.last_id / self.top_id))
