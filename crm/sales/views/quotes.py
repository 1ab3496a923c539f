"""Quote pages: the list, the record page with its workflow actions, the editors (fields, lines), the PDF, the
account page's panel, and the customer's public page behind the signed link (no login).

Thin: parse, call one selector or service, render. Domain errors become inline form errors or toasts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.contacts.selectors import account_get, contact_get
from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.sales.enums import ApprovalStatus, QuoteStatus
from crm.sales.errors import QuoteNotEditable
from crm.sales.forms import (
    QuoteAcceptForm,
    QuoteDeclineForm,
    QuoteForm,
    QuoteLineFormSet,
    QuoteRejectForm,
    QuoteSendForm,
)
from crm.sales.models import Quote
from crm.sales.selectors import opportunities as opportunity_selectors
from crm.sales.selectors import orders as order_selectors
from crm.sales.selectors import quotes as selectors
from crm.sales.services import quotes as services
from crm.sales.views.common import list_context

OBJECT_TYPE = "sales.quote"
STATUS_VARIANTS: dict[str, str] = {
    QuoteStatus.DRAFT: "neutral",
    QuoteStatus.PENDING_APPROVAL: "warning",
    QuoteStatus.APPROVED: "info",
    QuoteStatus.SENT: "accent",
    QuoteStatus.ACCEPTED: "success",
    QuoteStatus.DECLINED: "danger",
    QuoteStatus.EXPIRED: "neutral",
    QuoteStatus.SUPERSEDED: "neutral",
}
APPROVAL_VARIANTS: dict[str, str] = {
    ApprovalStatus.PENDING: "warning",
    ApprovalStatus.APPROVED: "success",
    ApprovalStatus.REJECTED: "danger",
}
LINE_FIELDS = (
    "product",
    "description",
    "quantity",
    "unit_price",
    "unit_cost",
    "discount_percent",
    "tax_rate",
)


def _errors_text(exc: DomainError) -> str:
    parts = [f"{' '.join(str(m) for m in msgs)}" for msgs in exc.field_errors.values()]
    return " ".join([exc.message, *parts]) if parts else exc.message


def _rows(quotes: list[Quote]) -> list[dict[str, Any]]:
    return [{"q": q, "variant": STATUS_VARIANTS.get(q.status, "neutral")} for q in quotes]


# --- the list -------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def quote_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    context = list_context(
        request, list_fn=selectors.quote_list, count_fn=selectors.quote_count, spec=selectors.QUOTE_LIST
    )
    page = context["page"]
    context.update(
        {
            "rows": _rows(page.items),
            "statuses": QuoteStatus.choices,
        }
    )
    return render(request, "sales/quotes/list.html", context)


# --- creating ---------------------------------------------------------------------------------------------------
@login_required
@require_POST
@domain_view
def quote_create_for_opportunity(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The opportunity page's "New quote": a draft with the deal's account, owner, currency and lines."""
    opportunity = opportunity_selectors.opportunity_get(user=request.user, pk=pk)
    try:
        quote = services.quote_create(actor=request.user, opportunity=opportunity)
    except DomainError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("sales:opportunity_detail", pk=pk)
    messages.success(request, _("Quote %(number)s created. Add its lines.") % {"number": quote.label})
    return redirect("sales:quote_lines", pk=quote.pk)


@login_required
@require_POST
@domain_view
def quote_create_for_account(request: HttpRequest, account_id: int) -> HttpResponseBase:
    """The account page's "New quote": a draft for the account, owned by the user."""
    account = account_get(user=request.user, pk=account_id)
    try:
        quote = services.quote_create(actor=request.user, account=account)
    except DomainError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("contacts:account_detail", pk=account_id)
    messages.success(request, _("Quote %(number)s created. Add its lines.") % {"number": quote.label})
    return redirect("sales:quote_lines", pk=quote.pk)


