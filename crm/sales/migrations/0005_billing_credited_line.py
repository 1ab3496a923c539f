import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0004_contracts_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoiceline",
            name="credited_line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credit_lines",
                to="sales.invoiceline",
            ),
        ),
        migrations.AddIndex(
            model_name="invoiceline",
            index=models.Index(fields=["credited_line"], name="sales_invoiceline_credited_idx"),
        ),
    ]
