"""Infix lookups for accounts and contacts ("rcia" → García, "4567" → the end of a phone number): a trigram
index over each table's vocabulary in `search_word`, and triggers that add the digit strings of phones and the
compact tax ids to it (see crm.core.search.indexes, "infix index"). The specs are written out here, as in 0008
and 0011, so this migration keeps doing what it did when crm/contacts/search.py changes."""

from django.db import migrations

from crm.core.search.indexes import SearchIndex, SearchInfixIndexCreate


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_account_contact_search_typo"),
        ("search", "0002_pg_trgm"),
    ]

    operations = [
        SearchInfixIndexCreate(
            SearchIndex(
                table="contacts_account",
                names=("name", "legal_name"),
                emails=("email", "website"),
                email_lists=("other_emails",),
                phones=("phone",),
                phone_lists=("other_phones",),
                codes=("tax_id",),
            )
        ),
        SearchInfixIndexCreate(
            SearchIndex(
                table="contacts_contact",
                names=("full_name",),
                emails=("email",),
                email_lists=("other_emails",),
                phones=("phone", "mobile"),
                phone_lists=("other_phones",),
            )
        ),
    ]
