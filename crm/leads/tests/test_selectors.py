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


def test_search_finds_leads_by_a_fragment_or_a_typo_only_when_the_user_may_see_them(
    rep: Any, other_rep: Any
) -> None:
    mine = lead_create(
        actor=rep, first_name="Lucía", last_name="García", company="Nubes Ibéricas", phone="+34 612 34 4567"
    )
    lead_create(actor=other_rep, first_name="Otra", last_name="Fernández", phone="+34 699 11 2233")

    def hits(text: str, user: Any = rep) -> list[tuple[int, str]]:
        return [
            (h.id, h.match) for h in lead_search_hits(user=user, query=search_query_parse(text), limit=10)
        ]

    assert hits("rcia") == [(mine.pk, "infix")]
    assert hits("ericas") == [(mine.pk, "infix")]
    assert hits("4567") == [(mine.pk, "infix")]
    assert hits("garcai") == [(mine.pk, "typo")]
    assert hits("rnandez") == [] and hits("112233") == []
    assert [m for _, m in hits("rnandez", other_rep)] == ["infix"]
    lead_delete(actor=rep, lead=mine)
    assert hits("rcia") == []
