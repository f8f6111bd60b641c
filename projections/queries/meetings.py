"""Meetings a person may read, one of them, and its participants."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import MeetingEntry


def _readable(actor: Actor, entry: MeetingEntry) -> bool:
    return policy.may_read_meeting(
        actor,
        entry.kind,
        entry.visibility,
        [UUID(c) for c in entry.commission_ids],
        [*entry.registered, *entry.waiting],
    )


def meetings(
    actor: Actor,
    *,
    state: str | None = None,
    kind: str | None = None,
    commission: UUID | None = None,
    starting_from: dt.datetime | None = None,
    starting_before: dt.datetime | None = None,
) -> QuerySet[MeetingEntry]:
    """The meetings ``actor`` may read (events.policy.may_read_meeting), filtered."""
    found = MeetingEntry.objects.all()
    if not policy.may_read_everything(actor):
        visible = Q(visibility="public")
        if actor.memberships:
            visible |= Q(visibility="members")
        # Invited meetings are few: the rule is checked on each, in Python.
        invited = [m.id for m in MeetingEntry.objects.filter(visibility="invited") if _readable(actor, m)]
        if invited:
            visible |= Q(id__in=invited)
        found = found.filter(visible)
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    if commission:
        ids = [m.id for m in found.only("id", "commission_ids") if str(commission) in m.commission_ids]
        found = found.filter(id__in=ids)
    if starting_from:
        found = found.filter(starts_at__gte=starting_from)
    if starting_before:
        found = found.filter(starts_at__lt=starting_before)
    return found


def meeting_entry(actor: Actor, meeting_id: UUID) -> MeetingEntry | None:
    entry = MeetingEntry.objects.filter(id=meeting_id).first()
    return entry if entry is not None and _readable(actor, entry) else None


def meeting_participants(entry: MeetingEntry) -> list[dict[str, Any]]:
    """The registered in the order they registered, then the waiting list in its order,
    each with whether they are in the room now and the agenda items they attended."""
    item_ids = [item["id"] for item in [*entry.agenda, *entry.withdrawn]]
    return [
        {
            "user_id": person,
            "status": status,
            "rank": rank,
            "present": person in entry.present,
            # In the agenda's order (a JSON object's keys keep no order in PostgreSQL's jsonb).
            "attended_items": [i for i in item_ids if person in entry.attendance.get(i, ())],
        }
        for status, group in (("registered", entry.registered), ("waiting", entry.waiting))
        for rank, person in enumerate(group, start=1)
    ]
