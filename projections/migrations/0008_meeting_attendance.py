"""Attendance per agenda item (events.meetings: checked in, left)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projections", "0007_directory_search_names")]

    operations = [
        migrations.AddField(model_name="meetingentry", name="present", field=models.JSONField(default=list)),
        migrations.AddField(model_name="meetingentry", name="attendance", field=models.JSONField(default=dict)),
    ]
