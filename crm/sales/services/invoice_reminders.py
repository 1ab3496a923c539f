"""The daily overdue run: issued and partially paid invoices past their due date become `overdue`, and each
overdue invoice with money due gets a payment reminder by email — at most one per `CRM_INVOICE_REMINDER_DAYS`.

Safe to run twice the same day, and on several workers at once: each invoice is handled under its row lock
(`skip_locked`: another worker has it), re-checked there, and a reminder is counted (`reminders_sent`,
`last_reminder_at`) in the same transaction that queues its email; the email leaves after commit."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.sales.enums import InvoiceKind, InvoiceStatus
from crm.sales.models import Invoice

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass
class OverdueRun:
    """What one run did: the numbers of the invoices it flagged overdue and of those it reminded."""

    day: dt.date
    flagged: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)


def reminder_recipient(invoice: Invoice) -> str:
    contact = invoice.contact
    if contact is not None and contact.email and contact.deleted_at is None:
        return str(contact.email)
    return str(invoice.account.email or "")


def _reminder_due(invoice: Invoice, now: dt.datetime) -> bool:
    if invoice.last_reminder_at is None:
        return True
    days = max(1, int(settings.CRM_INVOICE_REMINDER_DAYS))
    return timezone.localdate(invoice.last_reminder_at) <= timezone.localdate(now) - dt.timedelta(days=days)


def _candidates(day: dt.date, after_id: int) -> list[int]:
    return list(
        Invoice.objects.filter(
            Q(status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID), due_date__lt=day)
            | Q(status=InvoiceStatus.OVERDUE),
            kind=InvoiceKind.INVOICE,
            pk__gt=after_id,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def invoices_overdue_run(*, today: dt.date | None = None, now: dt.datetime | None = None) -> OverdueRun:
    """Flag what is overdue and queue the reminders that are due (see the module's docstring)."""
    now = now or timezone.now()
    day = today or timezone.localdate(now)
    run = OverdueRun(day=day)
    after = 0
    while True:
        ids = _candidates(day, after)
        if not ids:
            break
        after = ids[-1]
        for pk in ids:
            _overdue_one(pk, day=day, now=now, run=run)
    return run


def _overdue_one(pk: int, *, day: dt.date, now: dt.datetime, run: OverdueRun) -> None:
    from crm.sales.invoice_tasks import invoice_reminder_send_task

    with transaction.atomic(), audit_context(source="job"):
        invoice = (
            Invoice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("account", "contact")
            .filter(pk=pk)
            .first()
        )
        if invoice is None or not invoice.is_overdue_on(day):
            return
        if invoice.status != InvoiceStatus.OVERDUE:
            invoice.status = InvoiceStatus.OVERDUE
            invoice.version += 1
            invoice.save()
            run.flagged.append(str(invoice))
        if not _reminder_due(invoice, now):
            return
        if not reminder_recipient(invoice):
            run.without_email.append(str(invoice))
            return
        Invoice.objects.filter(pk=invoice.pk).update(
            reminders_sent=invoice.reminders_sent + 1, last_reminder_at=now
        )
        run.reminded.append(str(invoice))
        invoice_id = invoice.pk
        transaction.on_commit(lambda: invoice_reminder_send_task.enqueue(invoice_id))


def invoice_reminder_send(*, invoice_id: int) -> bool:
    """Email the payment reminder of one invoice in its language, with the invoice's PDF. False when there is
    nothing to remind of any more (paid, voided or gone meanwhile) or no address to write to."""
    from crm.sales.invoice_documents import invoice_pdf_render

    invoice = Invoice.objects.select_related("account", "contact").filter(pk=invoice_id).first()
    if invoice is None or invoice.status != InvoiceStatus.OVERDUE or invoice.amount_due <= 0:
        return False
    to = reminder_recipient(invoice)
    if not to:
        return False
    with translation.override(invoice.language):
        context = {"invoice": invoice, "company": settings.CRM_COMPANY_NAME}
        subject = _("Payment reminder: invoice %(number)s") % {"number": invoice.number}
        body = render_to_string("sales/invoices/reminder_email.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[settings.CRM_COMPANY_EMAIL] if settings.CRM_COMPANY_EMAIL else None,
    )
    message.attach(f"{invoice.number}.pdf", invoice_pdf_render(invoice=invoice), "application/pdf")
    message.send()
    return True
