"""The search indexes of accounts and contacts: FTS5 + triggers on SQLite, a GIN full-text expression index on
PostgreSQL (see crm.core.search.indexes). The specs are written out here so this migration keeps doing what it
did when crm/contacts/search.py changes later."""

from django.db import migrations

from crm.core.search.indexes import SearchIndex, SearchIndexCreate


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_fill_name_keys"),
    ]

    operations = [
        SearchIndexCreate(
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
        SearchIndexCreate(
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
