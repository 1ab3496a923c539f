"""Forms of the account page loaded when the user opens them (htmx `hx-trigger="toggle once"`): rendering a
select of every user or every address's form up front cost the page ~20 ms that most visits never use."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from crm.contacts import selectors
from crm.contacts.forms import AddressForm, OwnerChangeForm
from crm.contacts.views.common import active_users, domain_view


@login_required
@require_GET
@domain_view
def account_owner_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner-change form (a select of every active user)."""
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    form = OwnerChangeForm(users=active_users(), initial={"owner": account.owner_id})
    owner_url = reverse("contacts:account_owner", args=[account.pk])
    return render(request, "contacts/_owner_form.html", {"owner_form": form, "owner_url": owner_url})


@login_required
@require_GET
@domain_view
def account_address_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty "add address" form of an account."""
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    context = {
        "address_form": AddressForm(prefix="new"),
        "add_url": reverse("contacts:account_address_add", args=[account.pk]),
    }
    return render(request, "contacts/_address_add_form.html", context)


@login_required
@require_GET
@domain_view
def address_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit and remove forms of one address (of an account or a contact the user may see)."""
    address = selectors.address_get(user=request.user, pk=pk)
    form = AddressForm(
        prefix=f"a{address.pk}",
        initial={
            "kind": address.kind,
            "street": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            "region": address.region,
            "country": address.country,
            "is_primary": address.is_primary,
        },
    )
    record = address.account or address.contact
    return render(
        request, "contacts/_address_edit_form.html", {"address": address, "form": form, "record": record}
    )
