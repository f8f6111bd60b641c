"""Minutes of a meeting, every version (events.meetings: drafted, corrected, circulated, adopted)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projections", "0008_meeting_attendance")]

    operations = [
        migrations.AddField(model_name="meetingentry", name="minutes", field=models.JSONField(default=list)),
    ]
