from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from crm.core.identity.permissions import user_can, user_is_admin
from crm.core.ui.navigation import nav_sections


def navigation(request: HttpRequest) -> dict[str, Any]:
    base: dict[str, Any] = {"product_name": getattr(settings, "CRM_PRODUCT_NAME", "CRM")}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return base
    # All lazy: built only when a template uses them, so htmx fragments (quick find, pickers, panels) pay no query.
    return {
        **base,
        "nav_is_admin": SimpleLazyObject(lambda: user_is_admin(user)),
        "nav_can": SimpleLazyObject(
            lambda: {
                "accounts": user_can(user, "contacts.account", "view"),
                "contacts": user_can(user, "contacts.contact", "view"),
                "activities": user_can(user, "activities.activity", "view"),
            }
        ),
        "nav_sections": SimpleLazyObject(lambda: nav_sections(user=user, path=request.path)),
    }
