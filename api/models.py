"""The API's own tables: what is not an event and not a projection.

(Invitations were kept here until they became events: events.invitations.)
- :class:`ReadMarker`: how far a person has read a thread (or a workspace): unread counts.
- :class:`PageView`: page views of public pages per day, kind of page and commission,
  counted by :func:`record_page_view` (the web client calls it).
- :class:`IdempotencyRecord`: the first response to a POST with an ``Idempotency-Key``,
  replayed to a repeat of that request.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class ReadMarker(models.Model):
    """The global position up to which a person has read a thread or a workspace."""

    KINDS = [("thread", "thread"), ("workspace", "workspace")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=KINDS)
    object_id = models.UUIDField()
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "api_read_marker"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="read_marker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} read to {self.position}"


class PageView(models.Model):
    """Views of one kind of public page on one day, for one commission or platform-wide."""

    # "<day>|<page kind>|<commission id or 'all'>": one row per counter, no NULL in the key.
    key = models.CharField(max_length=120, primary_key=True)
    day = models.DateField()
    page_kind = models.CharField(max_length=40)
    commission_id = models.UUIDField(null=True, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        db_table = "api_page_view"
        indexes = [
            models.Index(fields=["commission_id", "day"], name="page_view_commission"),
            models.Index(fields=["day"], name="page_view_day"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


def record_page_view(
    page_kind: str, commission_id: UUID | str | None = None, *, day: dt.date | None = None
) -> None:
    """Count one view of a public page (``page_kind``: "home", "commission", "update"...),
    for the commission it shows if any. Safe to call from concurrent requests."""
    day = day or timezone.now().date()
    commission = UUID(str(commission_id)) if commission_id else None
    kind = page_kind[:40]
    key = f"{day.isoformat()}|{kind}|{commission or 'all'}"
    if PageView.objects.filter(key=key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PageView.objects.create(
                key=key, day=day, page_kind=kind, commission_id=commission, count=1
            )
    except IntegrityError:
        # Another request created the row first: count on it.
        PageView.objects.filter(key=key).update(count=F("count") + 1)


class IdempotencyRecord(models.Model):
    """The first successful response to a POST, keyed by its sender and Idempotency-Key."""

    # The user's id, or another owner for requests without one ("invitation:<id>").
    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=80)
    # SHA-256 of the method, path and content: the same key on another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "api_idempotency_record"
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} -> {self.status}"
