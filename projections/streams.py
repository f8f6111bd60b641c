"""Names of the live streams, as clients write them in their subscribe frames.

realtime/groups.py maps each to a Channels group name (no colons there).
"""

from __future__ import annotations

from uuid import UUID

FEED_ALL = "feed:all"


def thread(thread_id: UUID | str) -> str:
    return f"thread:{thread_id}"


def workspace(workspace_id: UUID | str) -> str:
    return f"workspace:{workspace_id}"


def commission_feed(commission_id: UUID | str) -> str:
    return f"feed:commission:{commission_id}"


def user(user_id: str) -> str:
    return f"user:{user_id}"


def meeting(meeting_id: UUID | str) -> str:
    """A meeting as it runs: its state, its agenda and the item under discussion."""
    return f"meeting:{meeting_id}"
