"""The public web-to-lead form: rate limit per client (in the database, so every process agrees), honeypot,
required consent, then `lead_create` as the system."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from crm.contacts.enums import Consent
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput
from crm.leads.enums import LeadSource
from crm.leads.errors import WebFormRateLimited
from crm.leads.models import Lead, WebFormHit
from crm.leads.services.leads import lead_create

WEB_FIELDS = ("first_name", "last_name", "company", "job_title", "email", "phone", "country", "need")


def webform_limit() -> tuple[int, int]:
    """(submissions allowed, per window of seconds) for one client."""
    return (
        int(getattr(settings, "CRM_WEB_TO_LEAD_LIMIT", 5)),
        int(getattr(settings, "CRM_WEB_TO_LEAD_WINDOW", 3600)),
    )


def webform_client_key(ip: str) -> str:
    """The rate limit's key for an IP address: a keyed hash, so no address is stored."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:40]


def webform_hit(*, client: str) -> None:
    """Count one submission from `client`; WebFormRateLimited (429) past the limit of the current window.
    Runs in its own transaction (the count stays even when the submission is refused afterwards)."""
    limit, window = webform_limit()
    now = int(time.time())
    start = now - now % window
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebFormHit.objects.get_or_create(client=client, window=start)
        except IntegrityError:  # another process created the row at the same moment
            pass
        WebFormHit.objects.filter(client=client, window=start).update(hits=F("hits") + 1)
        hits = WebFormHit.objects.filter(client=client, window=start).values_list("hits", flat=True).first()
    WebFormHit.objects.filter(window__lt=start - window).delete()
    if (hits or 0) > limit:
        raise WebFormRateLimited()


@transaction.atomic
def web_lead_capture(*, data: dict[str, Any], page: str = "") -> Lead | None:
    """A lead from the public form. A filled honeypot (`homepage`) is a bot: nothing is stored and None is
    returned, so the bot sees the same thank-you. Consent is required."""
    if str(data.get("homepage") or "").strip():
        return None
    if not data.get("consent"):
        raise InvalidInput(field_errors={"consent": [_("Tick the box to agree to be contacted.")]})
    fields = {name: data.get(name) or "" for name in WEB_FIELDS}
    need = fields.pop("need")
    page = str(page or "")[:200]
    with audit_context(reason=_("Web form")):
        return lead_create(
            actor=None,
            source=LeadSource.WEB_FORM,
            source_detail=page,
            email_consent=Consent.GRANTED,
            consent_source=(_("Web form") + (f": {page}" if page else ""))[:200],
            need=str(need)[:5000],
            **fields,
        )
