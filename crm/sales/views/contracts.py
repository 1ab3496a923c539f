"""Contract pages: the list, the record page (lines with their periods, generated invoices, renewal), the form
with its lines, the state actions, and the account page's "Contracts & subscriptions" panel.

Thin: parse, call one selector or service, render. Service errors become inline form errors or toasts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.catalog.selectors import product_get, product_query
from crm.contacts.selectors import account_choices, account_get, contact_get
from crm.contacts.selectors import account_contacts as account_contacts_of
from crm.contacts.views.common import domain_view, url_or_none
from crm.core.errors import ConcurrentEdit, DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.identity.selectors import user_choices, user_get
from crm.core.listing import Page
from crm.sales.enums import ContractStatus
from crm.sales.forms import ContractCancelForm, ContractForm, ContractLineFormSet
from crm.sales.models import Contract
from crm.sales.periods import period_end
from crm.sales.selectors.contracts import (
    CONTRACT_LIST,
    account_contracts,
    contract_count,
    contract_get,
    contract_invoices,
    contract_list,
    contract_successor,
)
from crm.sales.services.contract_billing import contract_invoices_generate
from crm.sales.services.contract_renewals import contract_yearly_amount
from crm.sales.services.contracts import contract_activate, contract_cancel, contract_create, contract_update

OBJECT_TYPE = "sales.contract"
STATUS_VARIANTS: dict[str, str] = {
    ContractStatus.DRAFT: "neutral",
    ContractStatus.ACTIVE: "success",
    ContractStatus.EXPIRED: "warning",
    ContractStatus.CANCELLED: "danger",
    ContractStatus.RENEWED: "info",
}
CONTRACT_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "currency",
    "payment_terms_days",
    "renewal_notice_days",
    "renewal_term_months",
    "auto_renew",
    "terms",
)
BLANK_LINES = 3


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version") or ""
    return int(raw) if raw.isdigit() else None


def _errors_text(exc: DomainError) -> str:
    if not exc.field_errors:
        return exc.message
    return " ".join(" ".join(messages_) for messages_ in exc.field_errors.values())


# --- the list -------------------------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def contract_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    params = request.GET
    error = ""
    filters = {k: v for k, v in params.items() if k not in {"sort", "cursor", "limit"} and v}
    try:
        page = contract_list(
            user=user,
            params=filters,
            sort=params.get("sort"),
            cursor=params.get("cursor"),
            limit=params.get("limit"),
        )
        count, capped = contract_count(user=user, params=filters)
    except InvalidInput as exc:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        page = Page(items=[], next_cursor=None, sort=CONTRACT_LIST.default_sort, limit=50)
        count, capped = 0, False
    next_params = params.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    context = {
        "page": page,
        "rows": [{"c": c, "variant": STATUS_VARIANTS.get(c.status, "neutral")} for c in page.items],
        "count": count,
        "capped": capped,
        "error": error,
        "statuses": ContractStatus.choices,
        "params": params,
        "sort": page.sort,
        "next_query": next_params.urlencode() if page.next_cursor else "",
        "is_filtered": bool(filters),
        "can_create": user_can(user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/contracts/contract_list.html", context)


# --- the record page -----------------------------------------------------------------------------------------
def _line_rows(contract: Contract) -> list[dict[str, Any]]:
    rows = []
    for line in contract.lines.all():
        period_to = None
        if line.next_invoice_on is not None:
            period_to = period_end(
                anchor=contract.start_date,
                start=line.next_invoice_on,
                billing_period=line.billing_period,
                last_day=contract.end_date,
            )
        rows.append({"line": line, "next_period_end": period_to})
    return rows


@login_required
@require_GET
@domain_view
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = contract_get(user=user, pk=pk)
    invoices = contract_invoices(user=user, contract=contract)
    can_change = user_can(user, OBJECT_TYPE, "change")
    context = {
        "c": contract,
        "variant": STATUS_VARIANTS.get(contract.status, "neutral"),
        "lines": _line_rows(contract),
        "invoices": [
            {
                "invoice": inv,
                "url": url_or_none("sales:invoice_detail", inv.pk),
                "lines": list(inv.lines.all()),
            }
            for inv in invoices
        ],
        "successor": contract_successor(user=user, contract=contract),
        "can_change": can_change,
        "can_activate": can_change and contract.status == ContractStatus.DRAFT,
        "can_cancel": can_change and contract.status in (ContractStatus.DRAFT, ContractStatus.ACTIVE),
        "can_edit": can_change and contract.status in (ContractStatus.DRAFT, ContractStatus.ACTIVE),
        "can_generate": can_change and contract.status == ContractStatus.ACTIVE,
        "cancel_form": ContractCancelForm(initial={"version": contract.version}),
        "timeline_url": url_or_none("activities:timeline", OBJECT_TYPE, contract.pk),
        "yearly": contract_yearly_amount(contract=contract),
        "renewal_day": contract.end_date - dt.timedelta(days=contract.renewal_notice_days),
    }
    return render(request, "sales/contracts/contract_detail.html", context)


@login_required
@require_POST
@domain_view
def contract_activate_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    contract = contract_get(user=request.user, pk=pk)
    try:
        contract_activate(actor=request.user, contract=contract, expected_version=_version(request))
    except (InvalidInput, ConcurrentEdit) as exc:
        messages.error(request, _errors_text(exc))
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The contract is active: its lines bill from the start date."))
    return redirect("sales:contract_detail", pk=pk)


@login_required
@require_POST
@domain_view
def contract_cancel_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    contract = contract_get(user=request.user, pk=pk)
    form = ContractCancelForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        contract_cancel(
            actor=request.user, contract=contract, expected_version=_version(request), reason=reason
        )
    except (InvalidInput, ConcurrentEdit) as exc:
        messages.error(request, _errors_text(exc))
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The contract is cancelled: nothing more will be invoiced."))
    return redirect("sales:contract_detail", pk=pk)


@login_required
@require_POST
@domain_view
def contract_generate_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    contract = contract_get(user=request.user, pk=pk)
    try:
        run = contract_invoices_generate(today=timezone.localdate(), actor=request.user, contract=contract)
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
    else:
        if run.count:
            messages.success(
                request,
                ngettext("%(count)s draft invoice created.", "%(count)s draft invoices created.", run.count)
                % {"count": run.count},
            )
        else:
            messages.info(request, _("Nothing is due yet: every line is invoiced up to today."))
    return redirect("sales:contract_detail", pk=pk)


# --- the form ------------------------------------------------------------------------------------------------
def _products(user: Any) -> list[tuple[int, str]]:
    rows = (
        product_query(user=user)
        .filter(is_active=True)
        .order_by("name", "id")
        .values_list("id", "sku", "name")
    )
    return [(pk, f"{name} · {sku}") for pk, sku, name in rows[:500]]


def _contact_choices(request: HttpRequest, contract: Contract | None) -> list[tuple[int, str]] | None:
    """The people of the contract's account (or of the account the form names); None when there is none."""
    raw = request.POST.get("account") if request.method == "POST" else request.GET.get("account")
    account: Any = contract.account if contract is not None else None
    if raw and str(raw).isdigit():
        try:
            account = account_get(user=request.user, pk=int(raw))
        except RecordNotFound:
            account = None
    if account is None:
        return None
    return [
        (m.contact_id, m.contact.full_name) for m in account_contacts_of(user=request.user, account=account)
    ]


