"""Printable documents (quote, invoice, credit note): a Django template rendered to PDF in the customer's
language with the company's branding from settings (`CRM_COMPANY_*`).

Templates extend `sales/pdf/base.html`, which prints the company header and footer; xhtml2pdf turns the HTML into
PDF in pure Python (no system libraries to install)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from xhtml2pdf import pisa

from crm.core.errors import DomainError


class DocumentRenderFailed(DomainError):
    code = "pdf_failed"
    status = 500
    default_message = _("The PDF could not be made.")


def company_branding() -> dict[str, str]:
    logo = settings.CRM_COMPANY_LOGO
    return {
        "name": settings.CRM_COMPANY_NAME,
        "address": settings.CRM_COMPANY_ADDRESS,
        "tax_id": settings.CRM_COMPANY_TAX_ID,
        "email": settings.CRM_COMPANY_EMAIL,
        "color": settings.CRM_COMPANY_COLOR,
        "logo": logo if logo and Path(logo).is_file() else "",
    }


def document_pdf(*, template: str, context: dict[str, Any], language: str) -> bytes:
    """The PDF of `template` rendered with `context` in `language` (e.g. "es", "en")."""
    with translation.override(language):
        html = render_to_string(template, {**context, "company": company_branding(), "language": language})
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise DocumentRenderFailed()
    return out.getvalue()
