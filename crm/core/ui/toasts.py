"""Toasts from htmx responses: ``HX-Trigger: {"showToast": {"message": "...", "level": "success"}}``.

    response = render(request, "contacts/_row.html", {...})
    return toast(response, _("Account saved."))

Levels: success, info, warning, error. Full-page responses use ``django.contrib.messages`` instead (shown by
the base template); ``HtmxMessagesMiddleware`` turns messages into toasts on htmx responses.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

LEVELS = frozenset({"success", "info", "warning", "error"})


def toast(response: HttpResponse, message: Any, *, level: str = "success") -> HttpResponse:
    """Add a toast to ``response`` (merged with any HX-Trigger already set)."""
    level = level if level in LEVELS else "info"
    triggers: dict[str, Any] = {}
    existing = response.headers.get("HX-Trigger")
    if existing:
        try:
            parsed = json.loads(existing)
            triggers = parsed if isinstance(parsed, dict) else {existing: None}
        except ValueError:
            triggers = {name.strip(): None for name in existing.split(",") if name.strip()}
    current = triggers.get("showToast")
    entry = {"message": str(message), "level": level}
    if isinstance(current, dict):
        messages = [*current.get("messages", []), *([current] if "message" in current else []), entry]
        triggers["showToast"] = {"messages": [m for m in messages if "message" in m]}
    else:
        triggers["showToast"] = entry
    response.headers["HX-Trigger"] = json.dumps(triggers)
    return response
