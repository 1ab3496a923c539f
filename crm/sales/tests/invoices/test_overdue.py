"""The daily overdue run: flags what is past due, queues one reminder per CRM_INVOICE_REMINDER_DAYS in the
invoice's language, and does nothing more when run twice the same day."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.sales.enums import InvoiceStatus
from crm.sales.models import Invoice
from crm.sales.services.invoice_reminders import invoices_overdue_run
from crm.sales.services.invoices import invoice_issue
from crm.sales.services.payments import payment_record
from crm.sales.tests.invoices.factories import make_invoice

pytestmark = pytest.mark.django_db
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def rep() -> Any:
    return UserFactory()


def _issued(
    rep: Any, *, days_ago: int, email: str = "billing@customer.test", language: str = "en"
) -> Invoice:
    account = AccountFactory(owner=rep, email=email)
    invoice = make_invoice(owner=rep, account=account, payment_terms_days=10, language=language)
    return invoice_issue(
        actor=None, invoice=invoice, issue_date=timezone.localdate() - dt.timedelta(days=days_ago)
    )


@override_settings(TASKS=TASKS, CRM_INVOICE_REMINDER_DAYS=7)
def test_run_flags_and_reminds_once_a_day(rep: Any, django_capture_on_commit_callbacks: Any) -> None:
    late = _issued(rep, days_ago=20)
    partly = _issued(rep, days_ago=15, language="es")
    payment_record(actor=rep, invoice=partly, amount="100.00")  # past due: it stays overdue
    on_time = _issued(rep, days_ago=5)
    paid = _issued(rep, days_ago=30)
    payment_record(actor=rep, invoice=paid, amount=str(paid.total))
    Invoice.objects.filter(pk=partly.pk).update(status=InvoiceStatus.PARTIALLY_PAID)
    with django_capture_on_commit_callbacks(execute=True):
        run = invoices_overdue_run()
    assert sorted(run.flagged) == sorted([late.number, partly.number])
    assert sorted(run.reminded) == sorted([late.number, partly.number])
    statuses = dict(Invoice.objects.values_list("pk", "status"))
    assert statuses[late.pk] == statuses[partly.pk] == InvoiceStatus.OVERDUE
    assert statuses[on_time.pk] == InvoiceStatus.ISSUED and statuses[paid.pk] == InvoiceStatus.PAID
    assert len(mail.outbox) == 2
    by_number = {m.subject.split()[-1]: m for m in mail.outbox}
    assert by_number[late.number].subject.startswith("Payment reminder")
    # the reminder speaks the invoice's language (amounts in its locale's format)
    assert "1110,00\xa0€" in by_number[partly.number].body or "1.110,00\xa0€" in by_number[partly.number].body
    assert "€1,210.00" in by_number[late.number].body
    assert by_number[late.number].to == ["billing@customer.test"]
    assert by_number[late.number].attachments[0][0] == f"{late.number}.pdf"
    late.refresh_from_db()
    assert late.reminders_sent == 1 and late.last_reminder_at is not None

    # the same day again: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        again = invoices_overdue_run()
    assert again.flagged == [] and again.reminded == []
    assert len(mail.outbox) == 2
    assert Invoice.objects.get(pk=late.pk).reminders_sent == 1

    # a week later: one more reminder each, and the invoice that was on time is late now
    with django_capture_on_commit_callbacks(execute=True):
        later = invoices_overdue_run(now=timezone.now() + dt.timedelta(days=7))
    assert later.flagged == [on_time.number]
    assert sorted(later.reminded) == sorted([late.number, partly.number, on_time.number])
    assert len(mail.outbox) == 5
    assert Invoice.objects.get(pk=late.pk).reminders_sent == 2


@override_settings(TASKS=TASKS)
def test_no_email_address_is_reported_not_counted(rep: Any) -> None:
    invoice = _issued(rep, days_ago=20, email="")
    run = invoices_overdue_run()
    assert run.flagged == [invoice.number] and run.without_email == [invoice.number] and run.reminded == []
    assert Invoice.objects.get(pk=invoice.pk).reminders_sent == 0


@override_settings(TASKS=TASKS)
def test_command_prints_what_it_did_and_is_idempotent(rep: Any) -> None:
    invoice = _issued(rep, days_ago=20)
    out = StringIO()
    call_command("invoices", "overdue", stdout=out)
    text = out.getvalue()
    assert f"flagged overdue: 1 ({invoice.number})" in text
    assert f"reminders queued: 1 ({invoice.number})" in text
    out = StringIO()
    call_command("invoices", "overdue", stdout=out)
    assert "flagged overdue: 0" in out.getvalue() and "reminders queued: 0" in out.getvalue()


@override_settings(TASKS=TASKS)
def test_daily_task_runs_the_overdue_run(rep: Any) -> None:
    from crm.sales.invoice_tasks import invoices_overdue_task

    invoice = _issued(rep, days_ago=20)
    result = invoices_overdue_task.enqueue()
    assert result.return_value == {"flagged": 1, "reminded": 1, "without_email": 0}
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OVERDUE
