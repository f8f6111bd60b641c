"""Invitations become events (events.invitations): the rows of the old table are
recorded as events in their inviters' names (api.invitations.import_legacy), once
(each with a command id of its own), then the table goes."""

from django.db import migrations


def record_as_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    rows = apps.get_model("api", "Invitation").objects.using(schema_editor.connection.alias).all()
    if not rows.exists():
        return  # a new site, or a scratch copy: nothing to record
    from api.invitations import import_legacy

    import_legacy(rows.order_by("created_at"))


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("projections", "0005_invitations")]

    operations = [
        migrations.RunPython(record_as_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="Invitation"),
    ]
