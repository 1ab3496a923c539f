"""Who may open a view, and how domain errors become HTTP answers. Shared by the core admin screens."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from crm.core.errors import DomainError, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_is_admin

View = TypeVar("View", bound=Callable[..., HttpResponse])


def admin_required(view: View) -> View:
    """Signed-in administrators only: others get 403 (anonymous visitors are sent to sign in)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_is_admin(request.user):
            raise HttpPermissionDenied()
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def raise_http(exc: DomainError) -> NoReturn:
    """Re-raise a service's refusal as Django's 404/403 (other errors are the caller's to show)."""
    if isinstance(exc, RecordNotFound):
        raise Http404(exc.message) from exc
    if isinstance(exc, PermissionDenied):
        raise HttpPermissionDenied(exc.message) from exc
    raise exc
