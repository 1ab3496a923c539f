"""Contract services: create/update/activate/cancel, recurring invoicing, renewals and the end of contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.core.audit.models import AuditEntry
from crm.core.errors import ConcurrentEdit, InvalidInput
from crm.sales.enums import ContractStatus, InvoiceKind, InvoiceStatus
from crm.sales.errors import ContractStateInvalid
from crm.sales.events import ContractRenewalOpened
from crm.sales.models import Contract, ContractEvent, ContractLine, Invoice, InvoiceLine, Opportunity
from crm.sales.periods import months_add, period_start_next
from crm.sales.services.contract_billing import contract_invoices_generate
from crm.sales.services.contract_renewals import contract_renewals_open
from crm.sales.services.contracts import contract_activate, contract_cancel, contract_update
from crm.sales.tests.contracts.factories import (
    END,
    START,
    catalog_product,
    free_line,
    make_active_contract,
    make_contract,
)
from crm.sales.tests.factories import make_pipeline

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    """Everything a refused write must leave as it was."""
    return {
        "contracts": list(Contract.all_objects.order_by("id").values()),
        "lines": list(ContractLine.objects.order_by("id").values()),
        "invoices": Invoice.all_objects.count(),
        "events": ContractEvent.objects.count(),
    }


# --- create -----------------------------------------------------------------------------------------------------
def test_create_prices_lines_from_the_catalog_and_totals_one_billing() -> None:
    item = catalog_product(price="100.00")
    owner = UserFactory()
    contract = make_contract(
        owner=owner,
        lines=[{"product": item, "quantity": 2, "discount_percent": 10}, free_line(billing_period="yearly")],
    )
    assert contract.number == "CT-00001"
    assert contract.status == ContractStatus.DRAFT
    first, second = contract.lines.order_by("position")
    assert first.description == item.name
    assert first.unit_price == Decimal("100.00") and first.tax_rate == Decimal("21")
    assert first.net_amount == Decimal("180.00") and first.tax_amount == Decimal("37.80")
    assert first.billing_period == "monthly"
    assert second.billing_period == "yearly" and second.tax_rate == 0
    assert contract.subtotal == Decimal("250.00")
    assert contract.net_total == Decimal("230.00")
    assert contract.discount_total == Decimal("20.00")
    assert contract.total == Decimal("267.80")
    assert make_contract(owner=owner).number == "CT-00002"
    assert ContractEvent.objects.filter(contract=contract, verb="created").count() == 1
    assert AuditEntry.objects.filter(object_type="sales.contract", object_id=contract.pk).exists()


@pytest.mark.parametrize(
    ("fields", "lines", "field"),
    [
        ({"end_date": dt.date(2025, 12, 31)}, None, "end_date"),
        ({}, [free_line(quantity=-1)], "lines.0.quantity"),
        ({}, [free_line(quantity=0)], "lines.0.quantity"),
        ({}, [free_line(unit_price="-5")], "lines.0.unit_price"),
        ({}, [free_line(description="", unit_price="5")], "lines.0.description"),
        ({}, [free_line(billing_period="weekly")], "lines.0.billing_period"),
        ({"currency": "XXQ"}, None, "currency"),
        ({"title": ""}, None, "title"),
        ({"renewal_notice_days": -3}, None, "renewal_notice_days"),
    ],
)
def test_create_refuses_bad_input_naming_the_field_and_stores_nothing(
    fields: dict[str, Any], lines: list[dict[str, Any]] | None, field: str
) -> None:
    owner = UserFactory()
    account = AccountFactory(owner=owner)
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        make_contract(owner=owner, account=account, lines=lines, **fields)
    assert field in caught.value.field_errors
    assert _state() == before


def test_create_refuses_a_product_not_priced_in_the_contract_currency() -> None:
    item = catalog_product(code="EUR")
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        make_contract(currency="USD", lines=[{"product": item, "quantity": 1}])
    assert "USD" in caught.value.field_errors["lines.0.product"][0]
    assert _state() == before


# --- update, activate, cancel --------------------------------------------------------------------------------
def test_update_with_a_stale_version_changes_nothing() -> None:
    contract = make_contract()
    contract_update(actor=None, contract=contract, expected_version=1, title="Hosting plus")
    before = _state()
    with pytest.raises(ConcurrentEdit):
        contract_update(actor=None, contract=contract, expected_version=1, title="Overwrite")
    assert _state() == before
    assert Contract.objects.get(pk=contract.pk).title == "Hosting plus"


def test_update_replaces_the_lines_of_a_draft_and_refuses_a_currency_mismatch() -> None:
    contract = make_contract()
    updated = contract_update(
        actor=None, contract=contract, lines=[free_line(unit_price="70.00"), free_line(quantity=2)]
    )
    assert updated.lines.count() == 2 and updated.net_total == Decimal("170.00")
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        contract_update(actor=None, contract=contract, currency="USD")
    assert "currency" in caught.value.field_errors
    with pytest.raises(InvalidInput) as caught:
        contract_update(actor=None, contract=contract, end_date=dt.date(2025, 1, 1))
    assert "end_date" in caught.value.field_errors
    assert _state() == before


def test_active_contract_keeps_its_lines_and_dates() -> None:
    contract = make_active_contract()
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        contract_update(actor=None, contract=contract, lines=[free_line()], end_date=dt.date(2027, 1, 1))
    assert {"lines", "end_date"} <= set(caught.value.field_errors)
    assert _state() == before
    contract_update(actor=None, contract=contract, title="Renamed", auto_renew=True)
    assert Contract.objects.get(pk=contract.pk).auto_renew is True


def test_activate_sets_next_invoice_on_the_start_date() -> None:
    contract = make_contract(lines=[free_line(), free_line(billing_period="quarterly")])
    active = contract_activate(actor=None, contract=contract, expected_version=1)
    assert active.status == ContractStatus.ACTIVE and active.version == 2
    assert set(active.lines.values_list("next_invoice_on", flat=True)) == {START}
    assert ContractEvent.objects.filter(contract=contract, verb="activated").exists()


def test_activate_without_lines_is_refused_and_changes_nothing() -> None:
    contract = make_contract(lines=[])
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        contract_activate(actor=None, contract=contract)
    assert "lines" in caught.value.field_errors
    assert _state() == before


def test_cancel_stops_billing_and_cannot_be_activated_again() -> None:
    contract = make_active_contract()
    cancelled = contract_cancel(actor=None, contract=contract, reason="Customer left")
    assert cancelled.status == ContractStatus.CANCELLED
    assert not cancelled.lines.filter(next_invoice_on__isnull=False).exists()
    before = _state()
    with pytest.raises(ContractStateInvalid):
        contract_activate(actor=None, contract=contract)
    assert _state() == before
    assert contract_invoices_generate(today=dt.date(2026, 6, 1)).count == 0


# --- recurring invoicing ----------------------------------------------------------------------------------------
def test_periods_follow_calendar_months_from_the_start_without_drift() -> None:
    anchor = dt.date(2026, 1, 31)
    starts = [anchor]
    for _ in range(3):
        starts.append(period_start_next(anchor=anchor, current=starts[-1], billing_period="monthly"))
    assert starts == [anchor, dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    assert months_add(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        (
            "monthly",
            dt.date(2026, 3, 15),
            [
                (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
                (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
                (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            ],
        ),
        (
            "quarterly",
            dt.date(2026, 4, 1),
            [(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))],
        ),
        ("yearly", dt.date(2026, 11, 1), [(dt.date(2026, 1, 1), dt.date(2026, 12, 31))]),
    ],
)
def test_generation_drafts_one_invoice_with_one_line_per_period(
    period: str, today: dt.date, expected: list[tuple[dt.date, dt.date]]
) -> None:
    contract = make_active_contract(
        lines=[free_line(billing_period=period, unit_price="10.00", tax_rate="21")]
    )
    run = contract_invoices_generate(today=today)
    assert run.count == 1
    invoice = run.invoices[0]
    assert invoice.kind == InvoiceKind.INVOICE and invoice.status == InvoiceStatus.DRAFT
    assert invoice.number is None
    assert invoice.contract_id == contract.pk and invoice.account_id == contract.account_id
    periods = list(invoice.lines.order_by("position").values_list("period_start", "period_end"))
    assert periods == expected
    assert invoice.net_total == Decimal("10.00") * len(expected)
    assert invoice.total == Decimal("12.10") * len(expected)
    line = contract.lines.get()
    assert invoice.lines.first().contract_line_id == line.pk
    following = period_start_next(anchor=START, current=expected[-1][0], billing_period=period)
    assert line.next_invoice_on == (following if following <= END else None)


def test_generation_is_idempotent_and_picks_up_later_periods() -> None:
    contract = make_active_contract(lines=[free_line(), free_line(billing_period="quarterly")])
    first = contract_invoices_generate(today=dt.date(2026, 1, 15))
    assert first.count == 1 and first.invoices[0].lines.count() == 2
    assert contract_invoices_generate(today=dt.date(2026, 1, 15)).count == 0
    assert contract_invoices_generate(today=dt.date(2026, 1, 31)).count == 0
    second = contract_invoices_generate(today=dt.date(2026, 2, 1))
    assert [(line.period_start, line.period_end) for line in second.invoices[0].lines.all()] == [
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    ]
    assert Invoice.objects.filter(contract=contract).count() == 2
    assert InvoiceLine.objects.filter(contract_line__contract=contract).count() == 3
    assert ContractEvent.objects.filter(contract=contract, verb="invoiced").count() == 2


def test_generation_stops_at_the_end_date_and_skips_drafts() -> None:
    make_contract()  # a draft: never invoiced
    contract = make_active_contract(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 2, 15))
    run = contract_invoices_generate(today=dt.date(2026, 6, 1))
    assert run.count == 1
    periods = list(run.invoices[0].lines.values_list("period_start", "period_end"))
    assert periods == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 15)),
    ]
    assert contract.lines.get().next_invoice_on is None
    assert contract_invoices_generate(today=dt.date(2026, 12, 1)).count == 0


# --- renewals -------------------------------------------------------------------------------------------------
def test_renewal_opens_once_on_the_notice_day() -> None:
    make_pipeline("New business")
    renewals = make_pipeline("Renewals")
    contract = make_active_contract(
        renewal_notice_days=30,
        lines=[free_line(unit_price="100.00"), free_line(unit_price="50.00", billing_period="quarterly")],
    )
    day = END - dt.timedelta(days=30)
    assert contract_renewals_open(today=day - dt.timedelta(days=1)).opened == []
    run = contract_renewals_open(today=day)
    assert [number for number, _ in run.opened] == [contract.number]
    contract.refresh_from_db()
    opportunity = Opportunity.objects.get(pk=contract.renewal_opportunity_id)
    assert opportunity.pipeline_id == renewals.pk
    assert opportunity.account_id == contract.account_id and opportunity.owner_id == contract.owner_id
    assert opportunity.amount == Decimal("1400.00")  # 12 × 100 + 4 × 50
    assert opportunity.close_date == END
    assert contract_renewals_open(today=day + dt.timedelta(days=1)).opened == []
    assert Opportunity.objects.filter(account=contract.account).count() == 1
    assert ContractEvent.objects.filter(contract=contract, verb="renewal_opened").count() == 1


def test_renewal_uses_the_first_pipeline_when_none_says_renewals(
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = make_pipeline("New business")
    contract = make_active_contract(renewal_notice_days=10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contract_renewals_open(today=END - dt.timedelta(days=5))
    contract.refresh_from_db()
    assert Opportunity.objects.get(pk=contract.renewal_opportunity_id).pipeline_id == first.pk
    assert len(callbacks) >= 1


def test_renewal_opened_event_is_published_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    from crm.core import events

    make_pipeline("Renewals")
    contract = make_active_contract(renewal_notice_days=10)
    seen: list[Any] = []
    handler = seen.append
    events.subscribe(ContractRenewalOpened, handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            contract_renewals_open(today=END - dt.timedelta(days=5))
    finally:
        events._handlers[ContractRenewalOpened].remove(handler)
    contract.refresh_from_db()
    assert seen == [
        ContractRenewalOpened(contract_id=contract.pk, opportunity_id=contract.renewal_opportunity_id)
    ]


def test_contract_past_its_end_expires() -> None:
    contract = make_active_contract()
    assert contract_renewals_open(today=END).expired == []
    run = contract_renewals_open(today=END + dt.timedelta(days=1))
    assert run.expired == [contract.number]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED
    assert contract_renewals_open(today=END + dt.timedelta(days=2)).expired == []
    assert ContractEvent.objects.filter(contract=contract, verb="expired").count() == 1


def test_auto_renew_creates_an_active_successor_once() -> None:
    contract = make_active_contract(auto_renew=True, renewal_term_months=6, lines=[free_line(quantity=3)])
    run = contract_renewals_open(today=END + dt.timedelta(days=1))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RENEWED
    successor = Contract.objects.get(renewed_from=contract)
    assert run.renewed == [(contract.number, successor.number)]
    assert successor.status == ContractStatus.ACTIVE
    assert (successor.start_date, successor.end_date) == (dt.date(2027, 1, 1), dt.date(2027, 6, 30))
    line = successor.lines.get()
    assert line.quantity == 3 and line.next_invoice_on == dt.date(2027, 1, 1)
    assert successor.total == contract.total
    assert contract_renewals_open(today=END + dt.timedelta(days=2)).renewed == []
    assert Contract.objects.filter(renewed_from=contract).count() == 1


def test_command_prints_what_it_did() -> None:
    from io import StringIO

    make_pipeline("Renewals")
    contract = make_active_contract(renewal_notice_days=400)
    out = StringIO()
    call_command("contracts", "run", "--today", "2026-02-10", stdout=out)
    text = out.getvalue()
    assert "Contracts run for 2026-02-10" in text
    assert f"invoice drafted for {contract.number}: 2 line(s)" in text
    assert f"renewal opened for {contract.number}" in text
    assert "1 invoice(s) drafted, 1 renewal(s) opened, 0 expired, 0 renewed" in text
    again = StringIO()
    call_command("contracts", "run", "--today", "2026-02-10", stdout=again)
    assert "0 invoice(s) drafted, 0 renewal(s) opened" in again.getvalue()


def test_daily_task_runs_both_and_reports_counts() -> None:
    from django.utils import timezone

    from crm.sales.tasks import contracts_run_task

    today = timezone.localdate()
    make_active_contract(start_date=today - dt.timedelta(days=3), end_date=today + dt.timedelta(days=100))
    assert contracts_run_task.call() == {
        "invoices": 1,
        "renewals_opened": 0,
        "expired": 0,
        "renewed": 0,
        "failed": 0,
    }
    assert contracts_run_task.call()["invoices"] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_drafts_each_period_once() -> None:
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two connections taking row locks at once: PostgreSQL (SQLite serialises every writer)")
    contract = make_active_contract(lines=[free_line(), free_line(billing_period="quarterly")])
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(contract_invoices_generate(today=dt.date(2026, 3, 1)).count)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts) == [0, 0, 0, 1]
    assert InvoiceLine.objects.filter(contract_line__contract=contract).count() == 4  # 3 months + 1 quarter


def test_deleting_the_account_bins_its_contracts_and_restoring_brings_them_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from crm.contacts.services import account_delete
    from crm.core.audit.services import record_restore

    contract = make_active_contract()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(actor=None, account=contract.account)
    assert not Contract.objects.filter(pk=contract.pk).exists()
    assert contract_invoices_generate(today=dt.date(2026, 3, 1)).count == 0
    record_restore(object_type="contacts.account", object_id=contract.account_id, actor=None)
    assert Contract.objects.filter(pk=contract.pk).exists()


def test_create_names_every_bad_field_and_line_at_once() -> None:
    before = _state()
    with pytest.raises(InvalidInput) as caught:
        make_contract(
            end_date=dt.date(2025, 1, 1), lines=[free_line(), free_line(quantity=-1, unit_price="-2")]
        )
    assert {"end_date", "lines.1.quantity", "lines.1.unit_price"} <= set(caught.value.field_errors)
    assert _state() == before
