"""Thin HTML views of the catalog: the product list and page (everyone with a view grant), and the settings
screens for price books, currencies with their rates, and taxes (administrators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.catalog import selectors, services
from crm.catalog.enums import ProductKind
from crm.catalog.errors import CatalogError, CompanyCurrencyMissing
from crm.catalog.forms import (
    CurrencyEditForm,
    CurrencyForm,
    ExchangeRateForm,
    PriceBookForm,
    PriceForm,
    ProductForm,
    TaxForm,
)
from crm.catalog.listing import PRODUCT_LIST
from crm.core.errors import DomainError, InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.forms import apply_domain_error
from crm.core.identity.permissions import user_can
from crm.core.identity.views.guards import admin_required, raise_http
from crm.core.listing import Page


def _status(request: HttpRequest) -> int:
    return 422 if request.method == "POST" else 200


def _save(request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], Any]) -> Any | None:
    """Validate, call the service, put its field errors inline; the saved record, or None to re-render."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(dict(form.cleaned_data))
    except InvalidInput as exc:
        apply_domain_error(form, exc)
    except CatalogError as exc:
        form.add_error(None, exc.message)
    except DomainError as exc:
        raise_http(exc)
    return None


def _tax_ref(pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return selectors.tax_get(pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={"tax": [_("Choose a tax.")]}) from None


# --- products ------------------------------------------------------------------------------------------------
class ProductFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False)
    is_active = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All types")), *ProductKind.choices]
        cast(forms.ChoiceField, self.fields["is_active"]).choices = [
            ("", _("Active and inactive")),
            ("true", _("Active")),
            ("false", _("Inactive")),
        ]


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_can(user, PRODUCT_LIST.object_type, "view"):
        raise RecordNotFound()
    params = request.GET
    errors: list[str] = []
    try:
        listing = selectors.product_list_page(
            user=user,
            params=params,
            sort=params.get("sort"),
            cursor=params.get("cursor"),
            limit=params.get("limit"),
            on_date=timezone.localdate(),
        )
    except InvalidInput as exc:
        errors = [f"{name}: {' '.join(msgs)}" for name, msgs in exc.field_errors.items()] or [exc.message]
        empty = Page(items=[], next_cursor=None, sort=PRODUCT_LIST.default_sort, limit=0)
        listing = selectors.ProductListPage(page=empty, count=0, capped=False, quotes={}, currency=None)
    context = {
        "rows": [(p, listing.quotes.get(p.pk)) for p in listing.page.items],
        "page": listing.page,
        "count": listing.count,
        "capped": listing.capped,
        "errors": errors,
        "q": params.get("q", ""),
        "sort": listing.page.sort,
        "filter_form": ProductFilterForm(params),
        "company_currency": listing.currency,
        "can_create": selectors.product_create_allowed(user=user),
    }
    return render(request, "catalog/product_list.html", context)


def _product_form(request: HttpRequest, instance: Any = None) -> ProductForm:
    return ProductForm(
        request.POST if request.method == "POST" else None, taxes=selectors.tax_choices(), instance=instance
    )


@login_required
def product_create(request: HttpRequest) -> HttpResponse:
    if not selectors.product_create_allowed(user=request.user):
        raise PermissionDenied()
    form = _product_form(request)

    def save(data: dict[str, Any]) -> Any:
        data["tax"] = _tax_ref(data.get("tax"))
        return services.product_create(actor=request.user, **data)

    product = _save(request, form, save)
    if product is not None:
        messages.success(request, _("Product “%(name)s” is saved.") % {"name": product.name})
        return redirect(product.get_absolute_url())
    return render(
        request, "catalog/product_form.html", {"form": form, "product": None}, status=_status(request)
    )


@login_required
def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    form = _product_form(request, product)

    def save(data: dict[str, Any]) -> Any:
        data["tax"] = _tax_ref(data.get("tax"))
        return services.product_update(actor=request.user, product=product, **data)

    saved = _save(request, form, save)
    if saved is not None:
        messages.success(request, _("Product “%(name)s” is saved.") % {"name": saved.name})
        return redirect(saved.get_absolute_url())
    return render(
        request, "catalog/product_form.html", {"form": form, "product": product}, status=_status(request)
    )


@login_required
@require_POST
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    services.product_delete(actor=request.user, product=product)
    messages.success(request, _("Product “%(name)s” is in the recycle bin.") % {"name": product.name})
    return redirect("catalog:product_list")


