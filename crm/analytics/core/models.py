"""The analytics app's shared tables: analysis runs (the refresh jobs and their results) and the per-account
figures the customer analyses store, which list filters and saved views read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.analytics.core.enums import AbcClass, RfmSegment, RunStatus


class AnalysisRun(models.Model):
    """One refresh of one analysis: queued by a user or the scheduler, executed by a background job.

    `result` holds what the analysis page shows (JSON-safe summary: curves, tables, fit diagnostics); per-account
    figures go to CustomerInsight. The newest finished run of a kind is what the UI shows, with its finish time.
    """

    kind = models.CharField(_("analysis"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent, 0-100
    message = models.CharField(_("message"), max_length=250, blank=True, default="")
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "status", "-finished_at"], name="analytics_run_kind_idx")]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class CustomerInsight(models.Model):
    """The customer analyses' per-account figures (one row per account that has any), money in the company
    currency. Each analysis owns its columns and stamps its `*_computed_at`; a column is null when that
    analysis has not scored the account."""

    account = models.OneToOneField(
        "contacts.Account", on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    # transactions summary (written by whichever analysis reads the transactions first)
    first_purchase_on = models.DateField(_("first purchase"), null=True, blank=True)
    last_purchase_on = models.DateField(_("last purchase"), null=True, blank=True)
    purchases = models.PositiveIntegerField(_("purchases"), null=True, blank=True)
    revenue = models.DecimalField(_("revenue"), max_digits=16, decimal_places=2, null=True, blank=True)
    # Pareto / ABC
    revenue_rank_share = models.FloatField(_("cumulative revenue share"), null=True, blank=True)
    abc_class = models.CharField(
        _("ABC class"), max_length=1, choices=AbcClass.choices, blank=True, default=""
    )
    pareto_computed_at = models.DateTimeField(null=True, blank=True)
    # RFM
    recency_days = models.PositiveIntegerField(_("recency (days)"), null=True, blank=True)
    r_score = models.PositiveSmallIntegerField(_("R"), null=True, blank=True)
    f_score = models.PositiveSmallIntegerField(_("F"), null=True, blank=True)
    m_score = models.PositiveSmallIntegerField(_("M"), null=True, blank=True)
    rfm_segment = models.CharField(
        _("RFM segment"), max_length=30, choices=RfmSegment.choices, blank=True, default=""
    )
    rfm_computed_at = models.DateTimeField(null=True, blank=True)
    # lifetime value (BG/NBD + Gamma-Gamma)
    expected_purchases = models.FloatField(_("expected purchases"), null=True, blank=True)
    p_alive = models.FloatField(_("probability alive"), null=True, blank=True)
    expected_order_value = models.DecimalField(
        _("expected order value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    clv = models.DecimalField(_("lifetime value"), max_digits=16, decimal_places=2, null=True, blank=True)
    clv_computed_at = models.DateTimeField(null=True, blank=True)
    # churn risk (supervised model)
    churn_risk = models.FloatField(_("churn risk"), null=True, blank=True)
    churn_factors = models.JSONField(_("churn factors"), default=list, blank=True)
    churn_computed_at = models.DateTimeField(null=True, blank=True)
    # acquisition cohort (month of the first purchase)
    cohort_month = models.DateField(_("cohort"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["abc_class"], name="analytics_insight_abc_idx"),
            models.Index(fields=["rfm_segment"], name="analytics_insight_rfm_idx"),
            models.Index(fields=["-clv"], name="analytics_insight_clv_idx"),
            models.Index(fields=["-churn_risk"], name="analytics_insight_churn_idx"),
            models.Index(fields=["cohort_month"], name="analytics_insight_cohort_idx"),
        ]
        verbose_name = _("customer insight")
        verbose_name_plural = _("customer insights")

    def __str__(self) -> str:
        return f"insight for account {self.account_id}"
