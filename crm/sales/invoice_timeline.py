"""Invoices on the account's timeline (a source of `crm.activities.timeline`): every audited change of the
account's invoices and credit notes the user may see — created, issued, paid, overdue, voided, credited — in one
query over the audit trail. The invoice's own timeline is the built-in audit source."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from crm.activities.timeline import Before, TimelineEntry
from crm.core.audit.selectors import audit_entry_query
from crm.core.ui.formats import format_money
from crm.sales.enums import InvoiceKind, InvoiceStatus
from crm.sales.models import Invoice

SOURCE = "sales.invoices"
STATUS_TONES: dict[str, str] = {
    InvoiceStatus.PAID: "success",
    InvoiceStatus.OVERDUE: "warning",
    InvoiceStatus.VOID: "danger",
    InvoiceStatus.ISSUED: "accent",
}


def _title(entry: Any, invoice: Invoice | None) -> tuple[str, str, str]:
    actor = entry.actor.full_name if entry.actor is not None else _("The system")
    noun = (
        _("credit note") if invoice is not None and invoice.kind == InvoiceKind.CREDIT_NOTE else _("invoice")
    )
    name = (invoice.number if invoice is not None and invoice.number else "") or entry.object_repr
    changes = {c.get("field"): c for c in entry.changes or [] if isinstance(c, dict)}
    if entry.action == "create":
        return (
            _("%(actor)s created %(noun)s %(name)s") % {"actor": actor, "noun": noun, "name": name},
            "",
            "sparkles",
        )
    status = changes.get("status")
    meta = ""
    if "amount_paid" in changes and invoice is not None:
        meta = _("Paid so far: %(amount)s") % {
            "amount": format_money(changes["amount_paid"].get("new"), invoice.currency)
        }
    if "amount_credited" in changes and invoice is not None:
        meta = _("Credited so far: %(amount)s") % {
            "amount": format_money(changes["amount_credited"].get("new"), invoice.currency)
        }
    if status is not None:
        new = str(status.get("new"))
        label = dict(InvoiceStatus.choices).get(new, new)
        return (
            _("%(actor)s: %(noun)s %(name)s is now “%(status)s”")
            % {"actor": actor, "noun": noun, "name": name, "status": label},
            meta,
            "document-check" if status.get("new") == InvoiceStatus.PAID else "document-text",
        )
    if entry.action == "delete":
        return _("%(actor)s deleted the draft %(noun)s") % {"actor": actor, "noun": noun}, "", "trash"
    return (
        _("%(actor)s changed %(noun)s %(name)s") % {"actor": actor, "noun": noun, "name": name},
        meta,
        "pencil",
    )


def invoice_account_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if object_type != "contacts.account":
        return []
    visible = Invoice.all_objects.visible_to(user).filter(account_id=object_id)
    qs = audit_entry_query(object_type="sales.invoice").filter(object_id__in=visible.values("pk"))
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk), at__lte=at)
    invoice = Invoice.all_objects.filter(pk=OuterRef("object_id"))
    rows = list(
        qs.annotate(
            invoice_number=Subquery(invoice.values("number")[:1]),
            invoice_kind=Subquery(invoice.values("kind")[:1]),
            invoice_currency=Subquery(invoice.values("currency")[:1]),
        )[:limit]
    )
    entries = []
    for row in rows:
        ref = Invoice(
            pk=row.object_id,
            number=row.invoice_number,
            kind=row.invoice_kind or "",
            currency=row.invoice_currency or "",
        )
        title, meta, icon = _title(row, ref if row.invoice_kind else None)
        status = next(
            (c for c in row.changes or [] if isinstance(c, dict) and c.get("field") == "status"), None
        )
        entries.append(
            TimelineEntry(
                source=SOURCE,
                id=row.pk,
                at=row.at,
                kind="sales.invoice",
                channel="ui" if row.source != "api" else "api",
                icon=icon,
                title=title,
                actor=row.actor,
                actor_name=row.actor.full_name if row.actor is not None else "",
                link=ref.get_absolute_url(),
                meta=meta or row.reason,
                obj=row,
                tone=STATUS_TONES.get(str(status.get("new")), "") if status else "",
            )
        )
    return entries
