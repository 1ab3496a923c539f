"""The printable invoice and credit note (PDF in the document's language, with the company's branding)."""

from __future__ import annotations

from crm.sales.documents import document_pdf
from crm.sales.enums import InvoiceKind
from crm.sales.models import Invoice, InvoiceLine


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """The PDF of an invoice or a credit note (the caller has checked who may read it)."""
    lines = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position", "id"))
    is_credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    credited = (
        Invoice.all_objects.filter(pk=invoice.credited_invoice_id).only("id", "number").first()
        if is_credit and invoice.credited_invoice_id is not None
        else None
    )
    return document_pdf(
        template="sales/invoices/pdf/credit_note.html" if is_credit else "sales/invoices/pdf/invoice.html",
        context={"invoice": invoice, "lines": lines, "credited": credited},
        language=invoice.language or "en",
    )


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number or f'draft-{invoice.pk}'}.pdf"
