"""Recurring invoicing of active contracts.

`contract_invoices_generate(today=…)` drafts, for every active contract, one invoice holding one line per line
period that starts on or before `today` (and on or before the contract's end), then moves each line's
`next_invoice_on` past those periods. The contract and its lines are read under row locks and the periods come
from `next_invoice_on`, so a second run (or a second worker at the same time) finds nothing left to invoice:
generation is idempotent. Invoices are drafts without a number; issuing them is `invoice_issue`'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.core.audit.context import audit_context
from crm.core.errors import RecordNotFound
from crm.core.records import record_authorize
from crm.sales.enums import ContractStatus, InvoiceKind, InvoiceStatus
from crm.sales.models import Contract, ContractLine, Invoice, InvoiceLine
from crm.sales.periods import period_end, period_start_next
from crm.sales.services.contracts import contract_event_record

# a line never bills more than this many periods in one run (ten years of monthly periods): a safety stop
MAX_PERIODS_PER_RUN = 120


@dataclass
class BillingRun:
    """What one generation did: the draft invoices, per contract."""

    invoices: list[Invoice] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.invoices)


def contract_invoices_generate(
    *, today: dt.date, actor: Any = None, contract: Contract | None = None
) -> BillingRun:
    """Draft the invoices due on `today` for every active contract (or only `contract`, checking the actor may
    change it). Each contract is its own transaction, so one failing contract does not hold back the rest."""
    run = BillingRun()
    if contract is not None:
        record_authorize(actor=actor, record=contract, action="change")
        ids = [contract.pk]
    else:
        ids = list(
            ContractLine.objects.filter(
                contract__status=ContractStatus.ACTIVE,
                contract__deleted_at__isnull=True,
                next_invoice_on__lte=today,
            )
            .order_by("contract_id")
            .values_list("contract_id", flat=True)
            .distinct()
        )
    for contract_id in ids:
        invoice = _contract_bill(contract_id=contract_id, today=today, actor=actor)
        if invoice is not None:
            run.invoices.append(invoice)
    return run


@transaction.atomic
def _contract_bill(*, contract_id: int, today: dt.date, actor: Any) -> Invoice | None:
    contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
    if contract is None:
        raise RecordNotFound()
    if contract.status != ContractStatus.ACTIVE:
        return None
    lines = list(
        ContractLine.objects.select_for_update()
        .filter(contract=contract, next_invoice_on__isnull=False, next_invoice_on__lte=today)
        .order_by("position", "id")
    )
    invoice_lines: list[InvoiceLine] = []
    advanced: list[ContractLine] = []
    for line in lines:
        start = line.next_invoice_on
        periods = 0
        while start is not None and start <= today and start <= contract.end_date:
            if periods >= MAX_PERIODS_PER_RUN:
                break
            end = period_end(
                anchor=contract.start_date,
                start=start,
                billing_period=line.billing_period,
                last_day=contract.end_date,
            )
            invoice_lines.append(
                InvoiceLine(
                    position=len(invoice_lines),
                    product_id=line.product_id,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_percent=line.discount_percent,
                    tax_rate=line.tax_rate,
                    contract_line=line,
                    period_start=start,
                    period_end=end,
                )
            )
            periods += 1
            start = period_start_next(
                anchor=contract.start_date, current=start, billing_period=line.billing_period
            )
        line.next_invoice_on = start if start is not None and start <= contract.end_date else None
        advanced.append(line)
    if advanced:
        ContractLine.objects.bulk_update(advanced, ["next_invoice_on"])
    if not invoice_lines:
        return None
    for item in invoice_lines:
        item.net_amount, item.tax_amount = item.line_amounts()
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.DRAFT,
        account_id=contract.account_id,
        contact_id=contract.contact_id,
        owner_id=contract.owner_id,
        contract=contract,
        currency=contract.currency,
        payment_terms_days=contract.payment_terms_days,
        notes=_("Contract %(number)s") % {"number": contract.number},
    )
    invoice.totals_from(list(invoice_lines))
    with audit_context(actor=actor):
        invoice.save()
        for item in invoice_lines:
            item.invoice = invoice
        InvoiceLine.objects.bulk_create(invoice_lines)
    detail = ngettext(
        "%(count)s period drafted on an invoice",
        "%(count)s periods drafted on an invoice",
        len(invoice_lines),
    ) % {"count": len(invoice_lines)}
    contract_event_record(contract=contract, verb="invoiced", actor=actor, detail=detail)
    return invoice
