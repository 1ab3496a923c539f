from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from crm.core.audit.context import audit_context
from crm.core.audit.enums import Source


class AuditContextMiddleware:
    """Every request runs inside an audit context: the web UI as `ui`, `/api/` as `api`.

    The API's token authentication sets the actor again once it knows the user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = Source.API if request.path.startswith("/api/") else Source.UI
        user: Any = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with audit_context(actor=actor, source=source):
            return self.get_response(request)
