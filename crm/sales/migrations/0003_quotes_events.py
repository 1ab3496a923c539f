import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0011_account_contact_search_typo"),
        ("sales", "0002_documents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QuoteEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20, verbose_name="what happened")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                ("note", models.TextField(blank=True, default="", verbose_name="note")),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contacts.account"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opportunity",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.opportunity",
                    ),
                ),
                (
                    "quote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="sales.quote"
                    ),
                ),
            ],
            options={
                "verbose_name": "quote event",
                "verbose_name_plural": "quote events",
                "indexes": [
                    models.Index(fields=["quote", "-at", "-id"], name="sales_quoteevent_quote_idx"),
                    models.Index(fields=["account", "-at", "-id"], name="sales_quoteevent_account_idx"),
                    models.Index(fields=["opportunity", "-at", "-id"], name="sales_quoteevent_opp_idx"),
                ],
            },
        ),
    ]
