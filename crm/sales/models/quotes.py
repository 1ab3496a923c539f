from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.records import Record, record_url
from crm.sales.enums import ApprovalStatus, QuoteStatus
from crm.sales.models.lines import CostedLine, DocumentTotals


class Quote(Record, DocumentTotals):
    """A priced offer to an account, usually from an opportunity. Each revision is its own row: the same `number`
    with the next `revision`, the previous one marked superseded, so what the customer saw is never rewritten."""

    number = models.CharField(_("number"), max_length=30)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    issued_on = models.DateField(_("date"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms and conditions"), blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="")
    approval_status = models.CharField(
        _("discount approval"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.NOT_REQUIRED,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True, default="")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    # who answered through the signed link, as they typed their name, and why they declined
    decided_by_name = models.CharField(_("answered by"), max_length=200, blank=True, default="")
    decision_note = models.TextField(_("customer's comment"), blank=True, default="")
    pdf = models.FileField(_("PDF"), upload_to="quotes/%Y/%m/", blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], name="sales_quote_number_revision_unique"),
        ]
        indexes = [
            models.Index(fields=["opportunity", "-revision"], name="sales_quote_opp_idx"),
            models.Index(fields=["account", "-issued_on"], name="sales_quote_account_idx"),
            models.Index(fields=["owner", "-issued_on", "-id"], name="sales_quote_owner_idx"),
            models.Index(fields=["status", "valid_until"], name="sales_quote_status_idx"),
            models.Index(fields=["-issued_on", "-id"], name="sales_quote_issued_idx"),
            models.Index(
                fields=["deleted_at"], name="sales_quote_deleted_idx", condition=Q(deleted_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}" if self.revision == 1 else f"{self.number} v{self.revision}"

    def get_absolute_url(self) -> str:
        return record_url("sales:quote_detail", self.pk)

    def is_expired_on(self, day: dt.date) -> bool:
        return self.valid_until < day


class QuoteLine(CostedLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(CostedLine.Meta):
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        indexes = [models.Index(fields=["quote", "position"], name="sales_quoteline_quote_idx")]


class QuoteEvent(models.Model):
    """One step of a quote's life (created, submitted, approved, rejected, sent, accepted, declined, revised):
    the rows of the quote's, its opportunity's and its account's timelines."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events")
    # copied from the quote so each timeline reads one index (the quote's account and opportunity never change)
    account = models.ForeignKey("contacts.Account", on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(
        "sales.Opportunity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what happened"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("quote event")
        verbose_name_plural = _("quote events")
        indexes = [
            models.Index(fields=["quote", "-at", "-id"], name="sales_quoteevent_quote_idx"),
            models.Index(fields=["account", "-at", "-id"], name="sales_quoteevent_account_idx"),
            models.Index(fields=["opportunity", "-at", "-id"], name="sales_quoteevent_opp_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.kind}"
