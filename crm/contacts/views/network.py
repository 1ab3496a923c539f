"""The relationship network on the record pages: the account's family tree and typed links (a panel loaded
by URL), links between people, and a person's role in an account."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.contacts import network, selectors
from crm.contacts.network_forms import AccountLinkForm, ContactLinkForm, RoleForm
from crm.contacts.services import network as network_services
from crm.contacts.views.common import domain_view, safe_next
from crm.contacts.views.records import can
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.ui.toasts import toast


def _changed(response: HttpResponse, message: str) -> HttpResponse:
    response["HX-Trigger"] = json.dumps({"timelineChanged": None})
    return toast(response, message)


def _account_panel(
    request: HttpRequest, account: Any, form: AccountLinkForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "account": account,
        "family": network.account_family(user=user, account=account),
        "link_groups": network.account_links(user=user, account=account),
        "can_change": can(user, account, "contacts.account", "change"),
        "link_form": form or AccountLinkForm(auto_id="link_%s"),
    }
    return render(request, "contacts/_network_panel.html", context, status=status)


@login_required
@require_GET
@domain_view
def account_network(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Network" panel of the account page: hierarchy tree and typed links, grouped by type."""
    return _account_panel(request, selectors.account_ref(user=request.user, pk=pk))


@login_required
@require_POST
@domain_view
def account_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk)
    form = AccountLinkForm(request.POST, auto_id="link_%s")
    if form.is_valid():
        try:
            other = selectors.account_get(user=user, pk=form.cleaned_data["to_account"])
        except RecordNotFound:
            form.add_error("to_account", _("Choose an account you can see."))
        else:
            try:
                network_services.account_link_create(
                    actor=user,
                    from_account=account,
                    to_account=other,
                    link_type=form.cleaned_data["link_type"],
                    note=form.cleaned_data["note"],
                )
            except InvalidInput as exc:
                for name, problems in exc.field_errors.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                return _changed(_account_panel(request, account), _("Link added."))
    return _account_panel(request, account, form, status=422)


@login_required
@require_POST
@domain_view
def account_link_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk)
    link = network.account_link_get(user=user, pk=link_pk)
    if account.pk not in (link.from_account_id, link.to_account_id):
        raise RecordNotFound()
    network_services.account_link_delete(actor=user, link=link)
    return _changed(_account_panel(request, account), _("Link removed."))


def _contact_panel(
    request: HttpRequest, contact: Any, form: ContactLinkForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "contact": contact,
        "link_groups": network.contact_links(user=user, contact=contact),
        "can_change": can(user, contact, "contacts.contact", "change"),
        "link_form": form or ContactLinkForm(auto_id="clink_%s"),
    }
    return render(request, "contacts/_contact_network_panel.html", context, status=status)


@login_required
@require_GET
@domain_view
def contact_network(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_panel(request, selectors.contact_get(user=request.user, pk=pk))


@login_required
@require_POST
@domain_view
def contact_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    form = ContactLinkForm(request.POST, auto_id="clink_%s")
    if form.is_valid():
        try:
            other = selectors.contact_get(user=user, pk=form.cleaned_data["to_contact"])
        except RecordNotFound:
            form.add_error("to_contact", _("Choose a contact you can see."))
        else:
            try:
                network_services.contact_link_create(
                    actor=user,
                    from_contact=contact,
                    to_contact=other,
                    link_type=form.cleaned_data["link_type"],
                )
            except InvalidInput as exc:
                for name, problems in exc.field_errors.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                return _changed(_contact_panel(request, contact), _("Link added."))
    return _contact_panel(request, contact, form, status=422)


@login_required
@require_POST
@domain_view
def contact_link_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    link = network.contact_link_get(user=user, pk=link_pk)
    if contact.pk not in (link.from_contact_id, link.to_contact_id):
        raise RecordNotFound()
    network_services.contact_link_delete(actor=user, link=link)
    return _changed(_contact_panel(request, contact), _("Link removed."))


@login_required
@require_GET
@domain_view
def contact_picker_options(request: HttpRequest) -> HttpResponse:
    """The record picker's suggestions: up to 10 contacts the user may see whose name contains ``q``."""
    q = request.GET.get("q", "").strip()[:100]
    found = selectors.contact_search(user=request.user, q=q, limit=10)
    context = {
        "options": [(c.pk, str(c), c.email) for c in found],
        "q": q,
        "selected": request.GET.get("selected", ""),
    }
    return render(request, "ui/components/record_picker_options.html", context)


@login_required
@require_POST
@domain_view
def membership_role(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    """Change contact `pk`'s role in account `account_pk` (the People panel of the account page)."""
    from django.contrib import messages

    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    account = selectors.account_get(user=user, pk=account_pk)
    back = safe_next(request, account.get_absolute_url() + "#contacts")
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect(back)
    try:
        network_services.membership_role_set(
            actor=user, contact=contact, account=account, role=form.cleaned_data["role"]
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms))
    except PermissionDenied as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role of %(name)s saved.") % {"name": contact})
    return redirect(back)
