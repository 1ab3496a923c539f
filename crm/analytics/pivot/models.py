from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.analytics.pivot.enums import Frequency


class SavedReport(models.Model):
    """A pivot definition saved by its owner, private or shared with a team (who may view and run it)."""

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "identity.Team",
        verbose_name=_("shared with team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        indexes = [
            models.Index(fields=["owner", "name"], name="pivot_report_owner_idx"),
            models.Index(fields=["team", "name"], name="pivot_report_team_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportSchedule(models.Model):
    """A saved report emailed as CSV to its recipients, daily, weekly or monthly, by the background worker."""

    report = models.OneToOneField(SavedReport, on_delete=models.CASCADE, related_name="schedule")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    next_run_at = models.DateTimeField(_("next run"))
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        indexes = [models.Index(fields=["next_run_at"], name="pivot_schedule_due_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.frequency}"
