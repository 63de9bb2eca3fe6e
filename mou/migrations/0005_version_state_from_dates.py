"""A version's stored status becomes draft or published (issue 15): whether a published version
is scheduled, in force or ended is worked out from its dates. Active and superseded versions
become published, in the field history too.

The database keeps published versions of one MOU from overlapping, which no Django constraint
can say on both backends: an exclusion constraint on PostgreSQL (ranges over the MOU and the
dates, needing no extension) and two triggers on SQLite. SQLite drops a table's triggers when
Django rebuilds the table in a later migration; tests/mou/test_version_states.py inserts
overlapping rows on both backends, so a guard that went missing would fail it.
"""

from django.conf import settings
from django.db import migrations, models


def to_published(apps, schema_editor):
    for name in ("MOUVersion", "HistoricalMOUVersion"):
        model = apps.get_model("mou", name)
        model.objects.filter(status__in=["active", "superseded"]).update(status="published")


def to_active_and_superseded(apps, schema_editor):
    for name in ("MOUVersion", "HistoricalMOUVersion"):
        model = apps.get_model("mou", name)
        model.objects.filter(status="published", effective_to__isnull=False).update(
            status="superseded"
        )
        model.objects.filter(status="published").update(status="active")


POSTGRESQL_GUARD = """
ALTER TABLE mou_mouversion ADD CONSTRAINT mou_version_periods_do_not_overlap
EXCLUDE USING gist (
    int8range(mou_id, mou_id, '[]') WITH =,
    daterange(effective_from, effective_to, '[)') WITH &&
) WHERE (status = 'published')
"""

# The same condition as the exclusion constraint: another published version of the MOU whose
# dates meet the new row's (an open end is the far future).
_SQLITE_OVERLAP = """
WHEN NEW.status = 'published' AND EXISTS (
    SELECT 1 FROM mou_mouversion o
    WHERE o.mou_id = NEW.mou_id AND o.status = 'published' AND o.id IS NOT NEW.id
    AND (o.effective_to IS NULL OR o.effective_to > NEW.effective_from)
    AND (NEW.effective_to IS NULL OR NEW.effective_to > o.effective_from)
)
BEGIN SELECT RAISE(ABORT, 'mou_version_periods_do_not_overlap'); END
"""
SQLITE_GUARD = [
    f"CREATE TRIGGER mou_version_periods_do_not_overlap_{when} BEFORE {when.upper()} "
    f"ON mou_mouversion {_SQLITE_OVERLAP}"
    for when in ("insert", "update")
]


def add_overlap_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_GUARD)
    elif vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)
    else:  # pragma: no cover - the portal runs on PostgreSQL, and SQLite for trying it out
        raise NotImplementedError(f"No overlap guard for {vendor}")


def remove_overlap_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE mou_mouversion DROP CONSTRAINT mou_version_periods_do_not_overlap"
        )
    else:
        for when in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER mou_version_periods_do_not_overlap_{when}")


class Migration(migrations.Migration):
    dependencies = [
        ("mou", "0004_price_caps_and_data_returns_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="mouversion",
            name="mou_version_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="mouversion",
            name="mou_one_active_version",
        ),
        migrations.AlterField(
            model_name="historicalmouversion",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="draft",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="mouversion",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="draft",
                max_length=16,
            ),
        ),
        migrations.RunPython(to_published, to_active_and_superseded),
        migrations.AddConstraint(
            model_name="mouversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "published"])),
                name="mou_version_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="mouversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("effective_to__isnull", True), ("status", "published")),
                fields=("mou",),
                name="mou_one_open_ended_version",
            ),
        ),
        migrations.RunPython(add_overlap_guard, remove_overlap_guard),
    ]
