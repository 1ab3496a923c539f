"""Invoice pages: the list, the record page with its actions (issue, record a payment, credit, void, PDF),
the forms (a direct invoice, a draft's edit, a new invoice from an order), and the account page's panel.

Thin: parse, call one selector or service, render. Refusals become inline errors (422) or toasts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.contacts.selectors import account_choices, account_get
from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.sales.enums import InvoiceKind, InvoiceStatus
from crm.sales.invoice_documents import invoice_pdf_filename, invoice_pdf_render
from crm.sales.invoice_forms import (
    LINE_ROWS,
    CreditNoteForm,
    FromOrderForm,
    InvoiceForm,
    PaymentForm,
    VoidForm,
)
from crm.sales.models import Invoice
from crm.sales.selectors import invoices as selectors
from crm.sales.services import credit_notes, invoices, payments
from crm.sales.services.credit_notes import credited_quantities
from crm.sales.views.common import list_context

OBJECT_TYPE = "sales.invoice"
STATUS_VARIANTS: dict[str, str] = {
    InvoiceStatus.DRAFT: "neutral",
    InvoiceStatus.ISSUED: "info",
    InvoiceStatus.PARTIALLY_PAID: "accent",
    InvoiceStatus.PAID: "success",
    InvoiceStatus.OVERDUE: "danger",
    InvoiceStatus.VOID: "warning",
}


def _may(user: Any, invoice: Invoice, action: str) -> bool:
    try:
        selectors.invoice_get(user=user, pk=invoice.pk, action=action)
    except RecordNotFound:
        return False
    return True


def _errors_text(exc: DomainError) -> str:
    parts = [" ".join(str(m) for m in msgs) for msgs in exc.field_errors.values()]
    return " ".join(parts) if parts else exc.message


def _form_errors(form: Any, exc: DomainError, *, fields: dict[str, str] | None = None) -> None:
    for key, msgs in exc.field_errors.items():
        name = (fields or {}).get(key, key)
        form.add_error(name if name in form.fields else None, msgs)
    if not exc.field_errors:
        form.add_error(None, exc.message)


# --- the list ---------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    context = list_context(
        request, list_fn=selectors.invoice_list, count_fn=selectors.invoice_count, spec=selectors.INVOICE_LIST
    )
    page = context["page"]
    context.update(
        {
            "rows": [{"i": i, "variant": STATUS_VARIANTS.get(i.status, "neutral")} for i in page.items],
            "statuses": InvoiceStatus.choices,
            "kinds": InvoiceKind.choices,
            "can_create": user_can(user, OBJECT_TYPE, "create"),
        }
    )
    return render(request, "sales/invoices/invoice_list.html", context)


# --- the record page ------------------------------------------------------------------------------------------
def _record_context(request: HttpRequest, invoice: Invoice, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_change = user_can(user, OBJECT_TYPE, "change") and _may(user, invoice, "change")
    is_invoice = invoice.kind == InvoiceKind.INVOICE
    is_open = is_invoice and invoice.status in (
        InvoiceStatus.ISSUED,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.OVERDUE,
    )
    lines = list(invoice.lines.all())
    credited = credited_quantities(invoice) if is_open else {}
    return {
        "invoice": invoice,
        "lines": lines,
        "credit_rows": [{"line": line, "left": line.quantity - credited.get(line.pk, 0)} for line in lines],
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "variant": STATUS_VARIANTS.get(invoice.status, "neutral"),
        "language_label": dict(settings.LANGUAGES).get(invoice.language, invoice.language),
        "is_invoice": is_invoice,
        "can_change": can_change,
        "can_issue": can_change and is_invoice and invoice.status == InvoiceStatus.DRAFT,
        "can_pay": can_change and is_open,
        "can_credit": can_change and is_open,
        "can_void": can_change and is_open and not invoice.amount_paid and not invoice.amount_credited,
        "can_delete": can_change and invoice.status == InvoiceStatus.DRAFT and _may(user, invoice, "delete"),
        "can_delete_payment": can_change and user_can(user, "sales.payment", "delete"),
        "timeline_url": reverse("activities:timeline", args=[OBJECT_TYPE, invoice.pk]),
        "payment_form": extra.pop("payment_form", None)
        or PaymentForm(initial={"amount": invoice.amount_due}),
        "credit_form": extra.pop("credit_form", None) or CreditNoteForm(),
        "void_form": extra.pop("void_form", None) or VoidForm(initial={"version": invoice.version}),
        **extra,
    }


@login_required
@require_GET
@domain_view
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    return render(request, "sales/invoices/invoice_detail.html", _record_context(request, invoice))


@login_required
@require_GET
@domain_view
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    response = HttpResponse(invoice_pdf_render(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice_pdf_filename(invoice)}"'
    return response


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version") or ""
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
@domain_view
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponseBase:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    try:
        issued = invoices.invoice_issue(
            actor=request.user, invoice=invoice, expected_version=_version(request)
        )
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": issued.number})
    return redirect("sales:invoice_detail", pk=pk)


@login_required
@require_POST
@domain_view
def invoice_void(request: HttpRequest, pk: int) -> HttpResponseBase:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            invoices.invoice_void(
                actor=request.user,
                invoice=invoice,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("Invoice %(number)s is void.") % {"number": invoice.number})
    return redirect("sales:invoice_detail", pk=pk)


@login_required
@require_POST
@domain_view
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    try:
        invoices.invoice_delete(actor=request.user, invoice=invoice)
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, _errors_text(exc))
        return redirect("sales:invoice_detail", pk=pk)
    messages.success(request, _("The draft invoice was deleted."))
    return redirect("sales:invoice_list")


@login_required
@require_POST
@domain_view
def payment_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The record page's "Record payment" form."""
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payments.payment_record(actor=request.user, invoice=invoice, **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            _form_errors(form, exc, fields={"invoice": "__all__"})
        else:
            invoice = selectors.invoice_get(user=request.user, pk=pk)
            if invoice.status == InvoiceStatus.PAID:
                messages.success(request, _("Payment recorded. The invoice is paid in full."))
            else:
                messages.success(request, _("Payment recorded."))
            return redirect("sales:invoice_detail", pk=pk)
    context = _record_context(request, invoice, payment_form=form, payment_open=True)
    return render(request, "sales/invoices/invoice_detail.html", context, status=422)


@login_required
@require_POST
@domain_view
def payment_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    payment = selectors.payment_get(user=request.user, pk=pk)
    invoice_id = payment.invoice_id
    payments.payment_delete(actor=request.user, payment=payment, reason=request.POST.get("reason", ""))
    messages.success(request, _("The payment was deleted."))
    return redirect("sales:invoice_detail", pk=invoice_id)


@login_required
@require_POST
@domain_view
def credit_note_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        try:
            note = credit_notes.credit_note_create(
                actor=request.user,
                invoice=invoice,
                lines=form.lines(selectors.invoice_line_ids(invoice=invoice)),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            form.add_error(None, _errors_text(exc))
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("sales:invoice_detail", pk=pk)
    context = _record_context(request, invoice, credit_form=form, credit_open=True)
    return render(request, "sales/invoices/invoice_detail.html", context, status=422)


# --- forms ------------------------------------------------------------------------------------------------------
def _line_rows(form: InvoiceForm, invoice: Invoice | None) -> list[dict[str, Any]]:
    """The line inputs: what was posted, or the draft's lines, then empty rows up to LINE_ROWS."""
    keys = ("description", "quantity", "unit_price", "discount_percent", "tax_rate")
    if form.is_bound:
        rows = [{k: form.data.get(f"line-{n}-{k}", "") for k in keys} for n in range(LINE_ROWS)]
    else:
        existing = list(invoice.lines.all()) if invoice is not None else []
        rows = [
            {
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": f"{line.unit_price:f}",
                "discount_percent": f"{line.discount_percent.normalize():f}" if line.discount_percent else "",
                "tax_rate": f"{line.tax_rate.normalize():f}",
            }
            for line in existing
        ]
        rows += [dict.fromkeys(keys, "") for _n in range(max(0, LINE_ROWS - len(rows)))]
    errors = getattr(form, "line_errors", {})
    return [{"n": n, **row, "errors": errors.get(n, {})} for n, row in enumerate(rows)]


def _line_errors(
    form: InvoiceForm, exc: DomainError, posted: list[dict[str, Any]], indexes: list[int]
) -> None:
    """Service errors on `lines.<i>.<field>` go to the row that was posted as the i-th filled line."""
    line_errors: dict[int, dict[str, list[str]]] = {}
    for key, msgs in exc.field_errors.items():
        if key.startswith("lines."):
            _lines, index, *rest = key.split(".")
            row = indexes[int(index)] if index.isdigit() and int(index) < len(indexes) else 0
            line_errors.setdefault(row, {})[rest[0] if rest else "description"] = msgs
            if not rest:
                form.add_error(None, msgs)
        else:
            form.add_error(key if key in form.fields else None, msgs)
    if not exc.field_errors:
        form.add_error(None, exc.message)
    form.line_errors = line_errors  # type: ignore[attr-defined]


def _filled_indexes(form: InvoiceForm) -> list[int]:
    keys = ("description", "quantity", "unit_price", "discount_percent", "tax_rate")
    return [n for n in range(LINE_ROWS) if any((form.data.get(f"line-{n}-{k}") or "").strip() for k in keys)]


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def invoice_create(request: HttpRequest) -> HttpResponse:
    """A direct invoice (draft) for an account: up to six free lines."""
    user = request.user
    if not user_can(user, OBJECT_TYPE, "create"):
        raise RecordNotFound()
    account_id = request.GET.get("account") or request.POST.get("account")
    accounts = account_choices(
        user=user, include=int(account_id) if account_id and account_id.isdigit() else None
    )
    initial = {
        "account": account_id,
        "currency": settings.DEFAULT_CURRENCY,
        "language": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE,
        "payment_terms_days": settings.CRM_INVOICE_PAYMENT_DAYS,
    }
    form = InvoiceForm(request.POST or None, initial=initial, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_get(user=user, pk=data["account"])
            invoice = invoices.invoice_create(
                actor=user,
                account=account,
                currency=data["currency"],
                language=data["language"],
                payment_terms_days=data["payment_terms_days"],
                notes=data["notes"],
                lines=form.lines(),
            )
        except RecordNotFound:
            form.add_error("account", _("Choose an account you can see."))
        except DomainError as exc:
            _line_errors(form, exc, form.lines(), _filled_indexes(form))
        else:
            messages.success(request, _("Draft invoice saved. Issue it when it is ready."))
            return redirect(invoice)
    context = {
        "form": form,
        "line_rows": _line_rows(form, None),
        "title": _("New invoice"),
        "submit_label": _("Save draft"),
        "cancel_url": reverse("sales:invoice_list"),
    }
    return render(request, "sales/invoices/invoice_form.html", context, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def invoice_update(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Edit a draft: header, and the lines when it was not made from an order."""
    user = request.user
    invoice = selectors.invoice_get(user=user, pk=pk, action="change")
    if invoice.status != InvoiceStatus.DRAFT:
        messages.error(request, _("Only a draft invoice can be changed; this one has been issued."))
        return redirect(invoice)
    initial = {
        "currency": invoice.currency,
        "language": invoice.language,
        "payment_terms_days": invoice.payment_terms_days,
        "notes": invoice.notes,
        "version": invoice.version,
    }
    form = InvoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes: dict[str, Any] = {
            "language": data["language"],
            "payment_terms_days": data["payment_terms_days"],
            "notes": data["notes"],
        }
        if invoice.order_id is None:
            changes["currency"] = data["currency"]
            changes["lines"] = form.lines()
        try:
            invoices.invoice_update(actor=user, invoice=invoice, expected_version=data["version"], **changes)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            _line_errors(form, exc, form.lines(), _filled_indexes(form))
        else:
            messages.success(request, _("Draft invoice saved."))
            return redirect(invoice)
    context = {
        "form": form,
        "invoice": invoice,
        "line_rows": _line_rows(form, invoice) if invoice.order_id is None else [],
        "order_lines": list(invoice.lines.all()) if invoice.order_id is not None else [],
        "title": _("Edit draft invoice"),
        "submit_label": _("Save draft"),
        "cancel_url": invoice.get_absolute_url(),
    }
    return render(request, "sales/invoices/invoice_form.html", context, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def invoice_from_order(request: HttpRequest) -> HttpResponse:
    """A new invoice from an order, by its number: what was delivered and not invoiced yet, or the whole order."""
    user = request.user
    if not user_can(user, OBJECT_TYPE, "create"):
        raise RecordNotFound()
    form = FromOrderForm(request.POST or None, initial={"order_number": request.GET.get("order", "")})
    if request.method == "POST" and form.is_valid():
        try:
            order = selectors.order_for_invoicing(user=user, number=form.cleaned_data["order_number"])
            invoice = invoices.invoice_create_from_order(actor=user, order=order)
        except RecordNotFound:
            form.add_error("order_number", _("No order with this number that you can see."))
        except DomainError as exc:
            form.add_error(None, _errors_text(exc))
        else:
            messages.success(
                request, _("Draft invoice made from order %(number)s.") % {"number": order.number}
            )
            return redirect(invoice)
    context = {
        "form": form,
        "title": _("New invoice from an order"),
        "cancel_url": reverse("sales:invoice_list"),
    }
    return render(request, "sales/invoices/from_order.html", context, status=422 if form.is_bound else 200)


# --- the account page's panel --------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_invoices(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    billing = selectors.account_billing(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "billing": billing,
        "rows": [{"i": i, "variant": STATUS_VARIANTS.get(i.status, "neutral")} for i in billing.invoices],
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/invoices/account_invoices.html", context)
