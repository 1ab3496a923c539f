"""PostgreSQL: the pg_trgm extension, for the trigram indexes of infix lookups (see crm.core.search.indexes,
"infix index"). A trusted extension: the database owner may create it. Nothing to do on other databases."""

from typing import Any

from django.db import migrations


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP EXTENSION IF EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_word"),
    ]

    operations = [
        migrations.RunPython(_create, _drop, elidable=False),
    ]