# --- the record page ----------------------------------------------------------------------------------------------
def _record_context(request: HttpRequest, quote: Quote, **extra: Any) -> dict[str, Any]:
    user = request.user
    try:
        selectors.quote_get(user=user, pk=quote.pk, action="change")
        can_change = True
    except RecordNotFound:
        can_change = False
    lines = selectors.quote_lines(quote=quote)
    is_draft = quote.status == QuoteStatus.DRAFT
    over_limit = services.needs_approval(lines)
    is_expired = selectors.quote_is_expired(quote=quote)
    is_accepted = quote.status == QuoteStatus.ACCEPTED
    order = order_selectors.order_for_quote(user=user, quote_id=quote.pk) if is_accepted else None
    return {
        "q": quote,
        "order": order,
        "can_order": is_accepted and order is None and user_can(user, "sales.order", "create"),
        "lines": lines,
        "variant": STATUS_VARIANTS.get(quote.status, "neutral"),
        "can_change": can_change,
        "can_edit": can_change and is_draft,
        "can_submit": can_change and is_draft and over_limit,
        "can_decide": quote.status == QuoteStatus.PENDING_APPROVAL and services.user_may_approve(user),
        "can_send": can_change
        and bool(lines)
        and not is_expired
        and (quote.status == QuoteStatus.APPROVED or (is_draft and not over_limit)),
        "can_revise": can_change
        and (quote.status in services.REVISABLE or (quote.status == QuoteStatus.SENT and is_expired)),
        "is_expired": is_expired,
        "over_limit": over_limit,
        "limit": services.discount_limit(),
        "is_sending": quote.status in (QuoteStatus.DRAFT, QuoteStatus.APPROVED) and bool(quote.sent_to),
        "approval_variant": APPROVAL_VARIANTS.get(quote.approval_status, "neutral"),
        "revisions": selectors.quote_revisions(quote=quote),
        "send_form": extra.pop("send_form", None)
        or QuoteSendForm(initial={"to": services.quote_recipient_default(quote), "version": quote.version}),
        "reject_form": QuoteRejectForm(initial={"version": quote.version}),
        "timeline_url": reverse("activities:timeline", args=[OBJECT_TYPE, quote.pk]),
        "language_name": dict(settings.LANGUAGES).get(quote.language, quote.language),
        **extra,
    }


@login_required
@require_GET
@domain_view
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, pk=pk)
    return render(request, "sales/quotes/detail.html", _record_context(request, quote))


