"""The sidebar: a registry of navigation items, so each app adds its own entry from ``AppConfig.ready()``.

    nav_item_register(key="sales.opportunities", label=_("Opportunities"), url_name="sales:opportunity_list",
                      icon="currency-euro", order=40, object_type="sales.opportunity")

``section="admin"`` items show only to administrators. An item whose URL does not resolve yet is hidden
(shown greyed out when DEBUG is on, so a missing page is noticed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from crm.core.identity.permissions import user_can, user_is_admin

SECTIONS = ("main", "admin")


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    section: str = "main"
    order: int = 100
    object_type: str | None = None
    is_visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    icon: str
    is_active: bool
    is_available: bool


_ITEMS: dict[str, NavItem] = {}


def nav_item_register(
    *,
    key: str,
    label: str | Promise,
    url_name: str,
    icon: str,
    section: str = "main",
    order: int = 100,
    object_type: str | None = None,
    is_visible: Callable[[Any], bool] | None = None,
) -> None:
    """Add (or replace, by ``key``) a sidebar entry. ``icon`` is a heroicons outline name."""
    if section not in SECTIONS:
        raise ValueError(f"unknown navigation section {section!r}")
    _ITEMS[key] = NavItem(
        key=key,
        label=label,
        url_name=url_name,
        icon=icon,
        section=section,
        order=order,
        object_type=object_type,
        is_visible=is_visible,
    )


def nav_sections(*, user: Any, path: str) -> dict[str, list[NavLink]]:
    """The links ``user`` sees, per section, with the one matching ``path`` marked active."""
    is_admin = user_is_admin(user)
    sections: dict[str, list[NavLink]] = {name: [] for name in SECTIONS}
    candidates: list[tuple[NavItem, str | None]] = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.section == "admin" and not is_admin:
            continue
        if item.object_type and not user_can(user, item.object_type, "view"):
            continue
        if item.is_visible is not None and not item.is_visible(user):
            continue
        try:
            url: str | None = reverse(item.url_name)
        except NoReverseMatch:
            if not settings.DEBUG:
                continue
            url = None
        candidates.append((item, url))
    # The longest matching URL prefix wins, so "/" (home) is active only on the home page itself.
    best = max(
        (u for _, u in candidates if u and (path == u or (u != "/" and path.startswith(u)))),
        key=len,
        default=None,
    )
    for item, url in candidates:
        sections[item.section].append(
            NavLink(
                key=item.key,
                label=item.label,
                url=url or "",
                icon=item.icon,
                is_active=url is not None and url == best,
                is_available=url is not None,
            )
        )
    return sections
