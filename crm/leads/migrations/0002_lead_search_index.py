# The search box's index of leads (crm/leads/search.py): an FTS5 table kept by triggers on SQLite, a generated
# tsvector column with a GIN index on PostgreSQL.

from django.db import migrations

from crm.core.search.indexes import SearchIndex, SearchIndexCreate


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0001_initial"),
    ]

    operations = [
        SearchIndexCreate(
            SearchIndex(
                table="leads_lead",
                names=("full_name", "company"),
                emails=("email", "website"),
                phones=("phone",),
            )
        ),
    ]
