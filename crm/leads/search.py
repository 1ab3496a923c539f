"""Leads in the search box: their search index (created by migration 0002) and the permission-scoped search
selector registered with crm.core.search."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from crm.core.search.engine import search_ranked
from crm.core.search.indexes import SearchIndex
from crm.core.search.registry import SearchHit
from crm.core.search.terms import SearchQuery
from crm.leads.models import Lead

LEAD_SEARCH = SearchIndex(
    table="leads_lead",
    names=("full_name", "company"),
    emails=("email", "website"),
    phones=("phone",),
    infix=True,  # migration 0004 (vocabulary and trigram index)
)


def _leads(user: Any) -> QuerySet[Lead]:
    """The leads a search may show `user` (its SQL is compiled once per permission scope: it depends on the
    user only through `visible_to`)."""
    return Lead.objects.visible_to(user).only("id", "full_name", "company", "email", "phone", "status")


def lead_search_hits(*, user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    ranked = search_ranked(_leads, model=Lead, index=LEAD_SEARCH, query=query, user=user, limit=limit)
    return [
        SearchHit(
            id=r.obj.pk,
            title=str(r.obj),
            subtitle=" · ".join(
                p for p in (r.obj.company, str(r.obj.get_status_display()), r.obj.email or r.obj.phone) if p
            ),
            url=r.obj.get_absolute_url(),
            match=r.match.name.lower(),
        )
        for r in ranked
    ]
