"""Administrators define custom fields: list, create, edit, deactivate."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.customfields import selectors, services
from crm.core.customfields.forms import CustomFieldForm
from crm.core.customfields.models import CustomFieldDefinition
from crm.core.errors import DomainError, InvalidInput
from crm.core.identity.forms import apply_domain_error
from crm.core.identity.permissions import object_types
from crm.core.identity.views.guards import admin_required, raise_http


def _definition_or_404(pk: int) -> CustomFieldDefinition:
    definition = selectors.custom_field_get(pk=pk)
    if definition is None:
        raise Http404()
    return definition


@admin_required
def field_list(request: HttpRequest) -> HttpResponse:
    labels = {t.key: t.label for t in object_types()}
    definitions = selectors.custom_field_list(include_inactive=True)
    groups = [
        {"object_type": key, "label": labels.get(key, key), "fields": list(rows)}
        for key, rows in groupby(definitions, key=lambda d: d.object_type)
    ]
    return render(request, "customfields/field_list.html", {"groups": groups})


@admin_required
def field_create(request: HttpRequest) -> HttpResponse:
    form = CustomFieldForm(request.POST or None, initial={"object_type": request.GET.get("object_type", "")})
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.custom_field_create(actor=request.user, **form.create_kwargs())
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Field “%(label)s” is added.") % {"label": definition.label})
            return redirect("customfields:field_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "customfields/field_form.html", {"form": form, "definition": None}, status=status)


@admin_required
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition_or_404(pk)
    form = CustomFieldForm(request.POST or None, instance=definition)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.custom_field_update(
                actor=request.user, pk=definition.pk, **form.update_kwargs()
            )
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Field “%(label)s” is saved.") % {"label": definition.label})
            return redirect("customfields:field_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "customfields/field_form.html", {"form": form, "definition": definition}, status=status
    )


@admin_required
@require_POST
def field_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        definition = services.custom_field_deactivate(actor=request.user, pk=pk)
    except DomainError as exc:
        raise_http(exc)
    messages.success(
        request,
        _(
            "Field “%(label)s” is deactivated: it is hidden from forms, and the values already stored are kept."
        )
        % {"label": definition.label},
    )
    return redirect("customfields:field_list")
