"""The daily quote expiry: a sent quote whose validity date has passed becomes expired — the customer can no
longer answer it (the signed link already refused that), and the lists and reports show it as expired instead
of waiting for an answer. Run by the worker once a day (`quotes_expire_task`) and by `crm quotes expire`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote, QuoteEvent

EXPIRE_CHUNK = 500  # quotes per transaction


@dataclass
class QuoteExpiryRun:
    day: dt.date
    expired: list[str] = field(default_factory=list)  # the quotes' labels (number and revision)


def quotes_expire(*, today: dt.date | None = None, chunk: int = EXPIRE_CHUNK) -> QuoteExpiryRun:
    """Every live sent quote valid until before `today` (default: the local date) becomes `expired`, with an
    `expired` event on its timelines; audited as the caller's context (the job, the command). Idempotent: an
    expired quote is not touched again, and a quote answered or revised meanwhile is left as it is (each one is
    re-read under a row lock)."""
    day = today or timezone.localdate()
    run = QuoteExpiryRun(day=day)
    due = Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=day)
    last = 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            now = timezone.now()
            for quote in due.select_for_update().filter(pk__in=ids).order_by("pk"):
                quote.status = QuoteStatus.EXPIRED
                quote.version += 1
                with audit_context(reason=_("Its validity date passed without an answer")):
                    quote.save(update_fields=["status", "version", "updated_at"])
                QuoteEvent.objects.create(
                    quote=quote,
                    account_id=quote.account_id,
                    opportunity_id=quote.opportunity_id,
                    kind="expired",
                    at=now,
                    note=quote.valid_until.isoformat(),
                )
                run.expired.append(quote.label)
    return run
