from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0003_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
