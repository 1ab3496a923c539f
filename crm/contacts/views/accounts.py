"""Account pages: list, create, edit, record page, inline fields, owner change, recycle bin, bulk actions."""

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

from crm.contacts import network, selectors, services
from crm.contacts.duplicates.views import duplicate_confirmed, duplicate_panel
from crm.contacts.enums import ContactRole
from crm.contacts.forms import AccountForm, OwnerChangeForm
from crm.contacts.listing import ACCOUNT_LIST
from crm.contacts.panels import account_panels
from crm.contacts.views.bulk import bulk_page
from crm.contacts.views.columns import STATUS_VARIANTS, TYPE_VARIANTS, account_columns
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
from crm.core.errors import InvalidInput

OBJECT_TYPE = "contacts.account"


ACCOUNTS = ListConfig(
    object_type=OBJECT_TYPE,
    spec=ACCOUNT_LIST,
    columns=account_columns,
    default_columns=("account_type", "status", "owner", "tags", "updated_at"),
    primary_filters=("account_type", "status", "owner", "tag"),
    more_filters=("industry", "size", "territory", "created_at", "updated_at"),
    list_fn=selectors.account_list,
    count_fn=selectors.account_count,
    export_fn=selectors.account_export_batches,
    url_name="contacts:account_list",
    create_url_name="contacts:account_create",
    bulk_url_name="contacts:account_bulk",
    title=gettext_lazy("Accounts"),
    noun_plural=gettext_lazy("accounts"),
    noun_singular=gettext_lazy("account"),
    new_label=gettext_lazy("New account"),
    search_placeholder=gettext_lazy("Search accounts…"),
    empty_title=gettext_lazy("No accounts yet"),
    empty_text=gettext_lazy(
        "Accounts are the companies you sell to, buy from or partner with. Add the first one."
    ),
    csv_name="accounts",
    tag_choices=selectors.tag_names,
)

RECORD = RecordConfig(
    object_type=OBJECT_TYPE,
    kwarg="account",
    get_fn=selectors.account_get,
    update_fn=services.account_update,
    form_class=AccountForm,
    columns=account_columns,
    field_keys=(
        "account_type",
        "status",
        "industry",
        "size",
        "email",
        "phone",
        "website",
        "legal_name",
        "tax_id",
        "parent",
        "territory",
        "other_emails",
        "other_phones",
        "description",
    ),
    extra_field_keys=("name", "tags"),
    field_url_name="contacts:account_field",
    subtitle_template="contacts/account_detail.html#record_subtitle",
    subtitle_context=lambda account: {
        "account": account,
        "status_variant": STATUS_VARIANTS.get(account.status, "neutral"),
        "type_variant": TYPE_VARIANTS.get(account.account_type, "neutral"),
    },
)


@login_required
@require_GET
@domain_view
def account_list(request: HttpRequest) -> HttpResponseBase:
    return list_page(request, ACCOUNTS)


@login_required
@require_POST
@domain_view
def account_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(
        request,
        config=ACCOUNTS,
        assign=services.account_bulk_assign_owner,
        tag=services.account_bulk_tag,
        delete=services.account_bulk_delete,
    )


@login_required
@domain_view
def account_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(
        request.POST if request.method == "POST" else None,
        initial={"owner": user.pk},
        **form_kwargs(RECORD, user),
    )
    response = save_form(
        request,
        form,
        lambda changes: services.account_create(
            actor=user, duplicate_check=not duplicate_confirmed(request), **changes
        ),
        _("Account “%(name)s” created."),
    )
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "title": _("New account"),
            "cancel_url": reverse("contacts:account_list"),
            "submit_label": _("Create account"),
            "tag_options": selectors.tag_names(),
            **duplicate_panel("accounts"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@domain_view
def account_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk, action="change")
    form = AccountForm(
        request.POST if request.method == "POST" else None, **form_kwargs(RECORD, user, account)
    )
    version = request.POST.get("version") or str(account.version)
    response = save_form(
        request,
        form,
        lambda changes: services.account_update(
            actor=user,
            account=account,
            expected_version=int(version) if version.isdigit() else -1,
            duplicate_check=not duplicate_confirmed(request),
            **changes,
        ),
        _("Account “%(name)s” saved."),
    )
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "record": account,
            "version": version,
            "title": _("Edit %(name)s") % {"name": account.name},
            "cancel_url": account.get_absolute_url(),
            "submit_label": _("Save changes"),
            "tag_options": selectors.tag_names(),
            **duplicate_panel("accounts", exclude=account.pk),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
