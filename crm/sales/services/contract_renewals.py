"""Renewals and the end of contracts.

`contract_renewals_open(today=…)`:
- opens one renewal opportunity per active contract once `today` is `renewal_notice_days` (or fewer) before its
  end: the contract's account and owner, one year of its lines as the amount, the end date as the expected close,
  in the first pipeline named like renewals (else the first pipeline); publishes `ContractRenewalOpened`;
- ends the active contracts whose end date has passed: expired, or — with `auto_renew` — renewed by an active
  successor for `renewal_term_months` with the same lines (`renewed_from`), the old one marked renewed.
Each contract is its own transaction under a row lock, and every step checks what is already done, so running it
twice (or on two workers) opens one opportunity and one successor.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import DomainError
from crm.core.events import publish_on_commit
from crm.sales.enums import ContractStatus
from crm.sales.events import ContractRenewalOpened
from crm.sales.models import Contract, ContractLine, Pipeline
from crm.sales.periods import months_add, yearly_factor
from crm.sales.services.contract_billing import BillingRun, contract_invoices_generate
from crm.sales.services.contracts import contract_event_record
from crm.sales.services.numbering import number_next
from crm.sales.services.opportunities import opportunity_create

logger = logging.getLogger(__name__)
RENEWAL_WORDS = ("renew", "renov")


@dataclass
class RenewalRun:
    """What one run did (contract numbers), for the command's output and the tests."""

    opened: list[tuple[str, int]] = field(default_factory=list)  # (contract number, opportunity id)
    expired: list[str] = field(default_factory=list)
    renewed: list[tuple[str, str]] = field(default_factory=list)  # (old number, successor number)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (contract number, why)


def renewal_pipeline() -> Pipeline | None:
    """The first active pipeline whose name says renewals (English or Spanish), else the first one."""
    pipelines = list(Pipeline.objects.filter(is_active=True).order_by("position", "id"))
    for pipeline in pipelines:
        names = f"{pipeline.name} {pipeline.name_es}".lower()
        if any(word in names for word in RENEWAL_WORDS):
            return pipeline
    return pipelines[0] if pipelines else None


def contract_yearly_amount(*, contract: Contract) -> Decimal:
    """One year of the contract's lines, net of discounts and before taxes."""
    return sum(
        (line.net_amount * yearly_factor(line.billing_period) for line in contract.lines.all()), Decimal(0)
    )


def contract_renewals_open(*, today: dt.date) -> RenewalRun:
    run = RenewalRun()
    active = Contract.objects.filter(status=ContractStatus.ACTIVE)
    longest_notice = active.aggregate(days=Max("renewal_notice_days"))["days"] or 0
    due = (
        active.filter(renewal_opportunity__isnull=True, end_date__gte=today)
        .filter(end_date__lte=today + dt.timedelta(days=longest_notice))
        .order_by("end_date", "id")
        .values_list("pk", "end_date", "renewal_notice_days")
    )
    pipeline = None
    for pk, end_date, notice in due:
        if end_date - dt.timedelta(days=notice) > today:
            continue
        pipeline = pipeline or renewal_pipeline()
        if pipeline is None:
            run.failed.append((str(pk), _("There is no pipeline to open the renewal in.")))
            break
        _renewal_open(contract_id=pk, today=today, pipeline=pipeline, run=run)
    ended = active.filter(end_date__lt=today).order_by("end_date", "id").values_list("pk", flat=True)
    for pk in list(ended):
        _contract_end(contract_id=pk, today=today, run=run)
    return run


def _renewal_open(*, contract_id: int, today: dt.date, pipeline: Pipeline, run: RenewalRun) -> None:
    try:
        with transaction.atomic():
            contract = Contract.objects.select_for_update().select_related("account").get(pk=contract_id)
            if contract.status != ContractStatus.ACTIVE or contract.renewal_opportunity_id is not None:
                return
            opportunity = opportunity_create(
                actor=None,
                pipeline=pipeline,
                owner=contract.owner,
                name=(_("Renewal: %(title)s") % {"title": contract.title})[:200],
                account=contract.account,
                amount=contract_yearly_amount(contract=contract),
                currency=contract.currency,
                close_date=contract.end_date,
                next_step=(_("Renew contract %(number)s") % {"number": contract.number})[:300],
            )
            contract.renewal_opportunity = opportunity
            with audit_context(actor=None):
                contract.save(update_fields=["renewal_opportunity", "updated_at"])
            contract_event_record(
                contract=contract, verb="renewal_opened", actor=None, detail=opportunity.name
            )
            publish_on_commit(ContractRenewalOpened(contract_id=contract.pk, opportunity_id=opportunity.pk))
    except DomainError as exc:
        number = Contract.objects.filter(pk=contract_id).values_list("number", flat=True).first() or ""
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items()) or exc.message
        logger.warning("renewal of contract %s not opened: %s", number, detail)
        run.failed.append((number, detail))
        return
    run.opened.append((contract.number, opportunity.pk))


@transaction.atomic
def _contract_end(*, contract_id: int, today: dt.date, run: RenewalRun) -> None:
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    if contract.status != ContractStatus.ACTIVE or contract.end_date >= today:
        return
    lines = list(
        ContractLine.objects.select_for_update().filter(contract=contract).order_by("position", "id")
    )
    ContractLine.objects.filter(contract=contract).update(next_invoice_on=None)
    if not contract.auto_renew:
        contract.status = ContractStatus.EXPIRED
        contract.version += 1
        with audit_context(actor=None):
            contract.save(update_fields=["status", "version", "updated_at"])
        contract_event_record(contract=contract, verb="expired", actor=None)
        run.expired.append(contract.number)
        return
    start = contract.end_date + dt.timedelta(days=1)
    successor = Contract(
        number=number_next(series="contract", prefix="CT-"),
        title=contract.title,
        account_id=contract.account_id,
        contact_id=contract.contact_id,
        owner_id=contract.owner_id,
        order_id=contract.order_id,
        status=ContractStatus.ACTIVE,
        start_date=start,
        end_date=months_add(start, contract.renewal_term_months) - dt.timedelta(days=1),
        auto_renew=True,
        renewal_term_months=contract.renewal_term_months,
        renewal_notice_days=contract.renewal_notice_days,
        renewed_from=contract,
        payment_terms_days=contract.payment_terms_days,
        terms=contract.terms,
        currency=contract.currency,
    )
    copies = [
        ContractLine(
            position=line.position,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tax_rate=line.tax_rate,
            net_amount=line.net_amount,
            tax_amount=line.tax_amount,
            billing_period=line.billing_period,
            next_invoice_on=start,
        )
        for line in lines
    ]
    successor.totals_from(list(copies))
    contract.status = ContractStatus.RENEWED
    contract.version += 1
    with audit_context(actor=None):
        successor.save()
        for line in copies:
            line.contract = successor
        ContractLine.objects.bulk_create(copies)
        contract.save(update_fields=["status", "version", "updated_at"])
    contract_event_record(contract=contract, verb="renewed", actor=None, detail=successor.number)
    contract_event_record(contract=successor, verb="created", actor=None, detail=contract.number)
    run.renewed.append((contract.number, successor.number))


def contracts_daily_run(*, today: dt.date) -> tuple[BillingRun, RenewalRun]:
    """The daily job: draft the invoices due, then open renewals and end the contracts past their end."""
    billing = contract_invoices_generate(today=today)
    return billing, contract_renewals_open(today=today)
