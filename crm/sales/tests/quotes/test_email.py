"""The quote email through a real SMTP server (aiosmtpd on a local port): the job renders the PDF, sends the
email in the quote's language with the PDF attached and the signed link, and the link opens the quote."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote
from crm.sales.services.quotes import quote_create, quote_send

pytestmark = pytest.mark.django_db


def test_quote_email_round_trip_through_smtp(
    rep: Any,
    account: Any,
    contact: Any,
    priced: Any,
    smtp_server: Any,
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.CRM_PUBLIC_URL = "https://crm.example.com"
    quote = quote_create(
        actor=rep,
        account=account,
        contact=contact,
        lines=[{"product_id": priced["laptop"].pk, "quantity": 1}],
    )
    assert quote.language == "es"

    with django_capture_on_commit_callbacks(execute=True):
        quote_send(actor=rep, quote=quote, to=contact.email)

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ana@acme.example"
    assert smtp_server.received[0].rcpt_tos == ["ana@acme.example"]
    assert "Q-00001" in message["Subject"] and "Demo Company" in message["Subject"]
    [attachment] = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert attachment.get_content().startswith(b"%PDF")
    assert attachment.get_filename().endswith(".pdf")
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https://crm\.example\.com(/q/[^\s]+/)", text)
    assert match, text

    stored = Quote.objects.get(pk=quote.pk)
    assert stored.status == QuoteStatus.SENT and stored.sent_at is not None

    page = Client().get(match.group(1))
    assert page.status_code == 200 and "Q-00001" in page.content.decode()
