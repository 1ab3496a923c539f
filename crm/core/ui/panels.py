"""Home page panels: each app registers a card whose body is loaded from one of its own URLs.

In an app's ``AppConfig.ready()``::

    from crm.core.ui.panels import home_panel_register

    home_panel_register(key="activities.my_open_tasks", title=_("My open tasks"),
                        url_name="activities:home_my_tasks", order=10)

The URL must answer a GET (htmx) with an HTML fragment: the card body only (a list, a table, or an empty
state). ``is_visible(user)`` may hide a panel from users who cannot use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class HomePanel:
    key: str
    title: str | Promise
    url_name: str
    order: int = 100
    is_visible: Callable[[Any], bool] | None = None
    wide: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_HOME_PANELS: dict[str, HomePanel] = {}


def home_panel_register(
    *,
    key: str,
    title: str | Promise,
    url_name: str,
    order: int = 100,
    is_visible: Callable[[Any], bool] | None = None,
    wide: bool = False,
) -> None:
    """Register (or replace, by ``key``) a home page panel. ``wide`` spans both columns on desktop."""
    _HOME_PANELS[key] = HomePanel(
        key=key, title=title, url_name=url_name, order=order, is_visible=is_visible, wide=wide
    )


def home_panel_unregister(key: str) -> None:
    _HOME_PANELS.pop(key, None)


def home_panels(*, user: Any) -> list[HomePanel]:
    """The panels ``user`` sees, in order; panels whose URL does not resolve are skipped."""
    panels = []
    for panel in sorted(_HOME_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.is_visible is not None and not panel.is_visible(user):
            continue
        try:
            reverse(panel.url_name)
        except NoReverseMatch:
            continue
        panels.append(panel)
    return panels
