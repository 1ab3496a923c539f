"""The related panels of the record pages: addresses, and who belongs to which account (with a role)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.contacts import selectors, services
from crm.contacts.forms import AddressForm, MembershipForm
from crm.contacts.views.common import domain_view, safe_next
from crm.core.errors import InvalidInput, RecordNotFound

PICKER_LIMIT = 8


def _problems(exc: InvalidInput) -> str:
    return " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message


def _form_problems(form: AddressForm | MembershipForm) -> str:
    return " ".join(
        f"{form.fields[n].label}: {e}" if n in form.fields else str(e)
        for n, es in form.errors.items()
        for e in es
    )


# --- addresses ---------------------------------------------------------------------------------------------


def _address_add(request: HttpRequest, **parent: object) -> HttpResponse:
    record = next(iter(parent.values()))
    back = record.get_absolute_url() + "#addresses"  # type: ignore[attr-defined]
    form = AddressForm(request.POST, prefix="new")
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return redirect(back)
    try:
        services.address_add(actor=request.user, **parent, **form.cleaned_data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        messages.error(request, _problems(exc))
    else:
        messages.success(request, _("Address added."))
    return redirect(back)


@login_required
@require_POST
@domain_view
def account_address_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _address_add(request, account=selectors.account_get(user=request.user, pk=pk))


@login_required
@require_POST
@domain_view
def contact_address_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _address_add(request, contact=selectors.contact_get(user=request.user, pk=pk))


@login_required
@require_POST
@domain_view
def address_update(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_get(user=request.user, pk=pk)
    parent = address.account or address.contact
    back = safe_next(request, parent.get_absolute_url() if parent else "/")
    form = AddressForm(request.POST, prefix=f"a{address.pk}")
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return redirect(back)
    try:
        services.address_update(actor=request.user, address=address, **form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, _problems(exc))
    else:
        messages.success(request, _("Address saved."))
    return redirect(back)


@login_required
@require_POST
@domain_view
def address_remove(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_get(user=request.user, pk=pk)
    parent = address.account or address.contact
    services.address_remove(actor=request.user, address=address)
    messages.success(request, _("Address removed."))
    return redirect(safe_next(request, parent.get_absolute_url() if parent else "/"))


# --- memberships -------------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_view
def account_contact_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """Contacts matching ?q= that are not yet members of the account (htmx fragment)."""
    account = selectors.account_get(user=request.user, pk=pk)
    q = (request.GET.get("q") or "").strip()[:100]
    members = {m.contact_id for m in selectors.account_contacts(user=request.user, account=account)}
    found = [
        c
        for c in selectors.contact_search(user=request.user, q=q, limit=PICKER_LIMIT + len(members))
        if c.pk not in members
    ][:PICKER_LIMIT]
    options = [(c.pk, str(c), c.primary_account.name if c.primary_account else c.email) for c in found]
    return render(request, "contacts/_picker_results.html", {"options": options, "q": q})


@login_required
@require_GET
@domain_view
def contact_account_picker(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, pk=pk)
    q = (request.GET.get("q") or "").strip()[:100]
    members = {m.account_id for m in contact.memberships.all()}
    found = [
        a
        for a in selectors.account_search(user=request.user, q=q, limit=PICKER_LIMIT + len(members))
        if a.pk not in members
    ][:PICKER_LIMIT]
    options = [(a.pk, a.name, a.get_account_type_display()) for a in found]
    return render(request, "contacts/_picker_results.html", {"options": options, "q": q})


def _link(request: HttpRequest, *, contact_pk: int | None, account_pk: int | None, back: str) -> HttpResponse:
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who to link."))
        return redirect(back)
    data = form.cleaned_data
    try:
        contact = selectors.contact_get(user=request.user, pk=contact_pk or data["other"])
        account = selectors.account_get(user=request.user, pk=account_pk or data["other"])
        services.contact_link_account(
            actor=request.user,
            contact=contact,
            account=account,
            role=data["role"],
            job_title=data["job_title"],
        )
    except RecordNotFound:
        messages.error(request, _("That record is not available."))
    except InvalidInput as exc:
        messages.error(request, _problems(exc))
    else:
        messages.success(
            request, _("%(contact)s linked to %(account)s.") % {"contact": contact, "account": account}
        )
    return redirect(back)


@login_required
@require_POST
@domain_view
def account_contact_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, pk=pk)
    return _link(
        request, contact_pk=None, account_pk=account.pk, back=account.get_absolute_url() + "#contacts"
    )


@login_required
@require_POST
@domain_view
def contact_account_link(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, pk=pk)
    return _link(
        request, contact_pk=contact.pk, account_pk=None, back=contact.get_absolute_url() + "#accounts"
    )


@login_required
@require_POST
@domain_view
def membership_remove(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    """Unlink contact `pk` from account `account_pk` (the contact and the account stay)."""
    contact = selectors.contact_get(user=request.user, pk=pk)
    account = selectors.account_get(user=request.user, pk=account_pk)
    services.contact_unlink_account(actor=request.user, contact=contact, account=account)
    messages.success(
        request,
        _("%(contact)s is no longer linked to %(account)s.")
        % {
            "contact": contact,
            "account": account,
        },
    )
    return redirect(safe_next(request, contact.get_absolute_url()))
