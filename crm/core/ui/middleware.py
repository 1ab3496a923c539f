from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every page: no inline scripts, no inline styles, no third parties."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP
        return response


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's (sets the cookie LocaleMiddleware reads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang and lang not in dict(settings.LANGUAGES):
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        response = self.get_response(request)
        user: Any = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language
        ):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        translation.get_language()
        return response


class SignedInLanguageMiddleware:
    """Use a signed-in user's saved language from their very first request.

    LocaleMiddleware runs before the user is known, so it can only follow the cookie or the browser; place this
    after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES) and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class HtmxMessagesMiddleware:
    """On htmx responses that are not redirects, move pending ``messages`` into ``showToast`` triggers.

    Without it a message added during an htmx request would wait for the next full page load.
    Place after MessageMiddleware and HtmxMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.headers.get("HX-Request") or request.headers.get("HX-Boosted"):
            return response
        if 300 <= response.status_code < 400 or "HX-Redirect" in response or "HX-Location" in response:
            return response
        from django.contrib import messages

        from crm.core.ui.toasts import toast

        storage = getattr(request, "_messages", None)
        if storage is None:
            return response
        for message in messages.get_messages(request):
            level = {"error": "error", "warning": "warning", "success": "success"}.get(
                message.level_tag, "info"
            )
            toast(response, message.message, level=level)
        return response