def _product_page(
    request: HttpRequest, product: Any, price_form: PriceForm, status: int = 200
) -> HttpResponse:
    user = request.user
    prices = selectors.product_prices(user=user, product=product)
    priced = {p.price_book_id for p in prices}
    books = selectors.price_book_list(user=user)
    context = {
        "product": product,
        "prices": prices,
        "unpriced_books": [b for b in books if b.pk not in priced],
        "price_form": price_form,
        "can_change": selectors.product_change_allowed(user=user),
        "can_price": selectors.price_change_allowed(user=user) and bool(books),
        "tax_rate": selectors.tax_rate_get(product=product),
        "company_currency": selectors.company_currency_code(),
    }
    return render(request, "catalog/product_detail.html", context, status=status)


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(user=request.user, pk=pk)
    form = PriceForm(books=selectors.price_book_choices(user=request.user))
    return _product_page(request, product, form)


@login_required
@require_POST
def product_price_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    product = selectors.product_get(user=user, pk=pk)
    form = PriceForm(request.POST, books=selectors.price_book_choices(user=user))

    def save(data: dict[str, Any]) -> Any:
        book = selectors.price_book_get(user=user, pk=data["price_book"])
        return services.price_set(actor=user, price_book=book, product=product, unit_price=data["unit_price"])

    if _save(request, form, save) is not None:
        messages.success(request, _("The price is saved."))
        return redirect(product.get_absolute_url())
    return _product_page(request, product, form, status=422)


@login_required
@require_POST
def product_price_remove(request: HttpRequest, pk: int, book_pk: int) -> HttpResponse:
    user = request.user
    product = selectors.product_get(user=user, pk=pk)
    book = selectors.price_book_get(user=user, pk=book_pk)
    services.price_remove(actor=user, price_book=book, product=product)
    messages.success(request, _("The price is removed from “%(name)s”.") % {"name": book.name})
    return redirect(product.get_absolute_url())


# --- price books (settings) ------------------------------------------------------------------------------------
@admin_required
def price_book_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalog/price_book_list.html", {"books": selectors.price_book_list(user=request.user)}
    )


def _price_book_page(request: HttpRequest, book: Any) -> HttpResponse:
    user = request.user
    form = PriceBookForm(
        request.POST if request.method == "POST" else None,
        currencies=selectors.currency_choices(),
        instance=book,
    )

    def save(data: dict[str, Any]) -> Any:
        data["currency"] = selectors.currency_by_pk(pk=data["currency"])
        if book is None:
            return services.price_book_create(actor=user, **data)
        return services.price_book_update(actor=user, price_book=book, **data)

    saved = _save(request, form, save)
    if saved is not None:
        messages.success(request, _("Price book “%(name)s” is saved.") % {"name": saved.name})
        return redirect("catalog:price_book_list")
    prices = selectors.price_book_prices(user=user, price_book=book) if book is not None else []
    return render(
        request,
        "catalog/price_book_form.html",
        {"form": form, "book": book, "prices": prices},
        status=_status(request),
    )


@admin_required
def price_book_create(request: HttpRequest) -> HttpResponse:
    return _price_book_page(request, None)


@admin_required
def price_book_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _price_book_page(request, selectors.price_book_get(user=request.user, pk=pk))


@admin_required
@require_POST
def price_book_delete(request: HttpRequest, pk: int) -> HttpResponse:
    book = selectors.price_book_get(user=request.user, pk=pk)
    services.price_book_delete(actor=request.user, price_book=book)
    messages.success(request, _("Price book “%(name)s” is in the recycle bin.") % {"name": book.name})
    return redirect("catalog:price_book_list")


# --- currencies and rates (settings) ---------------------------------------------------------------------------
@admin_required
def currency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/currency_list.html", {"currencies": selectors.currency_list()})


@admin_required
def currency_create(request: HttpRequest) -> HttpResponse:
    form = CurrencyForm(request.POST if request.method == "POST" else None)
    saved = _save(request, form, lambda data: services.currency_create(actor=request.user, **data))
    if saved is not None:
        messages.success(request, _("Currency %(code)s is added.") % {"code": saved.code})
        return redirect("catalog:currency_detail", code=saved.code)
    return render(request, "catalog/currency_form.html", {"form": form}, status=_status(request))


