from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class BodySizeLimitMiddleware:
    """Refuse API bodies over the limit with 413 before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.CRM_API_MAX_BODY_BYTES:
                body = {
                    "type": "about:blank",
                    "title": _("Request body too large"),
                    "status": 413,
                    "detail": _("The request body is larger than %(limit)s bytes.")
                    % {"limit": settings.CRM_API_MAX_BODY_BYTES},
                }
                return HttpResponse(json.dumps(body), status=413, content_type="application/problem+json")
        return self.get_response(request)
