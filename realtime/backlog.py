"""The stored items of a stream: where a subscription's backlog comes from.

The live-streams projector (projections/projectors/live.py) stores every item it
publishes (StreamItem) in the same transaction as the read models, before any
socket can see it; "subscribe after N" reads here what came after N.
Synchronous (ORM): called through ``database_sync_to_async``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.models import StreamItem
from realtime import access
from realtime.access import StreamRef

PAGE = 500

StoredItem = tuple[int, str, Any]  # position, kind, data


@dataclass(frozen=True, slots=True)
class Opening:
    """What a subscription starts from: the stream's latest position and the first
    page of what the client missed."""

    latest: int
    items: list[StoredItem]


def latest_position(stream: str) -> int:
    last = (
        StreamItem.objects.filter(stream=stream)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return int(last or 0)


def items_after(stream: str, after: int, limit: int = PAGE) -> list[StoredItem]:
    """The stream's items after a position, oldest first (the (stream, position)
    unique index serves this query)."""
    rows = (
        StreamItem.objects.filter(stream=stream, position__gt=after)
        .order_by("position")
        .values_list("position", "kind", "data")[:limit]
    )
    return [(int(position), str(kind), data) for position, kind, data in rows]


def open_stream(user_id: str, ref: StreamRef, after: int | None, limit: int = PAGE) -> Opening:
    """Check that the person may read the stream now, then read where it stands and
    the first page after ``after``; ProtocolError when they may not."""
    access.check_read(access.actor_of(user_id), ref)
    latest = latest_position(ref.stream)
    if after is None or after >= latest:
        return Opening(latest, [])
    return Opening(latest, items_after(ref.stream, after, limit))
