"""Meetings (events.meetings): their read model."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projections", "0005_invitations")]

    operations = [
        migrations.CreateModel(
            name="MeetingEntry",
            fields=[
                ("id", models.UUIDField(primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=32)),
                ("title", models.JSONField(default=dict)),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                ("time_zone", models.CharField(max_length=64)),
                ("place", models.CharField(blank=True, max_length=300)),
                ("online_link", models.CharField(blank=True, max_length=2000)),
                ("organiser", models.CharField(max_length=64)),
                ("commission_ids", models.JSONField(default=list)),
                ("partner_ids", models.JSONField(default=list)),
                ("visibility", models.CharField(max_length=16)),
                ("capacity", models.IntegerField(null=True)),
                ("has_waiting_list", models.BooleanField(default=True)),
                ("state", models.CharField(max_length=16)),
                ("reason", models.TextField(blank=True)),
                ("agenda", models.JSONField(default=list)),
                ("withdrawn", models.JSONField(default=list)),
                ("current_item_id", models.UUIDField(null=True)),
                ("registered", models.JSONField(default=list)),
                ("waiting", models.JSONField(default=list)),
                ("scheduled_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("version", models.IntegerField()),
                ("position", models.BigIntegerField()),
            ],
            options={
                "db_table": "rm_meeting",
                "indexes": [
                    models.Index(fields=["starts_at", "id"], name="meeting_start"),
                    models.Index(fields=["state", "starts_at"], name="meeting_state"),
                ],
            },
        ),
    ]
