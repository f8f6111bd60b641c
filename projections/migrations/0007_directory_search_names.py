"""The directory's search text gains the country's and the partner kind's names in
Arabic, English and French (projections.projectors.directory), so "Morocco",
"maroc" and "المغرب", or "school", "école" and "مدرسة", find what they name.

The directory read model is rebuilt from the events: its rows and tracking
position are cleared here, and the projector replays the directory events on its
next start (``tawasul rebuild directory`` does the same by hand).
"""

from django.db import migrations

REBUILT = ("directory",)


def clear_directory(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The database being migrated (a scratch copy for `rebuild --check` is migrated too).
    alias = schema_editor.connection.alias
    for model in ("CommissionEntry", "PartnerEntry", "PartnerAffiliation"):
        apps.get_model("projections", model).objects.using(alias).all().delete()
    apps.get_model("projections", "ProjectionPosition").objects.using(alias).filter(name__in=REBUILT).delete()


class Migration(migrations.Migration):
    dependencies = [("projections", "0006_meetings")]

    operations = [migrations.RunPython(clear_directory, migrations.RunPython.noop)]
