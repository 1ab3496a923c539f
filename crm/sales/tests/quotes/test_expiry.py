"""The daily quote expiry: a sent quote past its validity date becomes expired (with a timeline event, audited
as the job); drafts, answered, superseded, deleted and still valid quotes are left as they are; a second run
changes nothing. The command and the worker's job run the same service."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from crm.core.audit.models import AuditEntry
from crm.core.audit.services import record_soft_delete
from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote, QuoteEvent
from crm.sales.quote_timeline import quote_event_title
from crm.sales.services.quote_expiry import quotes_expire
from crm.sales.services.quotes import quote_accept, quote_create, quote_deliver, quote_send

pytestmark = pytest.mark.django_db


def _quote(rep: Any, account: Any, priced: dict[str, Any], *, sent: bool = True) -> Quote:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": "1"}]
    )
    if sent:
        quote_send(actor=rep, quote=quote, to="ana@acme.example", enqueue=False)
        quote_deliver(quote_id=quote.pk, actor_id=rep.pk)
    quote.refresh_from_db()
    return quote


def _valid_until(quote: Quote, day: dt.date) -> None:
    Quote.all_objects.filter(pk=quote.pk).update(valid_until=day)


def test_sent_quotes_past_their_date_expire_and_nothing_else_changes(
    rep: Any, account: Any, priced: dict[str, Any]
) -> None:
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    past = _quote(rep, account, priced)
    on_the_day = _quote(rep, account, priced)  # valid until today: still valid today
    draft = _quote(rep, account, priced, sent=False)
    accepted = _quote(rep, account, priced)
    quote_accept(quote=accepted, name="Ana")
    deleted = _quote(rep, account, priced)
    record_soft_delete(instance=deleted, actor=None)
    for q in (past, draft, accepted, deleted):
        _valid_until(q, yesterday)
    _valid_until(on_the_day, today)
    before = {q.pk: Quote.all_objects.get(pk=q.pk).status for q in (on_the_day, draft, accepted, deleted)}
    version = Quote.objects.get(pk=past.pk).version

    run = quotes_expire()

    assert run.day == today and run.expired == [past.label]
    past.refresh_from_db()
    assert past.status == QuoteStatus.EXPIRED and past.version == version + 1
    event = QuoteEvent.objects.get(quote=past, kind="expired")
    assert event.actor is None and event.note == yesterday.isoformat()
    assert quote_event_title("expired", quote=past.label, actor="", note=event.note) == (
        f"Quote {past.label} expired without an answer"
    )
    assert {q: Quote.all_objects.get(pk=q).status for q in before} == before
    change = (
        AuditEntry.objects.filter(object_type="sales.quote", object_id=past.pk, action="update")
        .order_by("-id")
        .first()
    )
    assert change is not None and change.reason == "Its validity date passed without an answer"
    assert [c["field"] for c in change.changes if c["field"] == "status"] == ["status"]
    # idempotent: nothing left to expire
    assert quotes_expire().expired == []
    assert QuoteEvent.objects.filter(kind="expired").count() == 1


def test_a_given_day_decides_what_has_expired(rep: Any, account: Any, priced: dict[str, Any]) -> None:
    quote = _quote(rep, account, priced)
    assert quotes_expire(today=quote.valid_until).expired == []
    assert quotes_expire(today=quote.valid_until + dt.timedelta(days=1)).expired == [quote.label]


def test_the_command_expires_and_reports(rep: Any, account: Any, priced: dict[str, Any]) -> None:
    quote = _quote(rep, account, priced)
    later = (quote.valid_until + dt.timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("quotes", "expire", "--date", later, stdout=out)
    assert f"Quote expiry for {later}:" in out.getvalue() and f"expired: 1 ({quote.label})" in out.getvalue()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.EXPIRED
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("quotes", "expire", "--date", "31/05/2026")


def test_the_daily_job_runs_the_expiry(rep: Any, account: Any, priced: dict[str, Any], settings: Any) -> None:
    from crm.sales.tasks import quotes_expire_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    quote = _quote(rep, account, priced)
    _valid_until(quote, timezone.localdate() - dt.timedelta(days=3))
    assert quotes_expire_task.enqueue().return_value == 1
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.EXPIRED
    assert quotes_expire_task.enqueue().return_value == 0
