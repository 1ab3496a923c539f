from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.records import Record, record_url
from crm.sales.enums import InvoiceKind, InvoiceStatus, PaymentMethod
from crm.sales.models.lines import DocumentLine, DocumentTotals


class NumberSequence(models.Model):
    """The next number of one series (e.g. `invoice-2026`). Allocated under a row lock inside the transaction that
    uses it, so a rolled-back issue gives its number back: no gaps, no duplicates."""

    key = models.CharField(_("series"), max_length=40, unique=True)
    next_value = models.PositiveBigIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.next_value}"


class Invoice(Record, DocumentTotals):
    """An invoice or a credit note. A draft has no number; issuing it allocates the next number of its series."""

    kind = models.CharField(
        _("type"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=30, null=True, blank=True, unique=True)
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
    delivery = models.ForeignKey(
        "sales.Delivery",
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract = models.ForeignKey(
        "sales.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # a credit note's invoice
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    amount_paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=Decimal(0))
    amount_credited = models.DecimalField(_("credited"), max_digits=14, decimal_places=2, default=Decimal(0))
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="sales_invoice_paid_positive"),
        ]
        indexes = [
            models.Index(fields=["account", "-issue_date"], name="sales_invoice_account_idx"),
            models.Index(fields=["owner", "-created_at", "-id"], name="sales_invoice_owner_idx"),
            models.Index(fields=["order"], name="sales_invoice_order_idx"),
            models.Index(fields=["contract", "-issue_date"], name="sales_invoice_contract_idx"),
            models.Index(fields=["status", "due_date"], name="sales_invoice_status_due_idx"),
            models.Index(fields=["-issue_date", "-id"], name="sales_invoice_issued_idx"),
            models.Index(fields=["credited_invoice"], name="sales_invoice_credited_idx"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    def get_absolute_url(self) -> str:
        return record_url("sales:invoice_detail", self.pk)

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.amount_paid - self.amount_credited

    def is_overdue_on(self, day: dt.date) -> bool:
        return (
            self.status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)
            and self.due_date is not None
            and self.due_date < day
            and self.amount_due > 0
        )


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "sales.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_line = models.ForeignKey(
        "sales.ContractLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # a credit note's line: the invoice line it credits (how much of each line is still creditable)
    credited_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_lines"
    )
    # a recurring line's billing period
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        indexes = [
            models.Index(fields=["invoice", "position"], name="sales_invoiceline_inv_idx"),
            models.Index(fields=["order_line"], name="sales_invoiceline_oline_idx"),
            models.Index(fields=["contract_line", "period_start"], name="sales_invoiceline_cline_idx"),
            models.Index(fields=["credited_line"], name="sales_invoiceline_credited_idx"),
        ]


class Payment(Record):
    """Money received against one invoice (partial payments are several rows)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    # the invoice's account and owner, kept here for the account's panel and the permission scope
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(
        _("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    reference = models.CharField(_("reference"), max_length=100, blank=True, default="")

    class Meta(Record.Meta):
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sales_payment_amount_positive")
        ]
        indexes = [
            models.Index(fields=["invoice", "paid_on"], name="sales_payment_invoice_idx"),
            models.Index(fields=["account", "-paid_on"], name="sales_payment_account_idx"),
            models.Index(fields=["owner", "-paid_on", "-id"], name="sales_payment_owner_idx"),
            models.Index(fields=["-paid_on", "-id"], name="sales_payment_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def get_absolute_url(self) -> str:
        return record_url("sales:invoice_detail", self.invoice_id)
