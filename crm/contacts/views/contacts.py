"""Contact pages: list, create (also from an account), edit, record page, inline fields, owner, recycle bin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.contacts import selectors, services
from crm.contacts.duplicates.views import duplicate_confirmed, duplicate_panel
from crm.contacts.forms import AddressForm, ContactForm, MembershipForm, OwnerChangeForm
from crm.contacts.listing import CONTACT_LIST
from crm.contacts.views.bulk import bulk_page
from crm.contacts.views.columns import contact_columns
from crm.contacts.views.common import active_users, domain_view, language, safe_next, url_or_none
from crm.contacts.views.lists import ListConfig, list_page
from crm.contacts.views.records import (
    RecordConfig,
    can,
    field_rows,
    form_kwargs,
    record_field,
    record_tab_active,
    record_tabs,
    resolve_references,
    save_form,
    split_empty,
)
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import InvalidInput, RecordNotFound

OBJECT_TYPE = "contacts.contact"


CONTACTS = ListConfig(
    object_type=OBJECT_TYPE,
    spec=CONTACT_LIST,
    columns=contact_columns,
    default_columns=("account", "email", "phone", "owner", "updated_at"),
    primary_filters=("owner", "email_consent", "tag"),
    more_filters=("do_not_call", "job_title", "created_at", "updated_at"),
    list_fn=selectors.contact_list,
    count_fn=selectors.contact_count,
    export_fn=selectors.contact_export_batches,
    url_name="contacts:contact_list",
    create_url_name="contacts:contact_create",
    bulk_url_name="contacts:contact_bulk",
    title=gettext_lazy("Contacts"),
    noun_plural=gettext_lazy("contacts"),
    noun_singular=gettext_lazy("contact"),
    new_label=gettext_lazy("New contact"),
    search_placeholder=gettext_lazy("Search contacts…"),
    empty_title=gettext_lazy("No contacts yet"),
    empty_text=gettext_lazy(
        "Contacts are the people you talk to. Add one, or open an account and add its people."
    ),
    csv_name="contacts",
    tag_choices=selectors.tag_names,
)

RECORD = RecordConfig(
    object_type=OBJECT_TYPE,
    kwarg="contact",
    get_fn=selectors.contact_get,
    update_fn=services.contact_update,
    form_class=ContactForm,
    columns=contact_columns,
    field_keys=(
        "first_name",
        "last_name",
        "job_title",
        "department",
        "email",
        "phone",
        "mobile",
        "other_emails",
        "other_phones",
        "language",
        "birthday",
        "description",
    ),
    extra_field_keys=("tags", "email_consent", "do_not_call", "consent_source"),
    field_url_name="contacts:contact_field",
    subtitle_template="contacts/contact_detail.html#record_subtitle",
    subtitle_context=lambda contact: {"contact": contact},
    refresh_keys=("first_name", "last_name"),
)


@login_required
@require_GET
@domain_view
def contact_list(request: HttpRequest) -> HttpResponseBase:
    return list_page(request, CONTACTS)


@login_required
@require_POST
@domain_view
def contact_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(
        request,
        config=CONTACTS,
        assign=services.contact_bulk_assign_owner,
        tag=services.contact_bulk_tag,
        delete=services.contact_bulk_delete,
    )


@login_required
@domain_view
def contact_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    account_id = request.GET.get("account") or request.POST.get("account") or ""
    account = None
    if account_id.isdigit():
        try:
            account = selectors.account_get(user=user, pk=account_id)
        except RecordNotFound:
            account = None
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        initial={"owner": user.pk, "account": account.pk if account else None},
        **form_kwargs(RECORD, user, account=account),
    )

    def create(changes: dict[str, Any]) -> Any:
        data = dict(form.cleaned_data)
        extra = resolve_references(user, {"account": data.get("account")})
        return services.contact_create(
            actor=user,
            account=extra["account"] or None,
            account_role=data.get("account_role") or "",
            duplicate_check=not duplicate_confirmed(request),
            **changes,
        )

    response = save_form(request, form, create, _("Contact “%(name)s” created."))
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "title": _("New contact"),
            "subtitle": _("at %(account)s") % {"account": account.name} if account else "",
            "cancel_url": account.get_absolute_url() if account else reverse("contacts:contact_list"),
            "next": account.get_absolute_url() if account else "",
            "submit_label": _("Create contact"),
            "tag_options": selectors.tag_names(),
            **duplicate_panel("contacts"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@domain_view
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk, action="change")
    form = ContactForm(
        request.POST if request.method == "POST" else None, **form_kwargs(RECORD, user, contact)
    )
    version = request.POST.get("version") or str(contact.version)
    response = save_form(
        request,
        form,
        lambda changes: services.contact_update(
            actor=user,
            contact=contact,
            expected_version=int(version) if version.isdigit() else -1,
            duplicate_check=not duplicate_confirmed(request),
            **changes,
        ),
        _("Contact “%(name)s” saved."),
    )
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "record": contact,
            "version": version,
            "title": _("Edit %(name)s") % {"name": contact},
            "cancel_url": contact.get_absolute_url(),
            "submit_label": _("Save changes"),
            "tag_options": selectors.tag_names(),
            **duplicate_panel("contacts", exclude=contact.pk),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
@domain_view
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    definitions = custom_field_list(object_type=OBJECT_TYPE)
    columns = contact_columns(definitions, language=language())
    can_change = can(user, contact, OBJECT_TYPE, "change")
    tabs = record_tabs(OBJECT_TYPE, contact.pk)
    context: dict[str, Any] = {
        "contact": contact,
        "record": contact,
        "object_type": OBJECT_TYPE,
        "can_change": can_change,
        "can_delete": can(user, contact, OBJECT_TYPE, "delete"),
        **split_empty(
            field_rows(RECORD, contact, columns, RECORD.field_keys, can_edit=can_change, with_custom=True)
        ),
        "tags_row": field_rows(RECORD, contact, columns, ["tags"], can_edit=can_change, with_custom=False)[0],
        "consent_rows": field_rows(
            RECORD,
            contact,
            columns,
            ["email_consent", "do_not_call", "consent_source"],
            can_edit=can_change,
            with_custom=False,
        ),
        "owner_form": OwnerChangeForm(users=active_users(), initial={"owner": contact.owner_id}),
        "record_tabs": tabs,
        "record_tab": record_tab_active(request, tabs),
        "composer_url": url_or_none("activities:composer", OBJECT_TYPE, contact.pk),
        "memberships": list(contact.memberships.all()),
        "addresses": [
            (
                a,
                AddressForm(
                    prefix=f"a{a.pk}",
                    initial={
                        "kind": a.kind,
                        "street": a.street,
                        "postal_code": a.postal_code,
                        "city": a.city,
                        "region": a.region,
                        "country": a.country,
                        "is_primary": a.is_primary,
                    },
                ),
            )
            for a in selectors.contact_addresses(contact=contact)
        ],
        "address_form": AddressForm(prefix="new"),
        "membership_form": MembershipForm(),
        "list_url": reverse("contacts:contact_list"),
        "tag_options": selectors.tag_names(),
    }
    return render(request, "contacts/contact_detail.html", context)


@login_required
@domain_view
def contact_field(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return record_field(request, RECORD, pk, key)


@login_required
@require_POST
@domain_view
def contact_owner(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    form = OwnerChangeForm(request.POST, users=active_users())
    if not form.is_valid():
        messages.error(request, _("Choose the new owner."))
        return redirect(contact.get_absolute_url())
    try:
        owner = resolve_references(user, {"owner": form.cleaned_data["owner"]})["owner"]
        services.contact_assign_owner(
            actor=user, contact=contact, owner=owner, reason=form.cleaned_data["reason"]
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("%(name)s now owns this contact.") % {"name": owner})
    return redirect(contact.get_absolute_url())


@login_required
@require_POST
@domain_view
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get(user=user, pk=pk)
    services.contact_delete(actor=user, contact=contact)
    messages.success(request, _("“%(name)s” moved to the recycle bin.") % {"name": contact})
    return redirect(safe_next(request, reverse("contacts:contact_list")))
