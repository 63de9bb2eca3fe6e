"""A breach with a rate points at the cap row in force on the day (issue 14)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("breaches", "0003_dashboard_indexes"),
        ("mou", "0004_price_caps_and_data_returns_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="breach",
            name="price_cap",
            field=models.ForeignKey(
                blank=True,
                help_text="The cap row in force on the day, for a breach with a rate",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mou.pricecap",
            ),
        ),
    ]
