"""People who sign in. Their memberships and roles are events (see events/),
projected into projections.Membership; this table holds only identity and
credentials, which never belong in an event log."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=2, choices=[("ar", "العربية"), ("en", "English"), ("fr", "Français")], default="ar"
    )

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def actor_id(self) -> str:
        """The id that events record for this person."""
        return str(self.id)
