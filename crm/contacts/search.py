"""Accounts and contacts in the search box: their search indexes (created by migration 0008) and the
permission-scoped search selectors registered with crm.core.search."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from crm.contacts.models import Account, Contact
from crm.core.search.engine import Ranked, search_ranked
from crm.core.search.indexes import SearchIndex
from crm.core.search.registry import SearchHit
from crm.core.search.terms import SearchQuery

ACCOUNT_SEARCH = SearchIndex(
    table="contacts_account",
    names=("name", "legal_name"),
    emails=("email", "website"),
    email_lists=("other_emails",),
    phones=("phone",),
    phone_lists=("other_phones",),
    codes=("tax_id",),
    infix=True,  # migrations 0011 (vocabulary) and 0012 (trigram index)
)
CONTACT_SEARCH = SearchIndex(
    table="contacts_contact",
    names=("full_name",),
    emails=("email",),
    email_lists=("other_emails",),
    phones=("phone", "mobile"),
    phone_lists=("other_phones",),
    infix=True,
)


def _hit(ranked: Ranked, title: str, subtitle: str) -> SearchHit:
    return SearchHit(
        id=ranked.obj.pk,
        title=title,
        subtitle=subtitle,
        url=ranked.obj.get_absolute_url(),
        match=ranked.match.name.lower(),
    )


def _accounts(user: Any) -> QuerySet[Account]:
    """The accounts a search may show `user` (its SQL is compiled once per permission scope: it depends on
    the user only through `visible_to`)."""
    return Account.objects.visible_to(user).only("id", "name", "account_type", "tax_id", "email")


def _contacts(user: Any) -> QuerySet[Contact]:
    """The contacts a search may show `user` (as `_accounts`)."""
    return (
        Contact.objects.visible_to(user)
        .select_related("primary_account")
        .only("id", "full_name", "email", "phone", "mobile", "job_title", "primary_account__name")
    )


def account_search_hits(*, user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = search_ranked(
        _accounts, model=Account, index=ACCOUNT_SEARCH, query=query, user=user, limit=limit
    )
    return [
        _hit(
            r,
            r.obj.name,
            " · ".join(p for p in (r.obj.get_account_type_display(), r.obj.tax_id, r.obj.email) if p),
        )
        for r in ranked
    ]


def contact_search_hits(*, user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = search_ranked(
        _contacts, model=Contact, index=CONTACT_SEARCH, query=query, user=user, limit=limit
    )
    hits = []
    for r in ranked:
        c = r.obj
        account = c.primary_account.name if c.primary_account else ""
        hits.append(
            _hit(
                r, str(c), " · ".join(p for p in (c.job_title, account, c.email or c.phone or c.mobile) if p)
            )
        )
    return hits
