"""Who is calling the API: a personal access token (`Authorization: Bearer crm_…`) or the browser session.

Tokens carry scopes: `read` for GET/HEAD/OPTIONS, `write` for everything else; a missing scope is a 403.
A session (the web UI, the interactive docs) may do everything its user may, and must pass the CSRF check on
unsafe methods. Once the caller is known, `request.user` is that user and the audit trail records them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from crm.core.api.errors import ScopeMissing
from crm.core.audit.context import audit_actor_set
from crm.core.identity.services import token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(method: str) -> str:
    return "read" if method.upper() in SAFE_METHODS else "write"


_UNSET = object()


def _bearer_secret(request: HttpRequest) -> str | None:
    value = request.headers.get("Authorization") or ""
    scheme, _sep, secret = value.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _token(request: HttpRequest, secret: str) -> Any:
    """The live token for `secret`, looked up once per request."""
    cached = getattr(request, "_crm_api_token", _UNSET)
    if cached is _UNSET:
        cached = token_authenticate(secret=secret)
        request._crm_api_token = cached  # type: ignore[attr-defined]
    return cached


def api_caller(request: HttpRequest) -> Any:
    """Who is calling (token user or signed-in user), without checking scopes or CSRF; None when anonymous."""
    secret = _bearer_secret(request)
    if secret is not None:
        token = _token(request, secret)
        if token is not None:
            return token.user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class TokenAuth(HttpBearer):
    """Personal access tokens; `crm token create --user EMAIL` or the user's settings page issue them."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token(request, token.strip())
        if found is None:
            return None
        scope = required_scope(request.method or "GET")
        if scope not in (found.scopes or []):
            raise ScopeMissing(
                _("This token does not have the “%(scope)s” scope.") % {"scope": scope},
            )
        user = found.user
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        audit_actor_set(user)
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (header `X-CSRFToken`)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Check CSRF only for a signed-in user, so an anonymous call answers 401 rather than 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (request.method or "GET").upper() not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, "CSRF check failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key is None or user is None or not user.is_authenticated:
            return None
        audit_actor_set(user)
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]


def api_user(request: HttpRequest) -> Any:
    """The authenticated caller of this request (after ninja ran the auth callbacks)."""
    return getattr(request, "auth", None)
