"""Quote pages: the list, the record page and its actions, the editors, the account panel, and the customer's
public page behind the signed link."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from crm.catalog import services as catalog_services
from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote, QuoteLine
from crm.sales.selectors.quotes import LINK_SALT, quote_token
from crm.sales.services.quotes import quote_create, quote_deliver, quote_revise, quote_send

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sent(rep: Any, account: Any, priced: Any, **kwargs: Any) -> Quote:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}], **kwargs
    )
    quote_send(actor=rep, quote=quote, to="ana@acme.example", enqueue=False)
    quote_deliver(quote_id=quote.pk)
    quote.refresh_from_db()
    return quote


# --- staff pages ------------------------------------------------------------------------------------------------
def test_new_quote_from_the_opportunity_page(rep: Any, opportunity: Any) -> None:
    client = _client(rep)
    page = client.get(reverse("sales:opportunity_detail", args=[opportunity.pk]))
    assert reverse("sales:quote_create_for_opportunity", args=[opportunity.pk]) in page.content.decode()
    response = client.post(reverse("sales:quote_create_for_opportunity", args=[opportunity.pk]))
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "sales:quote_lines", args=[quote.pk]
    )
    assert quote.opportunity_id == opportunity.pk


def test_record_page_shows_lines_totals_and_actions(rep: Any, account: Any, priced: Any) -> None:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 2}]
    )
    html = _client(rep).get(reverse("sales:quote_detail", args=[quote.pk])).content.decode()
    assert "Laptop Pro" in html and "€2,420.00" in html  # 2 × 1,000 + 21 % tax
    assert reverse("sales:quote_send", args=[quote.pk]) in html
    assert reverse("sales:quote_pdf", args=[quote.pk]) in html
    assert reverse("sales:quote_lines", args=[quote.pk]) in html


def test_lines_editor_saves_lines_and_shows_errors_inline(rep: Any, account: Any, priced: Any) -> None:
    quote = quote_create(actor=rep, account=account)
    client = _client(rep)
    url = reverse("sales:quote_lines", args=[quote.pk])
    assert client.get(url).status_code == 200
    form = {
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": str(priced["laptop"].pk),
        "lines-0-quantity": "1",
        "lines-0-discount_percent": "",
        "lines-1-description": "Setup",
        "lines-1-quantity": "-2",
        "lines-1-unit_price": "50",
        "version": str(quote.version),
    }
    bad = client.post(url, form)
    assert bad.status_code == 422
    assert "Enter a quantity greater than 0." in bad.content.decode()
    assert not QuoteLine.objects.filter(quote=quote).exists()
    form["lines-1-quantity"] = "2"
    ok = client.post(url, form)
    assert ok.status_code == 302
    assert Quote.objects.get(pk=quote.pk).total == Decimal("1210.00") + Decimal("100.00")


def test_edit_form_refuses_a_past_validity_inline(rep: Any, account: Any) -> None:
    quote = quote_create(actor=rep, account=account)
    response = _client(rep).post(
        reverse("sales:quote_update", args=[quote.pk]),
        {"valid_until": "2000-01-01", "language": "en", "version": quote.version},
    )
    assert response.status_code == 200 and "at least until its own date" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).valid_until == quote.valid_until


def test_send_from_the_page_queues_the_job(
    rep: Any, account: Any, priced: Any, django_capture_on_commit_callbacks: Any
) -> None:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(rep).post(
            reverse("sales:quote_send", args=[quote.pk]), {"to": "ana@acme.example", "version": quote.version}
        )
    assert response.status_code == 302 and len(callbacks) == 1
    assert Quote.objects.get(pk=quote.pk).sent_to == "ana@acme.example"


def test_manager_approves_from_the_page(rep: Any, manager: Any, account: Any, priced: Any) -> None:
    quote = quote_create(
        actor=rep,
        account=account,
        lines=[{"product_id": priced["laptop"].pk, "quantity": 1, "discount_percent": 50}],
    )
    _client(rep).post(reverse("sales:quote_submit", args=[quote.pk]))
    html = _client(manager).get(reverse("sales:quote_detail", args=[quote.pk])).content.decode()
    assert reverse("sales:quote_approve", args=[quote.pk]) in html
    _client(manager).post(reverse("sales:quote_approve", args=[quote.pk]))
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.APPROVED


def test_pdf_download(rep: Any, account: Any, priced: Any) -> None:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}]
    )
    response = _client(rep).get(reverse("sales:quote_pdf", args=[quote.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert 'filename="Q-00001.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Q-00001" in text and "Laptop Pro" in text and "1,210.00" in text and "Demo Company" in text, text


def test_list_page_and_its_query_count(rep: Any, account: Any) -> None:
    client = _client(rep)
    quote_create(actor=rep, account=account)
    client.get(reverse("sales:quote_list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("sales:quote_list")).status_code == 200
    for _ in range(4):
        quote_create(actor=rep, account=account)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("sales:quote_list")).content.decode()
    assert "Q-00005" in html
    assert len(many) == len(few)


def test_account_panel_lists_quotes(rep: Any, account: Any) -> None:
    quote_create(actor=rep, account=account)
    html = _client(rep).get(reverse("sales:account_quotes", args=[account.pk])).content.decode()
    assert "Q-00001" in html


def test_other_team_cannot_open_the_quote(rep: Any, other_rep: Any, account: Any) -> None:
    quote = quote_create(actor=rep, account=account)
    assert _client(other_rep).get(reverse("sales:quote_detail", args=[quote.pk])).status_code == 404


# --- the customer's page -------------------------------------------------------------------------------------------
def test_public_page_shows_the_quote_in_its_language_without_login(
    rep: Any, account: Any, priced: Any, contact: Any
) -> None:
    quote = _sent(rep, account, priced, contact=contact)
    assert quote.language == "es"
    response = Client().get(reverse("sales:quote_public", args=[quote_token(quote=quote)]))
    html = response.content.decode()
    assert response.status_code == 200 and "Laptop Pro" in html
    assert 'lang="es"' in html


def test_public_accept_and_a_second_answer_is_refused(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    token = quote_token(quote=quote)
    client = Client()
    missing = client.post(reverse("sales:quote_public_accept", args=[token]), {"name": ""})
    assert missing.status_code == 422
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    done = client.post(reverse("sales:quote_public_accept", args=[token]), {"name": "Ana García"})
    assert done.status_code == 200 and "accepted" in done.content.decode()
    again = client.post(reverse("sales:quote_public_decline", args=[token]), {"comment": "changed my mind"})
    assert again.status_code == 409 and "already been answered" in again.content.decode()
    stored = Quote.objects.get(pk=quote.pk)
    assert stored.status == QuoteStatus.ACCEPTED and stored.decision_note == ""


def test_public_decline_with_a_comment(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    response = Client().post(
        reverse("sales:quote_public_decline", args=[quote_token(quote=quote)]), {"comment": "Over budget"}
    )
    assert response.status_code == 200
    stored = Quote.objects.get(pk=quote.pk)
    assert stored.status == QuoteStatus.DECLINED and stored.decision_note == "Over budget"


def test_tampered_token_is_refused_and_changes_nothing(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    token = quote_token(quote=quote)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    forged = signing.dumps({"q": quote.pk, "u": "2099-01-01"}, salt="another-salt")
    for bad in (tampered, forged, "nonsense"):
        response = Client().post(reverse("sales:quote_public_accept", args=[bad]), {"name": "Mallory"})
        assert response.status_code == 404 and "not valid" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    assert signing.loads(token, salt=LINK_SALT)["q"] == quote.pk


def test_expired_quote_cannot_be_accepted_from_the_page(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    token = quote_token(quote=quote)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    page = Client().get(reverse("sales:quote_public", args=[token]))
    assert "has expired" in page.content.decode() and 'name="name"' not in page.content.decode()
    response = Client().post(reverse("sales:quote_public_accept", args=[token]), {"name": "Ana"})
    assert response.status_code == 409
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT


def test_superseded_quote_cannot_be_accepted_from_the_page(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    token = quote_token(quote=quote)
    quote_revise(actor=rep, quote=quote)
    response = Client().post(reverse("sales:quote_public_accept", args=[token]), {"name": "Ana"})
    assert response.status_code == 409 and "newer version" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SUPERSEDED


def test_editors_of_a_sent_quote_send_back_to_the_quote(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(rep, account, priced)
    client = _client(rep)
    for name in ("sales:quote_lines", "sales:quote_update"):
        response = client.get(reverse(name, args=[quote.pk]))
        assert response.status_code == 302 and response["Location"] == reverse(
            "sales:quote_detail", args=[quote.pk]
        )
    response = client.post(
        reverse("sales:quote_lines", args=[quote.pk]), {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 302
    assert QuoteLine.objects.filter(quote=quote).count() == 1


def test_lines_editor_keeps_and_edits_unit_costs(rep: Any, account: Any, priced: Any) -> None:
    catalog_services.product_update(actor=None, product=priced["laptop"], cost="600")
    priced["laptop"].refresh_from_db()
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}]
    )
    client = _client(rep)
    url = reverse("sales:quote_lines", args=[quote.pk])
    assert 'value="600.00"' in client.get(url).content.decode()  # the cost kept on the line
    form = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": str(priced["laptop"].pk),
        "lines-0-quantity": "1",
        "lines-0-unit_cost": "600.00",
        "lines-1-description": "Setup",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "50",
        "lines-1-unit_cost": "abc",
        "version": str(quote.version),
    }
    bad = client.post(url, form)
    assert bad.status_code == 422 and "Enter a unit cost of zero or more." in bad.content.decode()
    assert list(QuoteLine.objects.filter(quote=quote).values_list("unit_cost", flat=True)) == [
        Decimal("600.00")
    ]
    form["lines-1-unit_cost"] = "20"
    assert client.post(url, form).status_code == 302
    costs = QuoteLine.objects.filter(quote=quote).order_by("position").values_list("unit_cost", flat=True)
    assert list(costs) == [Decimal("600.00"), Decimal("20.00")]
