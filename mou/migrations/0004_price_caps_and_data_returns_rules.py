"""Every version gains the two statutory rules breaches point at by type: price caps and data
returns (issue 14). New versions get them from RULE_DEFAULTS; this adds them to versions made
before, after their other rules."""

from django.db import migrations, models
from django.db.models import Max

WORDING = {
    "price_caps": (
        "Agency workers are engaged and advertised at no more than the hourly rate cap of this "
        "version for their job type and engagement type."
    ),
    "data_returns": (
        "Each local authority sends the region its agency workforce data return by the date "
        "the region sets."
    ),
}


def add_rules(apps, schema_editor):
    MOUVersion = apps.get_model("mou", "MOUVersion")
    MOURule = apps.get_model("mou", "MOURule")
    for version in MOUVersion.objects.all():
        order = version.rules.aggregate(m=Max("order"))["m"] or 0
        have = set(version.rules.values_list("kind", flat=True))
        for kind, wording in WORDING.items():
            if kind in have:
                continue
            order += 1
            MOURule.objects.create(
                version=version, kind=kind, source="statutory", wording=wording, order=order
            )


KINDS = [
    ("min_pqe_years", "Minimum post-qualification experience"),
    ("non_engagement_months", "Non-engagement period after leaving a permanent role in the region"),
    ("notice_weeks", "Notice period"),
    ("references_required", "References required"),
    ("project_team_controls", "Project-team controls"),
    ("no_headhunting", "No headhunting between signatories"),
    ("price_caps", "Price caps"),
    ("data_returns", "Data returns"),
    ("regional", "Regional rule"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("mou", "0003_exception_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mourule",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32),
        ),
        migrations.AlterField(
            model_name="historicalmourule",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32),
        ),
        migrations.RunPython(add_rules, migrations.RunPython.noop),
    ]
