from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from crm.core.errors import DomainError
from crm.core.identity.services import user_update
from crm.core.ui.panels import home_panels
from crm.core.ui.styleguide import (
    styleguide,
    styleguide_inline,
    styleguide_panel,
    styleguide_record,
    styleguide_toast,
)

__all__ = [
    "csrf_failure",
    "home",
    "language_set",
    "styleguide",
    "styleguide_inline",
    "styleguide_panel",
    "styleguide_record",
    "styleguide_toast",
]


def _greeting() -> str:
    hour = timezone.localtime().hour
    if 5 <= hour < 12:
        return _("Good morning")
    if 12 <= hour < 19:
        return _("Good afternoon")
    return _("Good evening")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    name = (getattr(user, "full_name", "") or "").split()
    return render(
        request,
        "ui/home.html",
        {
            "greeting": _greeting(),
            "first_name": name[0] if name else "",
            "panels": home_panels(user=user),
            "today": timezone.localdate(),
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form's token is stale (session expired, signed in or out elsewhere).

    Explains that nothing was saved and how to go on; the technical ``reason`` is never shown. htmx requests
    get the header ``X-CRM-Error: csrf`` so the page's script shows the same advice as a toast.
    """
    response = render(request, "403_csrf.html", status=403)
    response["X-CRM-Error"] = "csrf"
    return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language: remembered on the user (signed in) and in the cookie; then back to ``next``."""
    language = request.POST.get("language", "")
    user = request.user
    if (
        language in dict(settings.LANGUAGES)
        and user.is_authenticated
        and getattr(user, "language", "") != language
    ):
        with contextlib.suppress(DomainError):  # the cookie still switches this browser
            user_update(actor=user, user=user, language=language)
    return set_language(request)
