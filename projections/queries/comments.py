"""Comments on any resource: read as the resource is."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from events.roles import Actor
from projections.models import CommentEntry
from projections.queries.access import may_read


def comments(resource_kind: str, resource_id: UUID) -> QuerySet[CommentEntry]:
    """The comments on one resource (the caller checks that the actor may read it)."""
    return CommentEntry.objects.filter(resource_kind=resource_kind, resource_id=resource_id)


def comment_entry(actor: Actor, comment_id: UUID) -> CommentEntry | None:
    comment = CommentEntry.objects.filter(id=comment_id).first()
    if comment is None or not may_read(actor, comment.resource_kind, comment.resource_id):
        return None
    return comment
