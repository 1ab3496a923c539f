"""Administrators manage roles: what each role may do with each object type, and how far it reaches."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError, InvalidInput
from crm.core.identity import selectors, services
from crm.core.identity.forms import RoleForm, apply_domain_error, role_label
from crm.core.identity.models import Role
from crm.core.identity.views.guards import admin_required, raise_http


def _role_or_404(pk: int) -> Role:
    role = selectors.role_get(pk=pk)
    if role is None:
        raise Http404()
    return role


@admin_required
def role_list(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/role_list.html", {"roles": selectors.role_list()})


def _role_form(request: HttpRequest, role: Role | None) -> HttpResponse:
    matrix = selectors.role_permission_matrix(role=role) if role is not None else {}
    form = RoleForm(request.POST or None, instance=role, matrix=matrix)
    if role is not None and role.is_system:
        form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.role_save(
                actor=request.user,
                role=role,
                name=role.name if role is not None and role.is_system else data["name"],
                description=data["description"],
                is_admin=data["is_admin"],
                grants=form.grants(),
            )
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Role “%(name)s” is saved.") % {"name": role_label(saved)})
            return redirect("identity:role_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "identity/role_form.html", {"form": form, "role": role}, status=status)


@admin_required
def role_create(request: HttpRequest) -> HttpResponse:
    return _role_form(request, None)


@admin_required
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _role_form(request, _role_or_404(pk))


@admin_required
@require_POST
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    role = _role_or_404(pk)
    try:
        services.role_delete(actor=request.user, role=role)
    except DomainError as exc:
        if not isinstance(exc, InvalidInput):
            raise_http(exc)
        messages.error(request, next(iter(exc.field_errors.values()), [exc.message])[0])
        return redirect("identity:role_edit", pk=role.pk)
    messages.success(request, _("Role “%(name)s” is deleted.") % {"name": role.name})
    return redirect("identity:role_list")