def _contact(request: HttpRequest, form: ContractForm) -> Any:
    pk = form.cleaned_data.get("contact")
    return contact_get(user=request.user, pk=pk) if pk else None


def _forms(request: HttpRequest, contract: Contract | None) -> tuple[ContractForm, Any]:
    user = request.user
    accounts = account_choices(user=user, include=contract.account_id if contract else None)
    if contract is not None:
        initial: dict[str, Any] = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
        initial.update(
            {"account": contract.account_id, "owner": contract.owner_id, "version": contract.version}
        )
        lines_initial = [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "billing_period": line.billing_period,
            }
            for line in contract.lines.all()
        ]
    else:
        today = timezone.localdate()
        initial = {
            "owner": user.pk,
            "currency": "EUR",
            "account": request.GET.get("account"),
            "start_date": today,
            "end_date": dt.date(today.year + 1, today.month, 1) - dt.timedelta(days=1),
        }
        lines_initial = []
    lines_initial += [{}] * BLANK_LINES
    data = request.POST if request.method == "POST" else None
    if contract is not None:
        initial["contact"] = contract.contact_id
    form = ContractForm(
        data,
        initial=initial,
        accounts=accounts,
        owners=user_choices(),
        contacts=_contact_choices(request, contract),
    )
    locked = contract is not None and contract.status != ContractStatus.DRAFT
    lines = ContractLineFormSet(
        None if locked else data,
        initial=lines_initial,
        prefix="lines",
        form_kwargs={"products": _products(user)},
    )
    return form, lines


