"""Meetings as their events left them: dates and state, the agenda in its order,
the participants and the waiting list in theirs, every version of the minutes."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import MeetingEntry


def _item(event: Any) -> dict[str, Any]:
    return {
        "id": str(event.item_id),
        "title": event.title,
        "duration_minutes": event.duration_minutes,
        "presenter": event.presenter,
    }


class MeetingsProjector(Projector):
    name = "meetings"
    models = (MeetingEntry,)

    @handles("Meeting.Scheduled")
    def scheduled(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            MeetingEntry(
                id=context.aggregate_id,
                kind=event.kind,
                title=event.title,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                time_zone=event.time_zone,
                place=event.place,
                online_link=event.online_link,
                organiser=event.actor,
                commission_ids=[str(c) for c in event.commission_ids],
                partner_ids=[str(p) for p in event.partner_ids],
                visibility=event.visibility,
                capacity=event.capacity,
                has_waiting_list=event.waiting_list,
                state="planned",
                scheduled_at=context.timestamp,
                updated_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )

    @handles("Meeting.Convened", "Meeting.Opened", "Meeting.Closed", "Meeting.MinutesAdopted")
    def moved(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.state = {
            "Convened": "convened",
            "Opened": "in_progress",
            "Closed": "closed",
            "MinutesAdopted": "minutes_adopted",
        }[type(event).__name__]
        if entry.state == "closed":
            entry.current_item_id = None
            entry.present = []
        if entry.state == "minutes_adopted":
            # Adopted before minutes had versions: number is None, no version changes.
            self._mark(entry, event.number, "definitive")

    @handles("Meeting.MinutesDrafted", "Meeting.MinutesCorrected")
    def minutes_drafted(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        version = {
            "number": event.number,
            "text": event.text,
            "state": "draft",
            "reason": getattr(event, "reason", ""),
            "by": event.actor,
            "at": context.timestamp.isoformat(),
        }
        entry.minutes = [*(v for v in entry.minutes if v["number"] != event.number), version]

    @handles("Meeting.MinutesCirculated")
    def minutes_circulated(self, event: Any, context: EventContext) -> None:
        self._mark(self._entry(context), event.number, "provisional")

    @staticmethod
    def _mark(entry: MeetingEntry, number: int | None, state: str) -> None:
        entry.minutes = [{**v, "state": state} if v["number"] == number else v for v in entry.minutes]

    @handles("Meeting.Postponed")
    def postponed(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.state, entry.reason = "planned", event.reason
        entry.starts_at, entry.ends_at = event.starts_at, event.ends_at

    @handles("Meeting.Cancelled")
    def cancelled(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.state, entry.reason = "cancelled", event.reason

    @handles("Meeting.AgendaItemAdded")
    def item_added(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.agenda = [*entry.agenda, _item(event)]

    @handles("Meeting.AgendaItemWithdrawn")
    def item_withdrawn(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        item_id = str(event.item_id)
        item = next(i for i in entry.agenda if i["id"] == item_id)
        entry.agenda = [i for i in entry.agenda if i["id"] != item_id]
        entry.withdrawn = [*entry.withdrawn, {**item, "reason": event.reason}]
        if entry.current_item_id is not None and str(entry.current_item_id) == item_id:
            entry.current_item_id = None

    @handles("Meeting.AgendaReordered")
    def reordered(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        order = {str(item_id): n for n, item_id in enumerate(event.item_ids)}
        entry.agenda = sorted(entry.agenda, key=lambda item: order[item["id"]])

    @handles("Meeting.CurrentItemSet")
    def current_item_set(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.current_item_id = event.item_id
        self._attend(entry, entry.present)

    @handles("Meeting.CheckedIn")
    def checked_in(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.present = [*entry.present, event.person_id]
        self._attend(entry, [event.person_id])

    @handles("Meeting.Left")
    def left(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.present = [p for p in entry.present if p != event.person_id]

    @staticmethod
    def _attend(entry: MeetingEntry, people: list[str]) -> None:
        """``people`` were present for the item under discussion (if any)."""
        if entry.current_item_id is None:
            return
        item = str(entry.current_item_id)
        already = entry.attendance.get(item, [])
        entry.attendance = {**entry.attendance, item: [*already, *(p for p in people if p not in already)]}

    @handles("Meeting.Registered", "Meeting.PromotedFromWaitingList")
    def registered(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.waiting = [p for p in entry.waiting if p != event.person_id]
        entry.registered = [*entry.registered, event.person_id]

    @handles("Meeting.WaitListed")
    def wait_listed(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.waiting = [*entry.waiting, event.person_id]

    @handles("Meeting.RegistrationCancelled")
    def registration_cancelled(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.registered = [p for p in entry.registered if p != event.person_id]
        entry.waiting = [p for p in entry.waiting if p != event.person_id]

    @staticmethod
    def _entry(context: EventContext) -> MeetingEntry:
        entry = context.rows.require(MeetingEntry, context.aggregate_id)
        entry.version = context.version
        entry.position = context.position
        entry.updated_at = context.timestamp
        context.rows.changed(entry)
        return entry
