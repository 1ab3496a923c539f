"""Small pieces every contacts page shares: domain errors → HTTP answers, safe `next` URLs, guarded URLs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from crm.core.errors import PermissionDenied, RecordNotFound
from crm.core.identity.selectors import user_choices

View = Callable[..., HttpResponseBase]


def domain_view(view: View) -> View:
    """Records the user may not see answer 404; actions they may not take answer 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except RecordNotFound:
            raise Http404() from None
        except PermissionDenied as exc:
            raise HttpPermissionDenied(exc.message) from None

    return wrapper


def url_or_none(name: str, *args: Any) -> str | None:
    """A URL another app may not have built yet (timeline, history, composer panels)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def active_users() -> list[tuple[int, str]]:
    return user_choices()


def language() -> str:
    return translation.get_language() or "en"
