"""The installed base pages: the asset list, "who owns a product", "whose warranty ends", the asset page (edit,
return), the form for assets bought before the CRM, and the account page's "Installed base" panel."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_choices, account_get
from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.core.listing import Page
from crm.sales.enums import AssetStatus
from crm.sales.order_forms import AssetForm, VersionForm
from crm.sales.selectors import assets as selectors
from crm.sales.services import assets as services
from crm.sales.views.common import list_context

OBJECT_TYPE = "sales.asset"
ASSET_VARIANTS: dict[str, str] = {
    AssetStatus.ACTIVE: "success",
    AssetStatus.EXPIRED: "warning",
    AssetStatus.RETURNED: "neutral",
}


def _rows(assets: list[Any]) -> list[dict[str, Any]]:
    return [{"a": a, "variant": ASSET_VARIANTS.get(a.status, "neutral")} for a in assets]


def _tabs(active: str) -> list[dict[str, Any]]:
    return [
        {
            "key": "all",
            "label": _("All assets"),
            "url": reverse("sales:asset_list"),
            "active": active == "all",
        },
        {
            "key": "owners",
            "label": _("Who owns a product"),
            "url": reverse("sales:asset_owners"),
            "active": active == "owners",
        },
        {
            "key": "warranty",
            "label": _("Warranty ending"),
            "url": reverse("sales:asset_warranty"),
            "active": active == "warranty",
        },
    ]


def _require_view(user: Any) -> None:
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()


@login_required
@require_GET
@domain_view
def asset_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    context = list_context(
        request, list_fn=selectors.asset_list, count_fn=selectors.asset_count, spec=selectors.ASSET_LIST
    )
    context.update(
        rows=_rows(context["page"].items),
        statuses=AssetStatus.choices,
        products=selectors.product_choices(user=request.user),
        tabs=_tabs("all"),
        can_create=user_can(request.user, OBJECT_TYPE, "create"),
    )
    return render(request, "sales/assets/asset_list.html", context)


@login_required
@require_GET
@domain_view
def asset_owners(request: HttpRequest) -> HttpResponse:
    """Which customers own product X (accounts with the quantity they own)."""
    _require_view(request.user)
    products = selectors.product_choices(user=request.user)
    raw = (request.GET.get("product") or "").strip()
    product = None
    page = Page(items=[], next_cursor=None, sort="account", limit=50)
    error = ""
    if raw:
        try:
            product = product_get(user=request.user, pk=raw)
            page = selectors.asset_owners_of_product(
                user=request.user, product=product, cursor=request.GET.get("cursor")
            )
        except RecordNotFound:
            error = _("Choose a product from the catalog.")
        except InvalidInput as exc:
            error = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
    next_params = request.GET.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    context = {
        "tabs": _tabs("owners"),
        "products": products,
        "product": product,
        "page": page,
        "error": error,
        "params": request.GET,
        "next_query": next_params.urlencode() if page.next_cursor else "",
    }
    return render(request, "sales/assets/asset_owners.html", context, status=400 if error else 200)


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


@login_required
@require_GET
@domain_view
def asset_warranty(request: HttpRequest) -> HttpResponse:
    """Whose warranty ends in a period (this month by default)."""
    _require_view(request.user)
    default_start, default_end = _month_bounds(timezone.localdate())
    start = parse_date(request.GET.get("start") or "") or default_start
    end = parse_date(request.GET.get("end") or "") or default_end
    error = ""
    try:
        page = selectors.assets_warranty_ending(
            user=request.user, start=start, end=end, cursor=request.GET.get("cursor")
        )
    except InvalidInput as exc:
        error = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
        page = Page(items=[], next_cursor=None, sort="warranty_until", limit=50)
    next_params = request.GET.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    context = {
        "tabs": _tabs("warranty"),
        "rows": _rows(page.items),
        "start": start,
        "end": end,
        "error": error,
        "next_query": next_params.urlencode() if page.next_cursor else "",
    }
    return render(request, "sales/assets/asset_warranty.html", context, status=400 if error else 200)


def _apply_errors(form: AssetForm, exc: DomainError) -> None:
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for key, msgs in exc.field_errors.items():
        form.add_error(key if key in form.fields else None, msgs)


@login_required
@domain_view
def asset_create(request: HttpRequest) -> HttpResponse:
    """Record an asset by hand (bought before the CRM)."""
    user = request.user
    if not user_can(user, OBJECT_TYPE, "create"):
        raise RecordNotFound()
    form = AssetForm(
        request.POST if request.method == "POST" else None,
        accounts=account_choices(user=user),
        products=selectors.product_choices(user=user),
        initial={"account": request.GET.get("account"), "quantity": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            account = account_get(user=user, pk=data.pop("account"))
            product = product_get(user=user, pk=data.pop("product"))
            asset = services.asset_create(actor=user, account=account, product=product, **data)
        except RecordNotFound:
            form.add_error(None, _("Choose an account and a product you can see."))
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Asset “%(name)s” recorded.") % {"name": asset.name})
            return redirect(asset.get_absolute_url())
    context = {"form": form, "title": _("New asset"), "cancel_url": reverse("sales:asset_list")}
    return render(request, "sales/assets/asset_form.html", context, status=422 if form.errors else 200)


def _edit_form(asset: Any, data: Any = None) -> AssetForm:
    return AssetForm(
        data,
        accounts=[],
        products=[],
        editing=True,
        initial={
            "name": asset.name,
            "quantity": asset.quantity,
            "serial_number": asset.serial_number,
            "delivered_on": asset.delivered_on,
            "warranty_until": asset.warranty_until,
            "notes": asset.notes,
            "version": asset.version,
        },
    )


def _detail_context(request: HttpRequest, asset: Any, **extra: Any) -> dict[str, Any]:
    try:
        selectors.asset_get(user=request.user, pk=asset.pk, action="change")
        can_change = True
    except RecordNotFound:
        can_change = False
    return {
        "a": asset,
        "variant": ASSET_VARIANTS.get(asset.status, "neutral"),
        "can_change": can_change,
        "form": extra.pop("form", None) or _edit_form(asset),
        "timeline_url": reverse("activities:timeline", args=[OBJECT_TYPE, asset.pk]),
        **extra,
    }


@login_required
@require_GET
@domain_view
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = selectors.asset_get(user=request.user, pk=pk)
    return render(request, "sales/assets/asset_detail.html", _detail_context(request, asset))


@login_required
@require_POST
@domain_view
def asset_update(request: HttpRequest, pk: int) -> HttpResponseBase:
    asset = selectors.asset_get(user=request.user, pk=pk)
    form = _edit_form(asset, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.asset_update(actor=request.user, asset=asset, expected_version=version, **data)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Asset “%(name)s” saved.") % {"name": data.get("name") or asset.name})
            return redirect(asset.get_absolute_url())
    context = _detail_context(request, asset, form=form, edit_open=True)
    return render(request, "sales/assets/asset_detail.html", context, status=422)


@login_required
@require_POST
@domain_view
def asset_return(request: HttpRequest, pk: int) -> HttpResponseBase:
    asset = selectors.asset_get(user=request.user, pk=pk)
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        services.asset_mark_returned(
            actor=request.user,
            asset=asset,
            expected_version=form.cleaned_data.get("version"),
            reason=form.cleaned_data.get("reason") or "",
        )
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as returned."))
    return redirect(asset.get_absolute_url())


@login_required
@require_GET
@domain_view
def account_assets(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account page's "Installed base" panel: what the customer owns."""
    account = account_get(user=request.user, pk=account_id)
    assets = selectors.account_assets(user=request.user, account_id=account.pk)
    context = {
        "account": account,
        "rows": _rows(assets),
        "can_create": user_can(request.user, OBJECT_TYPE, "create"),
    }
    return render(request, "sales/assets/account_assets.html", context)
