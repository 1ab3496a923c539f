"""The opportunity page's "Products" section: lines from the catalog, added, edited and removed with htmx.

A saved change refreshes the page (the amount, the weighted amount and the record's version change with it); a
refused one answers the section (200, so htmx swaps it in) with the error beside the field, and nothing is stored."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.contacts.views.common import domain_view
from crm.core.errors import DomainError, RecordNotFound
from crm.core.ui.formats import format_money
from crm.sales import selectors, services
from crm.sales.forms import LineAddForm, LineEditForm
from crm.sales.models import Opportunity
from crm.sales.selectors.opportunity_lines import (
    line_product_choices,
    opportunity_line_get,
    opportunity_line_totals,
    opportunity_lines,
)
from crm.sales.views.common import user_may


def _refresh(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def _add_form(opportunity: Opportunity, data: Any = None) -> LineAddForm:
    url = reverse("sales:opportunity_line_products", args=[opportunity.pk])
    return LineAddForm(data, initial={"version": opportunity.version}, options_url=url)


def _section(
    request: HttpRequest,
    opportunity: Opportunity,
    *,
    add_form: LineAddForm | None = None,
    edit_form: LineEditForm | None = None,
    editing: int | None = None,
) -> HttpResponse:
    lines = opportunity_lines(opportunity=opportunity)
    can_change = opportunity.is_open and user_may(request.user, opportunity, "change")
    context = {
        "o": opportunity,
        "lines": lines,
        "totals": opportunity_line_totals(lines),
        "can_change": can_change,
        "add_form": add_form or _add_form(opportunity),
        "add_open": add_form is not None,
        "edit_form": edit_form,
        "editing": editing,
    }
    return render(request, "sales/lines/section.html", context)


def _errors_onto(form: Any, exc: DomainError) -> None:
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, msgs in exc.field_errors.items():
        form.add_error(field if field in form.fields else None, msgs)


@login_required
@require_GET
@domain_view
def opportunity_lines_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The section (htmx, loaded by the record page)."""
    return _section(request, selectors.opportunity_get(user=request.user, pk=pk))


@login_required
@require_GET
@domain_view
def opportunity_line_products(request: HttpRequest, pk: int) -> HttpResponse:
    """The product picker's suggestions: active products matching `q`, with their price in the opportunity's
    currency (or that it has none there, so the choice is not a surprise)."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    q = request.GET.get("q", "").strip()[:100]
    choices = line_product_choices(user=request.user, q=q, currency=opportunity.currency)
    options = [
        (
            c.product.pk,
            c.product.name,
            f"{c.product.sku} · "
            + (
                format_money(c.quote.unit_price, c.quote.currency)
                if c.quote
                else _("no price in %(currency)s") % {"currency": opportunity.currency}
            ),
        )
        for c in choices
    ]
    context = {"options": options, "q": q, "selected": request.GET.get("selected", "")}
    return render(request, "ui/components/record_picker_options.html", context)


@login_required
@require_POST
@domain_view
def opportunity_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    form = _add_form(opportunity, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            line = services.opportunity_line_add(
                actor=request.user,
                opportunity=opportunity,
                product_id=data["product_id"] or None,
                quantity=data["quantity"],
                discount_percent=data["discount_percent"],
                expected_version=data["version"],
            )
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            _errors_onto(form, exc)
        else:
            return _refresh(request, _("“%(line)s” added.") % {"line": line.description})
    return _section(request, opportunity, add_form=form)


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def opportunity_line_edit(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """GET: the section with this line as a form; POST: save it."""
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    line = opportunity_line_get(opportunity=opportunity, pk=line_id)
    if request.method == "GET":
        form = LineEditForm(
            initial={
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "discount_percent": f"{line.discount_percent.normalize():f}",
                "version": opportunity.version,
            }
        )
        return _section(request, opportunity, edit_form=form, editing=line.pk)
    form = LineEditForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.opportunity_line_update(actor=request.user, line=line, expected_version=version, **data)
        except DomainError as exc:
            if isinstance(exc, RecordNotFound):
                raise
            _errors_onto(form, exc)
        else:
            return _refresh(
                request, _("“%(line)s” saved.") % {"line": data["description"] or line.description}
            )
    return _section(request, opportunity, edit_form=form, editing=line.pk)


@login_required
@require_POST
@domain_view
def opportunity_line_delete(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk, action="change")
    line = opportunity_line_get(opportunity=opportunity, pk=line_id)
    version = request.POST.get("version", "")
    try:
        services.opportunity_line_remove(
            actor=request.user, line=line, expected_version=int(version) if version.isdigit() else None
        )
    except DomainError as exc:
        if isinstance(exc, RecordNotFound):
            raise
        messages.error(request, exc.message)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _refresh(request, _("“%(line)s” removed.") % {"line": line.description})
