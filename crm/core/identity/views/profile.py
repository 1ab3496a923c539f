"""One's own profile (name, job title, phone, language) and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.core.errors import DomainError, InvalidInput
from crm.core.identity import selectors, services
from crm.core.identity.forms import ProfileForm, TokenForm, apply_domain_error
from crm.core.identity.views.guards import raise_http


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user: Any = request.user
    context = {
        "form": ProfileForm(
            initial={
                "full_name": user.full_name,
                "job_title": user.job_title,
                "phone": user.phone,
                "language": user.language,
            }
        ),
        "token_form": TokenForm(),
        "tokens": selectors.token_list(user=user),
        "new_secret": "",
    }
    context.update(extra)
    return context


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """GET shows the profile; POST saves it and switches the interface language at once."""
    if request.method != "POST":
        return render(request, "identity/profile.html", _context(request))
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_update(actor=request.user, user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except InvalidInput as exc:
            apply_domain_error(form, exc)
        else:
            request.user.language = user.language  # type: ignore[union-attr]
            if not user.language:
                request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
            language = user.language or translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            messages.success(request, _("Your profile is saved."))
            response = redirect("identity:profile")
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
            return response
    return render(request, "identity/profile.html", _context(request, form=form), status=422)


def _tokens_response(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    template = "identity/profile.html#tokens" if request.htmx else "identity/profile.html"  # type: ignore[attr-defined]
    return render(request, template, _context(request, **extra), status=status)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its secret in this one response; it is never shown again."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_response(request, status=422, token_form=form)
    try:
        token, secret = services.token_create(
            actor=request.user,
            user=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
        )
    except InvalidInput as exc:
        apply_domain_error(form, exc)
        return _tokens_response(request, status=422, token_form=form)
    response = _tokens_response(request, new_secret=secret, new_token=token)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.token_revoke(actor=request.user, token_id=pk)
    except DomainError as exc:
        raise_http(exc)
    messages.success(request, _("The token is revoked: it no longer works."))
    if request.htmx:  # type: ignore[attr-defined]
        return _tokens_response(request)
    return redirect("identity:profile")