def _lines_data(request: HttpRequest, lines: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows as the service's line dicts, and each one's row index in the formset."""
    out: list[dict[str, Any]] = []
    rows: list[int] = []
    for index, line_form in enumerate(lines.forms):
        if line_form.is_blank:
            continue
        data = {k: v for k, v in line_form.cleaned_data.items() if v not in (None, "")}
        if data.get("product"):
            try:
                data["product"] = product_get(user=request.user, pk=data["product"])
            except RecordNotFound:
                line_form.add_error("product", _("Choose a product you can see."))
                continue
        out.append(data)
        rows.append(index)
    return out, rows


def _apply_errors(form: ContractForm, lines: Any, rows: list[int], exc: DomainError) -> None:
    if isinstance(exc, ConcurrentEdit) or not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for key, msgs in exc.field_errors.items():
        if key.startswith("lines."):
            parts = key.split(".")
            index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
            name = parts[2] if len(parts) > 2 else None
            if 0 <= index < len(rows):
                target = lines.forms[rows[index]]
                target.add_error(name if name in target.fields else None, msgs)
                continue
            form.add_error(None, msgs)
        elif key == "lines":
            form.add_error(None, msgs)
        else:
            form.add_error(key if key in form.fields else None, msgs)


def _form_page(
    request: HttpRequest, *, form: ContractForm, lines: Any, contract: Contract | None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "lines": lines,
        "contract": contract,
        "title": _("Edit contract") if contract else _("New contract"),
        "submit_label": _("Save") if contract else _("Create contract"),
        "cancel_url": contract.get_absolute_url() if contract else reverse("sales:contract_list"),
        "lines_locked": contract is not None and contract.status != ContractStatus.DRAFT,
    }
    return render(request, "sales/contracts/contract_form.html", context, status=status)


def _owner(form: ContractForm) -> Any:
    return user_get(pk=form.cleaned_data["owner"])


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def contract_create_view(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, OBJECT_TYPE, "create"):
        raise RecordNotFound()
    form, lines = _forms(request, None)
    if request.method == "POST":
        form_ok, lines_ok = form.is_valid(), lines.is_valid()
        if form_ok and lines_ok:
            raw, rows = _lines_data(request, lines)
            if any(f.errors for f in lines.forms):
                return _form_page(request, form=form, lines=lines, contract=None, status=422)
            try:
                account = account_get(user=request.user, pk=form.cleaned_data["account"])
                fields = {name: form.cleaned_data[name] for name in CONTRACT_FIELDS}
                if "contact" in form.fields:
                    fields["contact"] = _contact(request, form)
                contract = contract_create(
                    actor=request.user, owner=_owner(form), account=account, lines=raw, **fields
                )
            except RecordNotFound:
                form.add_error("account", _("Choose an account you can see."))
            except DomainError as exc:
                _apply_errors(form, lines, rows, exc)
            else:
                messages.success(request, _("Contract %(number)s created.") % {"number": contract.number})
                return redirect(contract)
        return _form_page(request, form=form, lines=lines, contract=None, status=422)
    return _form_page(request, form=form, lines=lines, contract=None)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def contract_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = contract_get(user=request.user, pk=pk, action="change")
    form, lines = _forms(request, contract)
    is_draft = contract.status == ContractStatus.DRAFT
    if request.method == "POST":
        form_ok, lines_ok = form.is_valid(), (lines.is_valid() if is_draft else True)
        raw, rows = _lines_data(request, lines) if form_ok and lines_ok and is_draft else ([], [])
        if form_ok and lines_ok and not any(f.errors for f in lines.forms):
            changes: dict[str, Any] = {}
            try:
                if is_draft:
                    changes = {name: form.cleaned_data[name] for name in CONTRACT_FIELDS}
                    changes["account"] = account_get(user=request.user, pk=form.cleaned_data["account"])
                    changes["lines"] = raw
                else:
                    changes = {
                        name: form.cleaned_data[name]
                        for name in (
                            "title",
                            "auto_renew",
                            "renewal_term_months",
                            "renewal_notice_days",
                            "terms",
                        )
                    }
                changes["owner"] = _owner(form)
                if "contact" in form.fields:
                    changes["contact"] = _contact(request, form)
                contract_update(
                    actor=request.user,
                    contract=contract,
                    expected_version=form.cleaned_data.get("version"),
                    **changes,
                )
            except RecordNotFound:
                form.add_error("account", _("Choose an account you can see."))
            except DomainError as exc:
                _apply_errors(form, lines, rows, exc)
            else:
                messages.success(request, _("Contract saved."))
                return redirect("sales:contract_detail", pk=pk)
        return _form_page(request, form=form, lines=lines, contract=contract, status=422)
    return _form_page(request, form=form, lines=lines, contract=contract)


# --- the account page's panel --------------------------------------------------------------------------------
@login_required
@require_GET
@domain_view
def account_contracts_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = account_get(user=request.user, pk=account_id)
    rows = account_contracts(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "rows": [{"c": c, "variant": STATUS_VARIANTS.get(c.status, "neutral")} for c in rows],
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/contracts/account_contracts.html", context)
