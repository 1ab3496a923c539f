"""Quote services: creating, editing while draft, approval, sending, revisions and the customer's answer —
and every refusal leaves what was stored unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from crm.core import events as core_events
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.sales.enums import ApprovalStatus, QuoteStatus
from crm.sales.errors import (
    QuoteAlreadyDecided,
    QuoteApprovalNotNeeded,
    QuoteApprovalRequired,
    QuoteApproverRequired,
    QuoteCannotBeRevised,
    QuoteExpired,
    QuoteNotEditable,
    QuoteNotPendingApproval,
    QuoteSuperseded,
)
from crm.sales.events import QuoteAccepted, QuoteDeclined, QuoteSent
from crm.sales.models import OpportunityLine, Quote, QuoteEvent, QuoteLine
from crm.sales.services.quotes import (
    quote_accept,
    quote_approve,
    quote_create,
    quote_decline,
    quote_deliver,
    quote_lines_set,
    quote_reject,
    quote_revise,
    quote_send,
    quote_submit,
    quote_update,
)

pytestmark = pytest.mark.django_db


def _snapshot(quote: Quote) -> tuple[Any, ...]:
    quote.refresh_from_db()
    lines = list(
        QuoteLine.objects.filter(quote=quote)
        .order_by("position")
        .values_list(
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "tax_rate",
            "net_amount",
            "tax_amount",
        )
    )
    return (quote.status, quote.version, quote.total, quote.approval_status, quote.accepted_at, tuple(lines))


def _draft(rep: Any, account: Any, priced: dict[str, Any], **line: Any) -> Quote:
    data = {"product_id": priced["laptop"].pk, "quantity": "2", **line}
    return quote_create(actor=rep, account=account, lines=[data])


def _sent(quote: Quote, *, actor: Any) -> Quote:
    quote_send(actor=actor, quote=quote, to="ana@acme.example", enqueue=False)
    quote_deliver(quote_id=quote.pk, actor_id=actor.pk)
    quote.refresh_from_db()
    return quote


@pytest.fixture
def events() -> Any:
    seen: list[Any] = []
    handler = seen.append
    for kind in (QuoteSent, QuoteAccepted, QuoteDeclined):
        core_events.subscribe(kind, handler)
    yield seen
    for kind in (QuoteSent, QuoteAccepted, QuoteDeclined):
        core_events._handlers[kind].remove(handler)


# --- create ------------------------------------------------------------------------------------------------------
def test_create_from_opportunity_copies_account_owner_currency_contact_and_lines(
    opportunity: Any, rep: Any, contact: Any, settings: Any
) -> None:
    OpportunityLine.objects.create(
        opportunity=opportunity,
        position=1,
        description="Consulting day",
        quantity=Decimal(3),
        unit_price=Decimal("500.00"),
        discount_percent=Decimal(10),
        tax_rate=Decimal(21),
    )
    settings.CRM_QUOTE_VALIDITY_DAYS = 14

    quote = quote_create(actor=rep, opportunity=opportunity)

    assert quote.number == "Q-00001" and quote.revision == 1 and quote.status == QuoteStatus.DRAFT
    assert (quote.account_id, quote.owner_id, quote.currency) == (opportunity.account_id, rep.pk, "EUR")
    assert quote.contact_id == contact.pk
    assert quote.language == "es"  # the recipient's preferred language
    assert quote.valid_until == timezone.localdate() + dt.timedelta(days=14)
    line = quote.lines.get()
    assert (line.description, line.net_amount, line.tax_amount) == (
        "Consulting day",
        Decimal("1350.00"),
        Decimal("283.50"),
    )
    assert (quote.subtotal, quote.discount_total, quote.net_total, quote.tax_total, quote.total) == (
        Decimal("1500.00"),
        Decimal("150.00"),
        Decimal("1350.00"),
        Decimal("283.50"),
        Decimal("1633.50"),
    )
    assert QuoteEvent.objects.filter(quote=quote, kind="created", opportunity=opportunity).exists()


def test_create_for_account_prices_product_lines_from_the_catalog(
    rep: Any, account: Any, priced: Any
) -> None:
    quote = quote_create(
        actor=rep,
        account=account,
        lines=[
            {"product_id": priced["laptop"].pk, "quantity": "2", "discount_percent": "10"},
            {"description": "Installation", "quantity": "1", "unit_price": "99.90", "tax_rate": "21"},
            {"product_id": priced["support"].pk, "quantity": "1"},
        ],
    )

    laptop, install, support = quote.lines.order_by("position")
    assert (laptop.unit_price, laptop.tax_rate, laptop.net_amount, laptop.tax_amount) == (
        Decimal("1000.00"),
        Decimal("21"),
        Decimal("1800.00"),
        Decimal("378.00"),
    )
    assert laptop.description == "Laptop Pro" and laptop.product_id == priced["laptop"].pk
    assert (install.net_amount, install.tax_amount) == (Decimal("99.90"), Decimal("20.98"))
    assert (support.tax_rate, support.net_amount) == (Decimal(0), Decimal("250.00"))
    assert quote.total == Decimal("1800.00") + Decimal("378.00") + Decimal("99.90") + Decimal(
        "20.98"
    ) + Decimal("250.00")
    assert quote.language == "en"  # no recipient: the owner's language, else the site's


def test_numbers_follow_each_other(rep: Any, account: Any) -> None:
    first = quote_create(actor=rep, account=account)
    second = quote_create(actor=rep, account=account)
    assert (first.number, second.number) == ("Q-00001", "Q-00002")


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"quantity": "0"}, "lines.0.quantity", "greater than 0"),
        ({"quantity": "-3"}, "lines.0.quantity", "greater than 0"),
        ({"quantity": "abc"}, "lines.0.quantity", "Enter a number"),
        ({"discount_percent": "120"}, "lines.0.discount_percent", "between 0 and 100"),
        ({"discount_percent": "-1"}, "lines.0.discount_percent", "between 0 and 100"),
        ({"currency": "USD"}, "lines.0.currency", "the quote is in EUR"),
        ({"product_id": 999999}, "lines.0.product_id", "Choose a product"),
        ({"tax_rate": "101"}, "lines.0.tax_rate", "between 0 and 100"),
    ],
)
def test_create_refuses_a_bad_line_and_stores_nothing(
    rep: Any, account: Any, priced: Any, line: dict[str, Any], field: str, message: str
) -> None:
    data = {"product_id": priced["laptop"].pk, "quantity": "1", **line}
    with pytest.raises(InvalidInput) as exc:
        quote_create(
            actor=rep, account=account, lines=[{"description": "ok", "quantity": 1, "unit_price": 1}, data]
        )
    key = field.replace("lines.0", "lines.1")
    assert key in exc.value.field_errors and message in exc.value.field_errors[key][0]
    assert not Quote.all_objects.exists() and not QuoteLine.objects.exists()
    # the number was not used up: the next quote still gets the first one
    assert quote_create(actor=rep, account=account).number == "Q-00001"


def test_product_without_a_price_or_no_longer_sold_is_refused(rep: Any, account: Any, priced: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        quote_create(
            actor=rep,
            account=account,
            lines=[
                {"product_id": priced["unpriced"].pk, "quantity": 1},
                {"product_id": priced["retired"].pk, "quantity": 1},
            ],
        )
    assert "in EUR" in exc.value.field_errors["lines.0.product_id"][0]
    assert "no longer sold" in exc.value.field_errors["lines.1.product_id"][0]
    assert not Quote.all_objects.exists()


def test_free_line_needs_a_description_and_a_price(rep: Any, account: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        quote_create(actor=rep, account=account, lines=[{"quantity": 1}])
    assert set(exc.value.field_errors) == {"lines.0.description", "lines.0.unit_price"}
    assert not Quote.all_objects.exists()


def test_rep_cannot_quote_an_account_they_cannot_see(other_rep: Any, account: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        quote_create(actor=other_rep, account=account)
    assert "account" in exc.value.field_errors
    assert not Quote.all_objects.exists()


# --- edit while draft -----------------------------------------------------------------------------------------------
def test_lines_set_replaces_lines_and_recomputes_totals(rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    updated = quote_lines_set(
        actor=rep,
        quote=quote,
        expected_version=quote.version,
        lines=[{"product_id": priced["support"].pk, "quantity": "4"}],
    )
    assert updated.version == quote.version + 1
    assert list(updated.lines.values_list("description", flat=True)) == ["Support plan"]
    assert updated.total == Decimal("1000.00")


def test_lines_set_with_a_bad_line_changes_nothing(rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    before = _snapshot(quote)
    with pytest.raises(InvalidInput) as exc:
        quote_lines_set(
            actor=rep,
            quote=quote,
            lines=[
                {"product_id": priced["support"].pk, "quantity": "1"},
                {"product_id": priced["laptop"].pk, "quantity": "-1"},
            ],
        )
    assert list(exc.value.field_errors) == ["lines.1.quantity"]
    assert _snapshot(quote) == before


def test_stale_version_is_refused_and_changes_nothing(rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    quote_update(actor=rep, quote=quote, expected_version=quote.version, notes="first edit")
    before = _snapshot(quote)
    with pytest.raises(ConcurrentEdit):
        quote_lines_set(
            actor=rep,
            quote=quote,
            expected_version=1,
            lines=[{"product_id": priced["support"].pk, "quantity": 1}],
        )
    with pytest.raises(ConcurrentEdit):
        quote_update(actor=rep, quote=quote, expected_version=1, notes="second edit")
    assert _snapshot(quote) == before
    assert quote.notes == "first edit"


def test_update_refuses_bad_fields_and_changes_nothing(rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    before = _snapshot(quote)
    with pytest.raises(InvalidInput) as exc:
        quote_update(actor=rep, quote=quote, valid_until=dt.date(2000, 1, 1), language="fr", currency="USD")
    assert set(exc.value.field_errors) == {"valid_until", "language", "currency"}
    with pytest.raises(InvalidInput) as exc:
        quote_update(actor=rep, quote=quote, status="accepted")
    assert "status" in exc.value.field_errors
    assert _snapshot(quote) == before


def test_a_quote_changes_only_while_draft(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    before = _snapshot(quote)
    with pytest.raises(QuoteNotEditable):
        quote_lines_set(actor=rep, quote=quote, lines=[{"product_id": priced["support"].pk, "quantity": 1}])
    with pytest.raises(QuoteNotEditable):
        quote_update(actor=rep, quote=quote, notes="late change")
    assert _snapshot(quote) == before


def test_another_rep_may_not_change_the_quote(rep: Any, other_rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    before = _snapshot(quote)
    with pytest.raises((RecordNotFound, PermissionDenied)):
        quote_update(actor=other_rep, quote=quote, notes="not mine")
    assert _snapshot(quote) == before


# --- approval -----------------------------------------------------------------------------------------------------
def test_discount_above_the_limit_needs_approval_before_sending(
    rep: Any, manager: Any, account: Any, priced: Any, settings: Any
) -> None:
    settings.CRM_QUOTE_DISCOUNT_LIMIT = "15"
    quote = _draft(rep, account, priced, discount_percent="20")
    before = _snapshot(quote)
    with pytest.raises(QuoteApprovalRequired):
        quote_send(actor=rep, quote=quote, to="ana@acme.example", enqueue=False)
    assert _snapshot(quote) == before

    submitted = quote_submit(actor=rep, quote=quote)
    assert (submitted.status, submitted.approval_status) == (
        QuoteStatus.PENDING_APPROVAL,
        ApprovalStatus.PENDING,
    )
    with pytest.raises(QuoteNotEditable):
        quote_lines_set(actor=rep, quote=quote, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}])

    approved = quote_approve(actor=manager, quote=quote)
    assert (approved.status, approved.approval_status, approved.approved_by_id) == (
        QuoteStatus.APPROVED,
        ApprovalStatus.APPROVED,
        manager.pk,
    )
    sent = _sent(approved, actor=rep)
    assert sent.status == QuoteStatus.SENT


def test_a_rep_cannot_approve_and_nothing_changes(rep: Any, account: Any, priced: Any) -> None:
    quote = quote_submit(actor=rep, quote=_draft(rep, account, priced, discount_percent="30"))
    before = _snapshot(quote)
    with pytest.raises(QuoteApproverRequired):
        quote_approve(actor=rep, quote=quote)
    assert _snapshot(quote) == before


def test_reject_sends_the_quote_back_to_draft(rep: Any, manager: Any, account: Any, priced: Any) -> None:
    quote = quote_submit(actor=rep, quote=_draft(rep, account, priced, discount_percent="30"))
    rejected = quote_reject(actor=manager, quote=quote, reason="Too generous")
    assert (rejected.status, rejected.approval_status) == (QuoteStatus.DRAFT, ApprovalStatus.REJECTED)
    assert QuoteEvent.objects.get(quote=quote, kind="rejected").note == "Too generous"
    with pytest.raises(QuoteApprovalRequired):  # still above the limit
        quote_send(actor=rep, quote=rejected, to="ana@acme.example", enqueue=False)
    quote_lines_set(
        actor=rep,
        quote=rejected,
        lines=[{"product_id": priced["laptop"].pk, "quantity": 1, "discount_percent": 5}],
    )
    quote_send(
        actor=rep, quote=rejected, to="ana@acme.example", enqueue=False
    )  # within the limit: no approval


def test_submit_without_a_big_discount_and_approve_twice_are_refused(
    rep: Any, admin: Any, account: Any, priced: Any
) -> None:
    quote = _draft(rep, account, priced, discount_percent="5")
    with pytest.raises(QuoteApprovalNotNeeded):
        quote_submit(actor=rep, quote=quote)
    with pytest.raises(QuoteNotPendingApproval):
        quote_approve(actor=admin, quote=quote)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


# --- sending ------------------------------------------------------------------------------------------------------
def test_send_queues_the_email_after_commit_and_deliver_marks_it_sent(
    rep: Any,
    account: Any,
    priced: Any,
    events: list[Any],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
) -> None:
    quote = _draft(rep, account, priced)
    with django_capture_on_commit_callbacks() as callbacks:
        quote_send(actor=rep, quote=quote, to="Ana@Acme.example")
    assert len(callbacks) == 1  # the job is enqueued only once the transaction commits
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and quote.sent_to == "ana@acme.example"

    with django_capture_on_commit_callbacks(execute=True):
        delivered = quote_deliver(quote_id=quote.pk, actor_id=rep.pk)
    assert delivered is not None and delivered.status == QuoteStatus.SENT and delivered.sent_at is not None
    assert delivered.pdf.name.endswith(".pdf")
    assert [type(e) for e in events] == [QuoteSent]
    assert len(mailoutbox) == 1
    assert QuoteEvent.objects.filter(quote=quote, kind="sent", account=account).exists()
    # idempotent: a second run sends nothing
    assert quote_deliver(quote_id=quote.pk, actor_id=rep.pk) is None
    assert len(mailoutbox) == 1


def test_send_refuses_a_quote_without_lines_or_address(rep: Any, account: Any) -> None:
    quote = quote_create(
        actor=rep, account=account, lines=[{"description": "x", "quantity": 1, "unit_price": 1}]
    )
    account.email = ""
    account.save()
    with pytest.raises(InvalidInput) as exc:
        quote_send(actor=rep, quote=quote, to="not-an-address", enqueue=False)
    assert "to" in exc.value.field_errors
    quote.refresh_from_db()
    assert quote.sent_to == "" and quote.status == QuoteStatus.DRAFT


# --- revisions ------------------------------------------------------------------------------------------------------
def test_revise_copies_a_sent_quote_into_the_next_revision(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    revision = quote_revise(actor=rep, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SUPERSEDED
    assert (revision.number, revision.revision, revision.previous_id, revision.status) == (
        quote.number,
        2,
        quote.pk,
        QuoteStatus.DRAFT,
    )
    assert revision.label == f"{quote.number} v2" and revision.total == quote.total
    assert list(revision.lines.values_list("description", "quantity")) == list(
        quote.lines.values_list("description", "quantity")
    )
    third = quote_revise(actor=rep, quote=_sent(revision, actor=rep))
    assert third.revision == 3


def test_a_draft_cannot_be_revised(rep: Any, account: Any, priced: Any) -> None:
    quote = _draft(rep, account, priced)
    with pytest.raises(QuoteCannotBeRevised):
        quote_revise(actor=rep, quote=quote)
    assert Quote.objects.count() == 1


# --- the customer's answer ------------------------------------------------------------------------------------------
def test_accept_records_who_and_when_and_publishes(
    rep: Any, account: Any, priced: Any, events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = quote_accept(quote=quote, name="  Ana   García ")
    assert accepted.status == QuoteStatus.ACCEPTED and accepted.accepted_at is not None
    assert accepted.decided_by_name == "Ana García"
    assert [type(e) for e in events][-1] is QuoteAccepted
    assert QuoteEvent.objects.filter(quote=quote, kind="accepted", account=account).exists()


def test_decline_keeps_the_comment(
    rep: Any, account: Any, priced: Any, events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    with django_capture_on_commit_callbacks(execute=True):
        declined = quote_decline(quote=quote, comment="Too expensive")
    assert declined.status == QuoteStatus.DECLINED and declined.decision_note == "Too expensive"
    assert isinstance(events[-1], QuoteDeclined)


def test_accepting_without_a_name_is_refused(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    before = _snapshot(quote)
    with pytest.raises(InvalidInput) as exc:
        quote_accept(quote=quote, name="   ")
    assert "name" in exc.value.field_errors
    assert _snapshot(quote) == before


def test_accepting_an_expired_quote_changes_nothing(rep: Any, account: Any, priced: Any) -> None:
    quote = _sent(_draft(rep, account, priced), actor=rep)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    before = _snapshot(quote)
    with pytest.raises(QuoteExpired):
        quote_accept(quote=quote, name="Ana")
    assert _snapshot(quote) == before


def test_accepting_a_superseded_or_answered_quote_changes_nothing(
    rep: Any, account: Any, priced: Any
) -> None:
    old = _sent(_draft(rep, account, priced), actor=rep)
    revision = quote_revise(actor=rep, quote=old)
    before = _snapshot(old)
    with pytest.raises(QuoteSuperseded):
        quote_accept(quote=old, name="Ana")
    assert _snapshot(old) == before

    sent = _sent(revision, actor=rep)
    quote_decline(quote=sent, comment="No")
    before = _snapshot(sent)
    with pytest.raises(QuoteAlreadyDecided):
        quote_accept(quote=sent, name="Ana")
    assert _snapshot(sent) == before
