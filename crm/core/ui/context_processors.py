from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from crm.core.identity.permissions import user_can, user_is_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_admin": user_is_admin(user),
        "nav_can": {
            "accounts": user_can(user, "contacts.account", "view"),
            "contacts": user_can(user, "contacts.contact", "view"),
            "activities": user_can(user, "activities.activity", "view"),
        },
    }
