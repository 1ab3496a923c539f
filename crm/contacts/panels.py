"""Panels of the account page (the customer 360), composed by URL.

Later modules (opportunities, orders, cases) add a panel from `AppConfig.ready()`; the page renders a
placeholder that loads the panel's URL with htmx (`hx-trigger="load"`), so contacts never imports them:

    account_panel_register(key="sales.opportunities", title=_("Opportunities"),
                           url_name="sales:account_opportunities", order=40,
                           is_visible=lambda user: user_can(user, "sales.opportunity", "view"))

The URL gets the account's id as its one argument and answers an HTML fragment (a `card panel` section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class AccountPanel:
    key: str
    title: str | Promise
    url_name: str
    order: int = 100
    is_visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class PanelSlot:
    key: str
    title: str | Promise
    url: str


_PANELS: dict[str, AccountPanel] = {}


def account_panel_register(
    *,
    key: str,
    title: str | Promise,
    url_name: str,
    order: int = 100,
    is_visible: Callable[[Any], bool] | None = None,
) -> None:
    """Add (or replace, by `key`) a panel in the related column of every account page."""
    _PANELS[key] = AccountPanel(key=key, title=title, url_name=url_name, order=order, is_visible=is_visible)


def account_panel_unregister(key: str) -> None:
    _PANELS.pop(key, None)


def account_panels(*, user: Any, account_id: int) -> list[PanelSlot]:
    """The panels `user` sees on the page of account `account_id`, in order (URLs that do not resolve are
    skipped: a module may be switched off)."""
    slots = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.is_visible is not None and not panel.is_visible(user):
            continue
        try:
            url = reverse(panel.url_name, args=[account_id])
        except NoReverseMatch:
            continue
        slots.append(PanelSlot(key=panel.key, title=panel.title, url=url))
    return slots
