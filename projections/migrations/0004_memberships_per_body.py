"""A person holds one membership per body (no longer one role overwritten by the
next), and affiliations become two-sided with what the partner shares.

Both read models are rebuilt from the events: their rows and tracking positions
are cleared here, and the projector replays the membership and directory events
on its next start (``tawasul rebuild memberships directory`` does the same by hand).
Replayed, an affiliation recorded before this change grants nothing private,
except to the commission that registered the partner (events.partners.Partner).
"""

from django.db import migrations, models

REBUILT = ("memberships", "directory")


def clear_rebuilt_read_models(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The database being migrated (a scratch copy for `rebuild --check` is migrated too).
    alias = schema_editor.connection.alias
    for model in ("CommissionEntry", "PartnerEntry", "PartnerAffiliation"):
        apps.get_model("projections", model).objects.using(alias).all().delete()
    apps.get_model("projections", "ProjectionPosition").objects.using(alias).filter(name__in=REBUILT).delete()


class Migration(migrations.Migration):
    dependencies = [("projections", "0003_decision_timeline")]

    operations = [
        migrations.RunPython(clear_rebuilt_read_models, migrations.RunPython.noop),
        migrations.DeleteModel(name="Membership"),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("key", models.CharField(max_length=110, primary_key=True, serialize=False)),
                ("user_id", models.CharField(max_length=64)),
                ("scope", models.CharField(max_length=16)),
                ("scope_id", models.UUIDField()),
                ("role", models.CharField(max_length=32)),
                ("since", models.DateTimeField()),
                ("position", models.BigIntegerField()),
            ],
            options={
                "db_table": "rm_membership",
                "indexes": [
                    models.Index(fields=["scope", "scope_id"], name="membership_scope"),
                    models.Index(fields=["user_id", "since"], name="membership_user"),
                ],
            },
        ),
        migrations.AddField(
            model_name="partnerentry", name="grants", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="partnerentry",
            name="registration_command",
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AddField(
            model_name="partneraffiliation",
            name="state",
            field=models.CharField(default="accepted", max_length=16),
        ),
        migrations.AddField(
            model_name="partneraffiliation",
            name="requested_by",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="partneraffiliation", name="rationale", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="partneraffiliation",
            name="shares_documents",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="partneraffiliation",
            name="shares_members",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="partneraffiliation",
            name="shares_profile",
            field=models.BooleanField(default=False),
        ),
    ]