@login_required
@require_GET
@domain_view
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, pk=pk)
    response = HttpResponse(selectors.quote_pdf(quote=quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{selectors.quote_pdf_filename(quote=quote)}"'
    return response


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponseBase:
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        result = run(quote)
    except DomainError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("sales:quote_detail", pk=pk)
    messages.success(request, done)
    return redirect("sales:quote_detail", pk=getattr(result, "pk", pk))


@login_required
@require_POST
@domain_view
def quote_submit(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _action(
        request,
        pk,
        lambda q: services.quote_submit(actor=request.user, quote=q, expected_version=_version(request)),
        _("Sent for approval. A sales manager will review the discounts."),
    )


@login_required
@require_POST
@domain_view
def quote_approve(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _action(
        request,
        pk,
        lambda q: services.quote_approve(actor=request.user, quote=q, expected_version=_version(request)),
        _("Discounts approved: the quote can be sent."),
    )


@login_required
@require_POST
@domain_view
def quote_reject(request: HttpRequest, pk: int) -> HttpResponseBase:
    form = QuoteRejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _action(
        request,
        pk,
        lambda q: services.quote_reject(
            actor=request.user, quote=q, reason=reason, expected_version=_version(request)
        ),
        _("Discounts rejected: the quote is back in draft."),
    )


@login_required
@require_POST
@domain_view
def quote_revise(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _action(
        request,
        pk,
        lambda q: services.quote_revise(actor=request.user, quote=q, expected_version=_version(request)),
        _("New revision created as a draft."),
    )


@login_required
@require_POST
@domain_view
def quote_send(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = selectors.quote_get(user=request.user, pk=pk)
    form = QuoteSendForm(request.POST)
    if not form.is_valid():
        context = _record_context(request, quote, send_form=form, send_open=True)
        return render(request, "sales/quotes/detail.html", context, status=422)
    try:
        services.quote_send(
            actor=request.user,
            quote=quote,
            to=form.cleaned_data["to"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("sales:quote_detail", pk=pk)
    messages.success(request, _("The quote is on its way to %(to)s.") % {"to": form.cleaned_data["to"]})
    return redirect("sales:quote_detail", pk=pk)


# --- editing ----------------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def quote_update(request: HttpRequest, pk: int) -> HttpResponseBase:
    quote = selectors.quote_get(user=request.user, pk=pk, action="change")
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, str(QuoteNotEditable.default_message))
        return redirect("sales:quote_detail", pk=pk)
    contacts = selectors.quote_contact_choices(user=request.user, quote=quote)
    languages = [(code, str(label)) for code, label in settings.LANGUAGES]
    initial = {
        "contact": quote.contact_id,
        "valid_until": quote.valid_until,
        "language": quote.language,
        "terms": quote.terms,
        "notes": quote.notes,
        "version": quote.version,
    }
    data = request.POST if request.method == "POST" else None
    form = QuoteForm(data, initial=initial, contacts=contacts, languages=languages)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version", None)
        contact_id = changes.pop("contact")
        changes["contact"] = None if contact_id is None else contact_get(user=request.user, pk=contact_id)
        try:
            services.quote_update(actor=request.user, quote=quote, expected_version=version, **changes)
        except DomainError as exc:
            for field, msgs in exc.field_errors.items():
                form.add_error(field if field in form.fields else None, list(msgs))
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Quote saved."))
            return redirect("sales:quote_detail", pk=pk)
    return render(request, "sales/quotes/form.html", {"q": quote, "form": form})


def _line_initial(quote: Quote) -> list[dict[str, Any]]:
    return [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": f"{line.quantity.normalize():f}",
            "unit_price": f"{line.unit_price:f}",
            "unit_cost": "" if line.unit_cost is None else f"{line.unit_cost:f}",
            "discount_percent": f"{line.discount_percent.normalize():f}",
            "tax_rate": f"{line.tax_rate.normalize():f}",
        }
        for line in selectors.quote_lines(quote=quote)
    ]


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def quote_lines(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The lines editor: a row per line plus blank rows; blank rows are ignored. A product row takes its price
    from the catalog; a free row needs a description and a unit price."""
    quote = selectors.quote_get(user=request.user, pk=pk, action="change")
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, str(QuoteNotEditable.default_message))
        return redirect("sales:quote_detail", pk=pk)
    products = selectors.quote_product_choices(user=request.user)
    form_kwargs = {"products": products}
    if request.method != "POST":
        formset = QuoteLineFormSet(initial=_line_initial(quote), form_kwargs=form_kwargs, prefix="lines")
        return render(request, "sales/quotes/lines.html", _lines_context(quote, formset))
    formset = QuoteLineFormSet(request.POST, form_kwargs=form_kwargs, prefix="lines")
    status = 422
    if formset.is_valid():
        sent = [(n, f) for n, f in enumerate(formset.forms) if not f.is_blank()]
        lines = []
        for _n, form in sent:
            data = dict(form.cleaned_data)
            product = data.pop("product")
            if product is not None:
                data["product_id"] = product
                data.pop("unit_price", None)
            lines.append({k: v for k, v in data.items() if v not in (None, "")})
        try:
            services.quote_lines_set(
                actor=request.user, quote=quote, lines=lines, expected_version=_version(request)
            )
        except DomainError as exc:
            _lines_errors(formset, sent, exc)
            status = 409 if exc.status == 409 else 422
        else:
            messages.success(request, _("Lines saved."))
            return redirect("sales:quote_detail", pk=pk)
    return render(request, "sales/quotes/lines.html", _lines_context(quote, formset), status=status)


def _lines_errors(formset: Any, sent: list[tuple[int, Any]], exc: DomainError) -> None:
    """Put the service's `lines.<n>.<field>` errors on the right row and field of the editor."""
    placed = False
    for key, msgs in exc.field_errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(sent):
            form = sent[int(parts[1])][1]
            field = "product" if parts[2] in ("product_id", "currency") else parts[2]
            form.add_error(field if field in form.fields else None, list(msgs))
            placed = True
    if not placed:
        formset._non_form_errors = formset.error_class(
            [exc.message, *[m for v in exc.field_errors.values() for m in v]]
        )


def _lines_context(quote: Quote, formset: Any) -> dict[str, Any]:
    return {
        "q": quote,
        "formset": formset,
        "limit": services.discount_limit(),
        "fields": LINE_FIELDS,
    }


# --- the account page's panel ---------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_quotes(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    rows = selectors.account_quotes(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "rows": _rows(rows),
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/quotes/account_panel.html", context)


# --- the customer's page (no login) ---------------------------------------------------------------------------------
def _public_context(quote: Quote, token: str, **extra: Any) -> dict[str, Any]:
    refusal = ""
    try:
        services.quote_answer_check(quote=quote)
    except DomainError as exc:
        refusal = exc.message
    return {
        "q": quote,
        "token": token,
        "lines": selectors.quote_lines(quote=quote),
        "refusal": refusal,
        "company_name": settings.CRM_COMPANY_NAME,
        "accept_form": extra.pop("accept_form", None) or QuoteAcceptForm(),
        "decline_form": extra.pop("decline_form", None) or QuoteDeclineForm(),
        **extra,
    }


def _public_quote(token: str) -> Quote | None:
    try:
        return selectors.quote_public_get(token=token)
    except DomainError:
        return None


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/quotes/public_invalid.html", status=404)


@require_GET
def quote_public(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page: the quote in its language, and the accept / decline forms while it is open."""
    quote = _public_quote(token)
    if quote is None:
        return _invalid_link(request)
    with translation.override(quote.language):
        return render(request, "sales/quotes/public.html", _public_context(quote, token))


@require_GET
def quote_public_pdf(request: HttpRequest, token: str) -> HttpResponse:
    quote = _public_quote(token)
    if quote is None:
        return _invalid_link(request)
    response = HttpResponse(selectors.quote_pdf(quote=quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{selectors.quote_pdf_filename(quote=quote)}"'
    return response


@require_POST
def quote_public_answer(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """Accept (typing a name) or decline (an optional comment). A refused answer re-renders the page with the
    reason (409) and changes nothing."""
    quote = _public_quote(token)
    if quote is None:
        return _invalid_link(request)
    with translation.override(quote.language):
        accept_form = QuoteAcceptForm(request.POST if answer == "accept" else None)
        decline_form = QuoteDeclineForm(request.POST if answer == "decline" else None)
        form = accept_form if answer == "accept" else decline_form
        if not form.is_valid():
            context = _public_context(quote, token, accept_form=accept_form, decline_form=decline_form)
            return render(request, "sales/quotes/public.html", context, status=422)
        try:
            if answer == "accept":
                decided = services.quote_accept(quote=quote, name=form.cleaned_data["name"])
            else:
                decided = services.quote_decline(quote=quote, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            for field, msgs in exc.field_errors.items():
                form.add_error(field if field in form.fields else None, list(msgs))
            context = _public_context(
                quote, token, accept_form=accept_form, decline_form=decline_form, error=exc.message
            )
            return render(request, "sales/quotes/public.html", context, status=exc.status)
        return render(request, "sales/quotes/public_done.html", {"q": decided, "token": token})
