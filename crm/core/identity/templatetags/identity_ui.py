"""``{% load identity_ui %}``: how identity objects read on screen."""

from __future__ import annotations

from typing import Any

from django import template

from crm.core.identity.forms import role_label as _role_label

register = template.Library()


@register.filter
def role_label(role: Any) -> str:
    """``{{ user.role|role_label }}``: built-in roles in the active language, others by their name."""
    return _role_label(role)
