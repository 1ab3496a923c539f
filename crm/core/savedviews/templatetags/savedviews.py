from __future__ import annotations

from django import template

from crm.core.savedviews.builtins import BuiltinView, saved_view_builtins

register = template.Library()


@register.simple_tag
def builtin_views(object_type: str) -> list[BuiltinView]:
    """The built-in views of a list ("My accounts", …) for the saved-views menu."""
    return saved_view_builtins(object_type)