@domain_view
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk)
    definitions = custom_field_list(object_type=OBJECT_TYPE)
    columns = account_columns(definitions, language=language())
    can_change = can(user, account, OBJECT_TYPE, "change")
    tabs = record_tabs(OBJECT_TYPE, account.pk)
    family = network.account_family(user=user, account=account)
    context: dict[str, Any] = {
        "account": account,
        "record": account,
        "status_variant": STATUS_VARIANTS.get(account.status, "neutral"),
        "type_variant": TYPE_VARIANTS.get(account.account_type, "neutral"),
        "object_type": OBJECT_TYPE,
        "can_change": can_change,
        "can_delete": can(user, account, OBJECT_TYPE, "delete"),
        **split_empty(
            field_rows(RECORD, account, columns, RECORD.field_keys, can_edit=can_change, with_custom=True)
        ),
        "name_row": field_rows(RECORD, account, columns, ["name"], can_edit=can_change, with_custom=False)[0],
        "tags_row": field_rows(RECORD, account, columns, ["tags"], can_edit=can_change, with_custom=False)[0],
        "rollups": network.account_rollups(user=user, family=family),
        "has_subsidiaries": len(family.descendant_ids) > 1,
        "panels": account_panels(user=user, account_id=account.pk),
        "role_choices": [("", "—"), *ContactRole.choices],
        "record_tabs": tabs,
        "record_tab": record_tab_active(request, tabs),
        "composer_url": url_or_none("activities:composer", OBJECT_TYPE, account.pk),
        "memberships": selectors.account_contacts(user=user, account=account),
        # the address forms load when opened (contacts:address_form, contacts:account_address_form)
        "addresses": [(a, None) for a in selectors.account_addresses(account=account)],
        "add_form_url": reverse("contacts:account_address_form", args=[account.pk]),
        "list_url": reverse("contacts:account_list"),
        "tag_options": selectors.tag_names(),
    }
    return render(request, "contacts/account_detail.html", context)


@login_required
@domain_view
def account_field(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return record_field(request, RECORD, pk, key)


@login_required
@require_POST
@domain_view
def account_owner(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk)
    form = OwnerChangeForm(request.POST, users=active_users())
    if not form.is_valid():
        messages.error(request, _("Choose the new owner."))
        return redirect(account.get_absolute_url())
    try:
        owner = resolve_references(user, {"owner": form.cleaned_data["owner"]})["owner"]
        services.account_assign_owner(
            actor=user, account=account, owner=owner, reason=form.cleaned_data["reason"]
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("%(name)s now manages this account.") % {"name": owner})
    return redirect(account.get_absolute_url())


@login_required
@require_POST
@domain_view
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, pk=pk)
    services.account_delete(actor=user, account=account)
    messages.success(request, _("“%(name)s” moved to the recycle bin.") % {"name": account.name})
    return redirect(safe_next(request, reverse("contacts:account_list")))


@login_required
@require_GET
@domain_view
def account_picker_options(request: HttpRequest) -> HttpResponse:
    """The record picker's suggestions: up to 10 accounts the user may see whose name contains ``q``."""
    q = request.GET.get("q", "").strip()[:100]
    accounts = selectors.account_search(user=request.user, q=q, limit=10)
    context = {
        "options": [(a.pk, a.name, a.get_account_type_display()) for a in accounts],
        "q": q,
        "selected": request.GET.get("selected", ""),
    }
    return render(request, "ui/components/record_picker_options.html", context)


@login_required
@require_GET
@domain_view
def account_recent_panel(request: HttpRequest) -> HttpResponse:
    """Home page panel: the user's most recently updated visible accounts."""
    accounts = selectors.account_recent(user=request.user, limit=8)
    return render(request, "contacts/_home_recent_accounts.html", {"accounts": accounts})
