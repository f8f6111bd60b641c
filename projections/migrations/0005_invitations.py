"""Invitations become events (events.invitations): their read model."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projections", "0004_memberships_per_body")]

    operations = [
        migrations.CreateModel(
            name="InvitationEntry",
            fields=[
                ("id", models.UUIDField(primary_key=True, serialize=False)),
                ("email", models.CharField(max_length=254)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("scope", models.CharField(max_length=16)),
                ("scope_id", models.UUIDField()),
                ("role", models.CharField(max_length=32)),
                ("language", models.CharField(max_length=2)),
                ("invited_by", models.CharField(max_length=64)),
                ("rationale", models.TextField(blank=True)),
                ("created_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("accepted_at", models.DateTimeField(null=True)),
                ("accepted_user_id", models.CharField(blank=True, max_length=64)),
                ("revoked_at", models.DateTimeField(null=True)),
                ("version", models.IntegerField()),
                ("position", models.BigIntegerField()),
            ],
            options={
                "db_table": "rm_invitation",
                "indexes": [
                    models.Index(fields=["invited_by", "-created_at"], name="rm_invitation_inviter"),
                    models.Index(fields=["scope", "scope_id", "-created_at"], name="rm_invitation_scope"),
                ],
            },
        ),
    ]
