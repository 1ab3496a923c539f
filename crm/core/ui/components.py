"""Small value objects the component templates take (built in views)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Tab:
    """One tab of ``ui/components/tabs.html``: ``url`` is the htmx fragment, ``href`` the full-page link."""

    key: str
    label: str | Promise
    url: str
    count: int | None = None
    href: str = ""
