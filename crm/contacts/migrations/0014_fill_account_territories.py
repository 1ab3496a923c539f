"""Fill the stored territory of existing accounts (their primary address matched against the territories, in
batches by id). Later changes keep it: the services and the re-match job (`crm territories rematch`)."""

from django.db import migrations


def fill_territories(apps, schema_editor):  # type: ignore[no-untyped-def]
    from crm.contacts.territories import account_batches, accounts_match

    territories = list(apps.get_model("assignment", "Territory").objects.order_by("name", "id"))
    if not territories:
        return
    account = apps.get_model("contacts", "Account")
    address = apps.get_model("contacts", "Address")
    for ids in account_batches(account_model=account):
        accounts_match(account_model=account, address_model=address, territories=territories, ids=ids)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0013_account_territory")]

    operations = [migrations.RunPython(fill_territories, migrations.RunPython.noop, elidable=True)]
