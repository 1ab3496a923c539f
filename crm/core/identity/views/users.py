"""Administrators manage users: list, create, edit, set a password or email a reset link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError, InvalidInput
from crm.core.identity import selectors, services
from crm.core.identity.forms import (
    SetPasswordForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
    apply_domain_error,
)
from crm.core.identity.models import User
from crm.core.identity.views.guards import admin_required, raise_http


def _user_or_404(pk: int) -> User:
    user = selectors.user_get(pk=pk)
    if user is None:
        raise Http404()
    return user


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    filter_form = UserFilterForm(request.GET or None)
    q = request.GET.get("q", "").strip()
    try:
        page = selectors.user_page(
            search=q,
            sort=request.GET.get("sort"),
            cursor=request.GET.get("cursor"),
            **filter_form.selector_kwargs(),
        )
    except InvalidInput:  # a stale or hand-edited cursor/sort: start again from the first page
        page = selectors.user_page(search=q, **filter_form.selector_kwargs())
    return render(request, "identity/user_list.html", {"page": page, "q": q, "filter_form": filter_form})


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    default_role = selectors.role_get_by_key(key="sales_rep")
    form = UserCreateForm(request.POST or None, initial={"role": default_role.pk if default_role else None})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc, aliases={"password": "password1"})
        else:
            if form.cleaned_data["send_reset_link"] and not form.cleaned_data["password1"]:
                services.user_password_reset_send(
                    actor=request.user, user=user, domain=request.get_host(), use_https=request.is_secure()
                )
                messages.success(
                    request,
                    _("%(name)s is added and has been emailed a link to set a password.")
                    % {"name": user.full_name},
                )
            else:
                messages.success(request, _("%(name)s is added.") % {"name": user.full_name})
            return redirect("identity:user_edit", pk=user.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "identity/user_form.html", {"form": form, "is_new": True}, status=status)


def _edit_context(user: User, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "subject": user,
        "form": UserForm(instance=user),
        "password_form": SetPasswordForm(),
        "reports": list(selectors.user_list().filter(manager_id=user.pk)),
        "is_new": False,
    }
    context.update(extra)
    return context


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(pk)
    if request.method != "POST":
        return render(request, "identity/user_form.html", _edit_context(user))
    form = UserForm(request.POST, instance=user)
    if form.is_valid():
        try:
            user = services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                raise_http(exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s are saved.") % {"name": user.full_name})
            return redirect("identity:user_edit", pk=user.pk)
    return render(request, "identity/user_form.html", _edit_context(user, form=form), status=422)


@admin_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(pk)
    form = SetPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=user, password=form.cleaned_data["password1"])
        except InvalidInput as exc:
            apply_domain_error(form, exc, aliases={"password": "password1"})
        else:
            messages.success(request, _("The new password for %(name)s is set.") % {"name": user.full_name})
            return redirect("identity:user_edit", pk=user.pk)
    return render(request, "identity/user_form.html", _edit_context(user, password_form=form), status=422)


@admin_required
@require_POST
def user_reset_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(pk)
    try:
        services.user_password_reset_send(
            actor=request.user, user=user, domain=request.get_host(), use_https=request.is_secure()
        )
    except InvalidInput as exc:
        messages.error(request, exc.field_errors.get("is_active", [exc.message])[0])
    else:
        messages.success(
            request, _("A link to set a new password is on its way to %(email)s.") % {"email": user.email}
        )
    return redirect("identity:user_edit", pk=user.pk)
