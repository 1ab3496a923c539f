"""Quick-find providers (the search box in the top bar) for accounts and contacts."""

from __future__ import annotations

from typing import Any

from crm.contacts import selectors


def account_quick_find(user: Any, q: str, limit: int) -> list[tuple[str, str, str]]:
    return [
        (a.name, a.get_account_type_display(), a.get_absolute_url())
        for a in selectors.account_search(user=user, q=q, limit=limit)
    ]


def contact_quick_find(user: Any, q: str, limit: int) -> list[tuple[str, str, str]]:
    return [
        (
            str(c),
            " · ".join(
                p for p in (c.job_title, c.primary_account.name if c.primary_account else c.email) if p
            ),
            c.get_absolute_url(),
        )
        for c in selectors.contact_search(user=user, q=q, limit=limit)
    ]
