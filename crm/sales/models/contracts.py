from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.enums import BillingPeriod
from crm.core.records import Record, record_url
from crm.sales.enums import ContractStatus
from crm.sales.models.lines import DocumentLine, DocumentTotals


class Contract(Record, DocumentTotals):
    """An agreement for a period: its recurring lines invoice themselves, and a renewal opportunity opens
    `renewal_notice_days` before it ends. Totals are one billing of every line."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    renewal_term_months = models.PositiveSmallIntegerField(_("renewal term (months)"), default=12)
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("open the renewal (days before the end)"), default=60
    )
    renewal_opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("renewal opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    renewed_from = models.ForeignKey(
        "self", verbose_name=_("renews"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    terms = models.TextField(_("terms"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="sales_contract_dates"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-start_date"], name="sales_contract_account_idx"),
            models.Index(fields=["owner", "-start_date", "-id"], name="sales_contract_owner_idx"),
            models.Index(fields=["status", "end_date"], name="sales_contract_status_end_idx"),
            models.Index(fields=["end_date", "id"], name="sales_contract_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    def get_absolute_url(self) -> str:
        return record_url("sales:contract_detail", self.pk)


class ContractLine(DocumentLine):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    billing_period = models.CharField(
        _("billed"), max_length=20, choices=BillingPeriod.choices, default=BillingPeriod.MONTHLY
    )
    # the first day of the next period to invoice (None: nothing left to invoice before the end)
    next_invoice_on = models.DateField(_("next invoice on"), null=True, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        indexes = [
            models.Index(fields=["contract", "position"], name="sales_contractline_con_idx"),
            models.Index(fields=["next_invoice_on"], name="sales_contractline_next_idx"),
        ]


class ContractEvent(models.Model):
    """One state change of a contract (created, activated, invoiced, renewal opened, expired, renewed,
    cancelled), kept for the contract's and its account's timelines (keyset-read by `(contract|account, at, id)`)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    # the contract's account, so the account's timeline reads its contracts' events on one index
    account = models.ForeignKey("contacts.Account", on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(_("event"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    detail = models.CharField(_("detail"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        indexes = [
            models.Index(fields=["contract", "-at", "-id"], name="sales_contractevent_con_idx"),
            models.Index(fields=["account", "-at", "-id"], name="sales_contractevent_acc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.contract_id}"
