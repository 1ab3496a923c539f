from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")
    OMITTED = "omitted", _("Omitted")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("quote status", "Draft")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("quote status", "Approved")
    SENT = "sent", pgettext_lazy("quote status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
    DECLINED = "declined", pgettext_lazy("quote status", "Declined")
    EXPIRED = "expired", pgettext_lazy("quote status", "Expired")
    SUPERSEDED = "superseded", pgettext_lazy("quote status", "Superseded")


class ApprovalStatus(models.TextChoices):
    """Whether a quote's discounts need a manager's approval (above the configured limit)."""

    NOT_REQUIRED = "not_required", _("Not required")
    PENDING = "pending", pgettext_lazy("approval status", "Pending")
    APPROVED = "approved", pgettext_lazy("approval status", "Approved")
    REJECTED = "rejected", pgettext_lazy("approval status", "Rejected")


class OrderStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery status", "Pending")
    SHIPPED = "shipped", pgettext_lazy("delivery status", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("delivery status", "Cancelled")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("invoice status", "Draft")
    ISSUED = "issued", pgettext_lazy("invoice status", "Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    OVERDUE = "overdue", pgettext_lazy("invoice status", "Overdue")
    VOID = "void", pgettext_lazy("invoice status", "Void")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    OTHER = "other", pgettext_lazy("payment method", "Other")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "Draft")
    ACTIVE = "active", pgettext_lazy("contract status", "Active")
    EXPIRED = "expired", pgettext_lazy("contract status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("contract status", "Cancelled")
    RENEWED = "renewed", pgettext_lazy("contract status", "Renewed")


class AssetStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("asset status", "Active")
    EXPIRED = "expired", pgettext_lazy("asset status", "Expired")
    RETURNED = "returned", pgettext_lazy("asset status", "Returned")
