"""Typo and infix lookups for leads, as accounts and contacts have them (contacts 0011 and 0012): the triggers
that add a lead's words, phone digits to the vocabulary (`search_word`), and the trigram index over it (see
crm.core.search.indexes). The spec is written out here, as in 0002, so this migration keeps doing what it did
when crm/leads/search.py changes."""

from django.db import migrations

from crm.core.search.indexes import SearchIndex, SearchInfixIndexCreate, SearchTypoIndexCreate

LEAD = SearchIndex(
    table="leads_lead",
    names=("full_name", "company"),
    emails=("email", "website"),
    phones=("phone",),
)


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0003_lead_converted_opportunity"),
        ("search", "0002_pg_trgm"),
    ]

    operations = [
        SearchTypoIndexCreate(LEAD),
        SearchInfixIndexCreate(LEAD),
    ]