def _currency_page(
    request: HttpRequest,
    currency: Any,
    form: CurrencyEditForm,
    rate_form: ExchangeRateForm,
    status: int = 200,
) -> HttpResponse:
    try:
        company = selectors.company_currency_get()
    except CompanyCurrencyMissing:
        company = None
    context = {
        "currency": currency,
        "form": form,
        "rate_form": rate_form,
        "rates": selectors.exchange_rate_list(currency=currency),
        "company": company,
    }
    return render(request, "catalog/currency_detail.html", context, status=status)


@admin_required
def currency_detail(request: HttpRequest, code: str) -> HttpResponse:
    currency = selectors.currency_get(code=code)
    form = CurrencyEditForm(request.POST if request.method == "POST" else None, instance=currency)
    saved = _save(
        request, form, lambda data: services.currency_update(actor=request.user, currency=currency, **data)
    )
    if saved is not None:
        messages.success(request, _("Currency %(code)s is saved.") % {"code": saved.code})
        return redirect("catalog:currency_detail", code=saved.code)
    return _currency_page(request, currency, form, ExchangeRateForm(), status=_status(request))


@admin_required
@require_POST
def currency_set_company(request: HttpRequest, code: str) -> HttpResponse:
    currency = selectors.currency_get(code=code)
    try:
        services.currency_set_company(actor=request.user, currency=currency)
    except InvalidInput as exc:
        for msgs in exc.field_errors.values():
            for message in msgs:
                messages.error(request, message)
    else:
        messages.success(request, _("%(code)s is the company currency.") % {"code": currency.code})
    return redirect("catalog:currency_list")


@admin_required
@require_POST
def currency_delete(request: HttpRequest, code: str) -> HttpResponse:
    currency = selectors.currency_get(code=code)
    try:
        services.currency_delete(actor=request.user, currency=currency)
    except CatalogError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:currency_detail", code=currency.code)
    messages.success(request, _("Currency %(code)s is in the recycle bin.") % {"code": currency.code})
    return redirect("catalog:currency_list")


@admin_required
@require_POST
def exchange_rate_add(request: HttpRequest, code: str) -> HttpResponse:
    currency = selectors.currency_get(code=code)
    rate_form = ExchangeRateForm(request.POST)
    saved = _save(
        request,
        rate_form,
        lambda data: services.exchange_rate_set(actor=request.user, currency=currency, **data),
    )
    if saved is not None:
        messages.success(request, _("The exchange rate is saved."))
        return redirect("catalog:currency_detail", code=currency.code)
    return _currency_page(request, currency, CurrencyEditForm(instance=currency), rate_form, status=422)


@admin_required
@require_POST
def exchange_rate_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    currency = selectors.currency_get(code=code)
    services.exchange_rate_delete(
        actor=request.user, rate=selectors.exchange_rate_get(currency=currency, pk=pk)
    )
    messages.success(request, _("The exchange rate is deleted."))
    return redirect("catalog:currency_detail", code=currency.code)


# --- taxes (settings) ------------------------------------------------------------------------------------------
@admin_required
def tax_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/tax_list.html", {"taxes": selectors.tax_list()})


def _tax_page(request: HttpRequest, tax: Any) -> HttpResponse:
    form = TaxForm(request.POST if request.method == "POST" else None, instance=tax)

    def save(data: dict[str, Any]) -> Any:
        if tax is None:
            return services.tax_create(actor=request.user, **data)
        return services.tax_update(actor=request.user, tax=tax, **data)

    saved = _save(request, form, save)
    if saved is not None:
        messages.success(request, _("Tax “%(name)s” is saved.") % {"name": saved.name})
        return redirect("catalog:tax_list")
    return render(request, "catalog/tax_form.html", {"form": form, "tax": tax}, status=_status(request))


@admin_required
def tax_create(request: HttpRequest) -> HttpResponse:
    return _tax_page(request, None)


@admin_required
def tax_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _tax_page(request, selectors.tax_get(pk=pk))


@admin_required
@require_POST
def tax_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tax = selectors.tax_get(pk=pk)
    try:
        services.tax_delete(actor=request.user, tax=tax)
    except CatalogError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:tax_update", pk=tax.pk)
    messages.success(request, _("Tax “%(name)s” is in the recycle bin.") % {"name": tax.name})
    return redirect("catalog:tax_list")
