"""Fill the duplicate blocking keys (name_key) of existing accounts and contacts, in batches by id."""

from django.db import migrations

BATCH = 2000


def _fill(model, key_of, fields):  # type: ignore[no-untyped-def]
    last = 0
    manager = model._base_manager
    while True:
        rows = list(manager.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        changed = []
        for row in rows:
            key = key_of(row)
            if row.name_key != key:
                row.name_key = key
                changed.append(row)
        if changed:
            manager.bulk_update(changed, ["name_key"], batch_size=500)
        last = rows[-1].pk


def fill_name_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    from crm.contacts.matching import company_name_key, person_name_key

    _fill(
        apps.get_model("contacts", "Contact"),
        lambda c: person_name_key(c.first_name, c.last_name),
        ("first_name", "last_name", "name_key"),
    )
    _fill(apps.get_model("contacts", "Account"), lambda a: company_name_key(a.name), ("name", "name_key"))


class Migration(migrations.Migration):
    dependencies = [("contacts", "0006_duplicates_keys_and_review")]

    operations = [migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True)]
