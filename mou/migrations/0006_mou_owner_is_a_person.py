"""The MOU owner of a local authority becomes a person with an account (issue 15): invitations to
sign are emailed to them. The free-text names it replaces could not be emailed; an admin chooses
the person on each signatory's page (docs/adr/0006)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OWNER = {
    "blank": True,
    "help_text": "A DCS or workforce lead of the local authority with a portal account: "
    "invitations to sign are emailed to them",
    "null": True,
    "related_name": "+",
    "to": settings.AUTH_USER_MODEL,
    "verbose_name": "Owner of the MOU in the local authority",
}


class Migration(migrations.Migration):
    dependencies = [
        ("mou", "0005_version_state_from_dates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalsignatory", name="mou_owner"),
        migrations.RemoveField(model_name="signatory", name="mou_owner"),
        migrations.AddField(
            model_name="historicalsignatory",
            name="mou_owner",
            field=models.ForeignKey(
                db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, **OWNER
            ),
        ),
        migrations.AddField(
            model_name="signatory",
            name="mou_owner",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, **OWNER),
        ),
    ]
