from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.records import Record, record_url
from crm.sales.enums import OpportunityStatus
from crm.sales.models.lines import DocumentLine

_LIVE = models.Q(deleted_at__isnull=True)


class Opportunity(Record):
    """A deal with an account, moving through the stages of one pipeline until it is won or lost."""

    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    contacts = models.ManyToManyField(
        "contacts.Contact",
        verbose_name=_("contacts"),
        through="sales.OpportunityContact",
        related_name="+",
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    pipeline = models.ForeignKey(
        "sales.Pipeline", verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.ForeignKey(
        "sales.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    close_date = models.DateField(_("expected close date"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    lost_reason = models.CharField(_("lost reason"), max_length=300, blank=True, default="")
    competitors = models.CharField(_("competitors"), max_length=300, blank=True, default="")
    next_step = models.CharField(_("next step"), max_length=300, blank=True, default="")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("in stage since"))
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="sales_opportunity_probability_range"
            ),
        ]
        indexes = [
            # a board column: one stage's cards by close date (keyset), live rows only
            models.Index(
                fields=["stage", "close_date", "id"], name="sales_opp_stage_close_idx", condition=_LIVE
            ),
            # a closed (won/lost) column: the most recently closed first
            models.Index(
                fields=["stage", "-closed_on", "-id"], name="sales_opp_stage_closed_idx", condition=_LIVE
            ),
            # the columns' counts and totals, answered from the index alone (a covering index: SQLite reads the
            # table for a partial index's own condition column unless the index holds it too)
            models.Index(
                fields=["stage", "closed_on", "currency", "owner", "amount", "deleted_at"],
                name="sales_opp_stage_totals_idx",
                condition=_LIVE,
            ),
            models.Index(fields=["account", "close_date"], name="sales_opp_account_idx"),
            models.Index(fields=["owner", "close_date", "id"], name="sales_opp_owner_idx"),
            models.Index(fields=["status", "close_date", "id"], name="sales_opp_status_idx"),
            models.Index(fields=["close_date", "id"], name="sales_opp_close_idx"),
            models.Index(fields=["amount", "id"], name="sales_opp_amount_idx"),
            models.Index(fields=["name", "id"], name="sales_opp_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="sales_opp_updated_idx"),
            models.Index(fields=["deleted_at"], name="sales_opp_deleted_idx"),
            # the forecast: open deals by expected close date, summed per owner, stage and currency from the index
            models.Index(
                fields=[
                    "close_date",
                    "owner",
                    "stage",
                    "currency",
                    "amount",
                    "probability",
                    "status",
                    "deleted_at",
                ],
                name="sales_opp_forecast_open_idx",
                condition=_LIVE & models.Q(status=OpportunityStatus.OPEN),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("sales:opportunity_detail", self.pk)

    @property
    def weighted_amount(self) -> Decimal | None:
        if self.amount is None:
            return None
        return (self.amount * self.probability / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.OPEN


class OpportunityContact(models.Model):
    """A person involved in an opportunity (buyer, champion, …)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("opportunity contact")
        verbose_name_plural = _("opportunity contacts")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="sales_opp_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} – {self.contact_id}"


class StageChange(models.Model):
    """One move of an opportunity between stages (the first row has no `from_stage`: its creation), with the
    time it spent in the stage it left."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        "sales.Stage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey("sales.Stage", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    seconds_in_previous = models.PositiveBigIntegerField(
        _("time in the previous stage"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["opportunity", "-at", "-id"], name="sales_stagechange_opp_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} → {self.to_stage_id}"


class OpportunityLine(DocumentLine):
    """A product the deal is about (from the catalog or described freely): its lines make its amount."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        indexes = [models.Index(fields=["opportunity", "position"], name="sales_oppline_opp_idx")]
