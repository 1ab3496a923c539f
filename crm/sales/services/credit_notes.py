"""Credit notes: a document of kind `credit_note`, numbered in its own series (`CN-2026-00001`), that takes
(part of) an issued invoice's lines back. It lowers what the invoice still asks for (`amount_credited`) and may
make it paid. Never more than a line's quantity not credited yet, nor more than the invoice's amount due."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput
from crm.sales.enums import InvoiceKind, InvoiceStatus
from crm.sales.errors import InvoiceStateInvalid
from crm.sales.models import Invoice, InvoiceLine
from crm.sales.services.invoice_lines import (
    MAX_QUANTITY,
    OPEN_STATUSES,
    Errors,
    decimal_parse,
    invoice_locked,
    lines_store,
    money_status,
    money_text,
)
from crm.sales.services.numbering import number_next
from crm.sales.services.values import text_clean


def credited_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """How much of each of the invoice's lines its credit notes took back so far."""
    rows = (
        InvoiceLine.objects.filter(credited_line__invoice=invoice)
        .exclude(invoice__status=InvoiceStatus.VOID)
        .values("credited_line_id")
        .annotate(q=Sum("quantity"))
    )
    return {row["credited_line_id"]: row["q"] for row in rows}


def _picks(
    invoice: Invoice, lines: list[dict[str, Any]] | None, errors: Errors
) -> list[tuple[InvoiceLine, Decimal]]:
    own = {line.pk: line for line in InvoiceLine.objects.filter(invoice=invoice).order_by("position", "id")}
    done = credited_quantities(invoice)
    left = {pk: line.quantity - done.get(pk, Decimal(0)) for pk, line in own.items()}
    if lines is None:
        picks = [(line, left[pk]) for pk, line in own.items() if left[pk] > 0]
        if not picks:
            errors["lines"] = [_("Every line of this invoice has been credited already.")]
        return picks
    if not isinstance(lines, list | tuple) or not lines:
        errors["lines"] = [_("Choose at least one invoice line to credit.")]
        return []
    picks = []
    seen: set[int] = set()
    for i, row in enumerate(lines):
        key = f"lines.{i}"
        raw = row.get("invoice_line") if isinstance(row, dict) else None
        raw_id = getattr(raw, "pk", raw)
        try:
            line = own.get(int(raw_id)) if raw_id is not None else None
        except (TypeError, ValueError):
            line = None
        if line is None or line.pk in seen:
            errors[f"{key}.invoice_line"] = [_("Choose a line of this invoice (once).")]
            continue
        seen.add(line.pk)
        quantity = decimal_parse(
            row.get("quantity"),
            field=f"{key}.quantity",
            errors=errors,
            places=3,
            low=Decimal(0),
            high=MAX_QUANTITY,
            strict_low=True,
        )
        if quantity is None:
            continue
        if quantity > left[line.pk]:
            errors[f"{key}.quantity"] = [
                _("Only %(n)s of “%(line)s” can still be credited.")
                % {"n": f"{left[line.pk].normalize():f}", "line": line.description}
            ]
            continue
        picks.append((line, quantity))
    return picks


@transaction.atomic
def credit_note_create(
    *, actor: Any, invoice: Invoice, lines: list[dict[str, Any]] | None = None, reason: str = ""
) -> Invoice:
    """A credit note against an issued invoice: `lines` as [{"invoice_line": line or id, "quantity": q}], or
    None for every line's quantity not credited yet. It is issued at once with the next `CN-<year>-` number,
    and the invoice's amount due drops by its total (paid when nothing is left)."""
    locked = invoice_locked(invoice, actor=actor)
    if locked.kind != InvoiceKind.INVOICE or locked.status not in OPEN_STATUSES:
        raise InvoiceStateInvalid(
            field_errors={
                "invoice": [
                    _("Only an issued invoice with an amount due can be credited (this one is %(status)s).")
                    % {"status": locked.get_status_display()}
                ]
            }
        )
    errors: Errors = {}
    picks = _picks(locked, lines, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    day = timezone.localdate()
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=locked,
        account_id=locked.account_id,
        contact_id=locked.contact_id,
        owner_id=locked.owner_id,
        order_id=locked.order_id,
        currency=locked.currency,
        language=locked.language,
        status=InvoiceStatus.ISSUED,
        issue_date=day,
        payment_terms_days=0,
        notes=text_clean(reason, 1000),
    )
    built = []
    for line, quantity in picks:
        credit = InvoiceLine(
            product_id=line.product_id,
            description=line.description,
            quantity=quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            tax_rate=line.tax_rate,
            credited_line=line,
        )
        credit.net_amount, credit.tax_amount = credit.line_amounts()
        built.append(credit)
    note.totals_from(list(built))
    if note.total > locked.amount_due:
        raise InvalidInput(
            field_errors={
                "lines": [
                    _(
                        "A credit note takes off at most the amount due (%(due)s); this one comes to %(total)s."
                    )
                    % {
                        "due": money_text(locked.amount_due, locked.currency),
                        "total": money_text(note.total, locked.currency),
                    }
                ]
            }
        )
    note.number = number_next(series=f"credit-{day.year}", prefix=f"CN-{day.year}-")
    with audit_context(actor=actor):
        note.save()
        lines_store(note, built)
        locked.amount_credited = locked.amount_credited + note.total
        locked.status = money_status(locked, today=day)
        locked.version += 1
        locked.save()
    return note
