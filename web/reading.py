"""How far each person has read: unread counts on their pages (api.models.ReadMarker)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models.functions import Greatest

from api.models import ReadMarker
from projections import queries


def _markers(user: Any, kind: str, ids: Iterable[UUID]) -> dict[UUID, int]:
    return dict(
        ReadMarker.objects.filter(user_id=user.pk, kind=kind, object_id__in=list(ids)).values_list(
            "object_id", "position"
        )
    )


def unread_in_workspaces(user: Any, workspace_ids: list[UUID]) -> dict[UUID, int]:
    """Messages by others not yet read, per workspace."""
    if not workspace_ids:
        return {}
    thread_ids = list(queries.threads_of(workspace_ids).values_list("id", flat=True))
    markers = {**_markers(user, "thread", thread_ids), **_markers(user, "workspace", workspace_ids)}
    return queries.unread_counts(str(user.pk), workspace_ids=workspace_ids, read_up_to=markers)


def unread_in_threads(user: Any, thread_ids: list[UUID]) -> dict[UUID, int]:
    if not thread_ids:
        return {}
    return queries.unread_counts(
        str(user.pk), thread_ids=thread_ids, read_up_to=_markers(user, "thread", thread_ids)
    )


def mark_thread_read(user: Any, thread_id: UUID, position: int) -> None:
    """Move the reader's marker forward to ``position`` (never backward)."""
    marker, created = ReadMarker.objects.get_or_create(
        user=user, kind="thread", object_id=thread_id, defaults={"position": position}
    )
    if not created and marker.position < position:
        ReadMarker.objects.filter(pk=marker.pk).update(position=Greatest("position", position))
