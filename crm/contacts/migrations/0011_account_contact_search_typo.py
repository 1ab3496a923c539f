"""The typo index (SymSpell, crm.core.search's `search_word`) for accounts and contacts: triggers that add the
words of every written row, and the words already stored (see crm.core.search.indexes, "typo index"). The specs
are written out here, as in 0008, so this migration keeps doing what it did when crm/contacts/search.py changes."""

from django.db import migrations

from crm.core.search.indexes import SearchIndex, SearchTypoIndexCreate


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0010_account_parent_partial_index"),
        ("search", "0001_search_word"),
    ]

    operations = [
        SearchTypoIndexCreate(
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
        SearchTypoIndexCreate(
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
