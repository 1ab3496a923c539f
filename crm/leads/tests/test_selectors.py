"""Leads in the global search: found by name, company, email or phone, only when the user may see them."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.search.terms import search_query_parse
from crm.leads.search import lead_search_hits
from crm.leads.services import lead_create, lead_delete

pytestmark = pytest.mark.django_db


def test_search_finds_visible_leads_by_name_company_email_and_phone(rep: Any, other_rep: Any) -> None:
    mine = lead_create(
        actor=rep,
        first_name="Lucía",
        last_name="Muñoz",
        company="Nubes Ibéricas",
        email="lucia@nubes.example",
        phone="612 345 678",
    )
    lead_create(actor=other_rep, first_name="Lucía", last_name="Hidden", company="Nubes Secretas")

    def ids(text: str) -> list[int]:
        return [h.id for h in lead_search_hits(user=rep, query=search_query_parse(text), limit=10)]

    assert ids("munoz") == [mine.pk]
    assert ids("nubes") == [mine.pk]
    assert ids("lucia@nubes.example") == [mine.pk]
    assert ids("612345678") == [mine.pk]
    lead_delete(actor=rep, lead=mine)
    assert ids("munoz") == []
