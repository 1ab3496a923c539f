from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# the milestones of a deal, in the order of the sales cycle (won/lost close it and stand apart)
MILESTONES = (
    "lead_created_at",
    "lead_qualified_at",
    "opportunity_opened_at",
    "quote_sent_at",
    "quote_accepted_at",
    "ordered_at",
    "shipped_at",
    "delivered_at",
    "first_service_at",
)
OUTCOMES = ("won_at", "lost_at")
# the summary's histograms count the gaps between milestones in tenths of a day (the precision the view shows)
GAP_BUCKETS_PER_DAY = 10


class DealLifecycle(models.Model):
    """One row per opportunity: when the deal reached each milestone of the sales cycle (denormalised, kept by
    the sales events' handlers and rebuilt set-based by `lifecycle_rebuild`; the earliest timestamp wins).

    `started_at` is the first milestone (the lead's creation, else the opportunity's opening): the lifecycle view
    takes a period's deals by it. Owner, team and pipeline are copied from the opportunity (and the owner's team)
    so the view filters and groups without joins."""

    OWNER_FIELD = "owner"

    opportunity = models.OneToOneField(
        "sales.Opportunity", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    account = models.ForeignKey(
        "contacts.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    pipeline = models.ForeignKey("sales.Pipeline", on_delete=models.CASCADE, related_name="+", db_index=False)
    started_at = models.DateTimeField(_("started"))
    lead_created_at = models.DateTimeField(_("lead created"), null=True, blank=True)
    lead_qualified_at = models.DateTimeField(_("lead qualified"), null=True, blank=True)
    opportunity_opened_at = models.DateTimeField(_("opportunity opened"), null=True, blank=True)
    quote_sent_at = models.DateTimeField(_("quote sent"), null=True, blank=True)
    quote_accepted_at = models.DateTimeField(_("quote accepted"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    first_service_at = models.DateTimeField(_("first service"), null=True, blank=True)
    won_at = models.DateTimeField(_("won"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal lifecycle")
        verbose_name_plural = _("deal lifecycles")
        indexes = [
            models.Index(fields=["started_at", "pipeline", "owner"], name="sales_lifecycle_started_idx"),
            models.Index(fields=["owner", "started_at"], name="sales_lifecycle_owner_idx"),
            models.Index(fields=["team", "started_at"], name="sales_lifecycle_team_idx"),
            models.Index(fields=["account", "started_at"], name="sales_lifecycle_account_idx"),
            models.Index(fields=["pipeline", "started_at"], name="sales_lifecycle_pipeline_idx"),
        ]

    def __str__(self) -> str:
        return f"lifecycle of {self.opportunity_id}"


class DealLifecycleMonth(models.Model):
    """The lifecycle rows added up per cell — the month (UTC) the deals started, owner, team, pipeline — so the
    lifecycle view of whole months reads a few hundred cells instead of every deal. Kept by the same refresh
    that writes `DealLifecycle` (the touched cells are recomputed from their rows, under a row lock: idempotent)
    and rebuilt whole by `lifecycle_rebuild`.

    `figures` holds, per milestone, how many deals reached it (`counts`), and towards the next one the sum of
    the gaps in seconds (`seconds`, exact averages) and the histogram of the gaps in tenths of a day
    (`gaps`: {"tenths": deals}; medians at the precision the view shows)."""

    OWNER_FIELD = "owner"

    cell = models.CharField(max_length=64, unique=True)  # "YYYY-MM:owner:pipeline:team"
    month = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    pipeline = models.ForeignKey("sales.Pipeline", on_delete=models.CASCADE, related_name="+", db_index=False)
    deals = models.PositiveIntegerField(default=0)
    won = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("deal lifecycle month")
        verbose_name_plural = _("deal lifecycle months")
        indexes = [models.Index(fields=["month", "owner"], name="sales_lifecycle_month_idx")]

    def __str__(self) -> str:
        return f"lifecycle cell {self.cell}"
