"""Meetings: governing-body sessions, conferences, bilateral meetings, trainings,
workshops and visits, with their lifecycle, agenda and registration.

A meeting is one aggregate: its agenda (tens of items) and its participant list
(hundreds) are small enough to load with it, and every rule that joins them (the
current item is an item of the agenda; a cancellation promotes the first on the
waiting list) is then checked in one place and saved in one append.

Lifecycle: planned -> convened -> in_progress -> closed -> minutes_adopted; a
planned or convened meeting may be postponed (back to planned, with new dates)
or cancelled, each with a reason.

Minutes: drafted by the organisers while the meeting is in progress or after it
closed (version 1, 2, ...), circulated as provisional, corrected (a new version,
with the reason), and adopted as definitive: the version adopted is the one last
circulated. Every version is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission
from events.errors import AlreadyExists, FieldCode, IllegalTransition, NotFound, ValidationFailed
from events.kinds import PLAIN, Kind, declare
from events.partners import Partner
from events.roles import Actor
from events.text import (
    BODY_MAX,
    NAME_MAX,
    RATIONALE_MAX,
    TITLE_MAX,
    clean_localized,
    clean_text,
    require_choice,
)

# The governing bodies' own meetings: the secretariat's alone.
SECRETARIAT_KINDS = frozenset(
    {"governing_body_session", "ministerial_conference", "secretaries_general_meeting"}
)
# Meetings a commission holds with the organisation or its partners.
COMMISSION_KINDS = policy.COMMISSION_MEETING_KINDS
KINDS = SECRETARIAT_KINDS | COMMISSION_KINDS | {"other"}
VISIBILITIES = frozenset({"public", "members", "invited"})

PLANNED = "planned"
CONVENED = "convened"
IN_PROGRESS = "in_progress"
CLOSED = "closed"
MINUTES_ADOPTED = "minutes_adopted"
CANCELLED = "cancelled"
STATES = frozenset({PLANNED, CONVENED, IN_PROGRESS, CLOSED, MINUTES_ADOPTED, CANCELLED})
POSTPONABLE = frozenset({PLANNED, CONVENED})
AGENDA_OPEN = frozenset({PLANNED, CONVENED, IN_PROGRESS})
REGISTRATION_OPEN = frozenset({PLANNED, CONVENED})
MINUTES_OPEN = frozenset({IN_PROGRESS, CLOSED})

# The states of a version of the minutes.
DRAFT = "draft"
PROVISIONAL = "provisional"
DEFINITIVE = "definitive"

LINK_MAX = 2000
MAX_DURATION_MINUTES = 24 * 60
MAX_CAPACITY = 100_000
MAX_CONCERNED = 200


# --- the aggregate -----------------------------------------------------------------------


class Meeting(TawasulAggregate):
    KIND = "meeting"

    @event("Scheduled")
    def __init__(
        self,
        id: UUID,
        kind: str,
        title: dict[str, str],
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        time_zone: str,
        place: str,
        online_link: str,
        commission_ids: list[UUID],
        partner_ids: list[UUID],
        visibility: str,
        capacity: int | None,
        waiting_list: bool,
        actor: str,
        command_id: str,
    ):
        self.kind = kind
        self.title = title
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.time_zone = time_zone
        self.place = place
        self.online_link = online_link
        self.commission_ids = commission_ids
        self.partner_ids = partner_ids
        self.visibility = visibility
        self.capacity = capacity
        self.has_waiting_list = waiting_list
        self.organiser = actor
        self.status = PLANNED
        self.reason = ""
        # Agenda items in their order: {"id", "title", "duration_minutes", "presenter"}.
        self.agenda: list[dict[str, Any]] = []
        # Withdrawn items, with their reason: they stay on record, off the agenda.
        self.withdrawn: list[dict[str, Any]] = []
        self.current_item_id: UUID | None = None
        # Person ids, in the order they registered (or joined the waiting list).
        self.registered: list[str] = []
        self.waiting: list[str] = []
        # Who is in the room now (checked in, not left); registered people only.
        self.present: list[str] = []
        # Every version of the minutes, oldest first: {"number", "text", "state", "reason", "by"}.
        self.minutes: list[dict[str, Any]] = []

    # --- lifecycle ---------------------------------------------------------------

    def _move(self, allowed: Collection[str], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(self.KIND, self.status, action)

    def convene(self, *, actor: str, command_id: str) -> None:
        self._move({PLANNED}, "convene")
        self._convened(actor=actor, command_id=command_id)

    @event("Convened")
    def _convened(self, actor: str, command_id: str) -> None:
        self.status = CONVENED

    def open(self, *, actor: str, command_id: str) -> None:
        self._move({CONVENED}, "open")
        self._opened(actor=actor, command_id=command_id)

    @event("Opened")
    def _opened(self, actor: str, command_id: str) -> None:
        self.status = IN_PROGRESS

    def close(self, *, actor: str, command_id: str) -> None:
        self._move({IN_PROGRESS}, "close")
        self._closed(actor=actor, command_id=command_id)

    @event("Closed")
    def _closed(self, actor: str, command_id: str) -> None:
        self.status = CLOSED
        self.current_item_id = None
        self.present = []

    def adopt_minutes(self, *, actor: str, command_id: str) -> int:
        """The version circulated last becomes definitive; returns its number."""
        self._move({CLOSED}, "adopt the minutes of")
        current = self.current_minutes
        if current is None or current["state"] != PROVISIONAL:
            # Adopted minutes are minutes the participants had: circulated as provisional.
            raise IllegalTransition(self.KIND, "without circulated minutes", "adopt the minutes of")
        self._minutes_adopted(number=current["number"], actor=actor, command_id=command_id)
        return int(current["number"])

    class MinutesAdopted(TawasulAggregate.Event):
        """Version 2 records the number of the version adopted; version 1 (before
        minutes had versions) adopted none."""

        class_version = 2
        number: int | None
        actor: str
        command_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["number"] = None

    @event(MinutesAdopted)
    def _minutes_adopted(self, number: int | None, actor: str, command_id: str) -> None:
        self.status = MINUTES_ADOPTED
        for version in self.minutes:
            if version["number"] == number:
                version["state"] = DEFINITIVE

    def postpone(
        self, reason: str, starts_at: dt.datetime, ends_at: dt.datetime, *, actor: str, command_id: str
    ) -> None:
        self._move(POSTPONABLE, "postpone")
        self._postponed(
            reason=reason, starts_at=starts_at, ends_at=ends_at, actor=actor, command_id=command_id
        )

    @event("Postponed")
    def _postponed(
        self, reason: str, starts_at: dt.datetime, ends_at: dt.datetime, actor: str, command_id: str
    ) -> None:
        # Back to planned: it is convened again for its new dates.
        self.status = PLANNED
        self.reason = reason
        self.starts_at = starts_at
        self.ends_at = ends_at

    def cancel(self, reason: str, *, actor: str, command_id: str) -> None:
        self._move(POSTPONABLE, "cancel")
        self._cancelled(reason=reason, actor=actor, command_id=command_id)

    @event("Cancelled")
    def _cancelled(self, reason: str, actor: str, command_id: str) -> None:
        self.status = CANCELLED
        self.reason = reason

    # --- minutes ---------------------------------------------------------------------

    @property
    def current_minutes(self) -> dict[str, Any] | None:
        return self.minutes[-1] if self.minutes else None

    @property
    def minutes_circulated(self) -> bool:
        return any(v["state"] != DRAFT for v in self.minutes)

    def draft_minutes(self, text: dict[str, str], reason: str, *, actor: str, command_id: str) -> int:
        """A new version of the minutes; after circulation it is a correction, with its reason."""
        self._move(MINUTES_OPEN, "draft the minutes of")
        number = len(self.minutes) + 1
        if self.minutes_circulated:
            if not reason:
                raise ValidationFailed.field(
                    "reason", "Say what this version corrects.", FieldCode.CORRECTION_REASON
                )
            self._minutes_corrected(
                number=number, text=text, reason=reason, actor=actor, command_id=command_id
            )
        else:
            self._minutes_drafted(number=number, text=text, actor=actor, command_id=command_id)
        return number

    @event("MinutesDrafted")
    def _minutes_drafted(self, number: int, text: dict[str, str], actor: str, command_id: str) -> None:
        self.minutes.append({"number": number, "text": text, "state": DRAFT, "reason": "", "by": actor})

    @event("MinutesCorrected")
    def _minutes_corrected(
        self, number: int, text: dict[str, str], reason: str, actor: str, command_id: str
    ) -> None:
        self.minutes.append({"number": number, "text": text, "state": DRAFT, "reason": reason, "by": actor})

    def circulate_minutes(self, *, actor: str, command_id: str) -> int:
        self._move(MINUTES_OPEN, "circulate the minutes of")
        current = self.current_minutes
        if current is None or current["state"] != DRAFT:
            raise IllegalTransition(self.KIND, "without a new draft of minutes", "circulate the minutes of")
        self._minutes_circulated(number=current["number"], actor=actor, command_id=command_id)
        return int(current["number"])

    @event("MinutesCirculated")
    def _minutes_circulated(self, number: int, actor: str, command_id: str) -> None:
        for version in self.minutes:
            if version["number"] == number:
                version["state"] = PROVISIONAL

    # --- agenda ----------------------------------------------------------------------

    @property
    def item_ids(self) -> list[UUID]:
        return [item["id"] for item in self.agenda]

    def add_item(
        self,
        item_id: UUID,
        title: dict[str, str],
        duration_minutes: int,
        presenter: str,
        *,
        actor: str,
        command_id: str,
    ) -> None:
        self._move(AGENDA_OPEN, "add an agenda item to")
        self._item_added(
            item_id=item_id,
            title=title,
            duration_minutes=duration_minutes,
            presenter=presenter,
            actor=actor,
            command_id=command_id,
        )

    @event("AgendaItemAdded")
    def _item_added(
        self,
        item_id: UUID,
        title: dict[str, str],
        duration_minutes: int,
        presenter: str,
        actor: str,
        command_id: str,
    ) -> None:
        self.agenda.append(
            {"id": item_id, "title": title, "duration_minutes": duration_minutes, "presenter": presenter}
        )

    def withdraw_item(self, item_id: UUID, reason: str, *, actor: str, command_id: str) -> None:
        self._move(AGENDA_OPEN, "withdraw an agenda item of")
        if item_id not in self.item_ids:
            raise NotFound("agenda item", item_id)
        self._item_withdrawn(item_id=item_id, reason=reason, actor=actor, command_id=command_id)

    @event("AgendaItemWithdrawn")
    def _item_withdrawn(self, item_id: UUID, reason: str, actor: str, command_id: str) -> None:
        item = next(i for i in self.agenda if i["id"] == item_id)
        self.agenda.remove(item)
        self.withdrawn.append({**item, "reason": reason})
        if self.current_item_id == item_id:
            self.current_item_id = None

    def reorder(self, item_ids: list[UUID], *, actor: str, command_id: str) -> None:
        self._move(AGENDA_OPEN, "reorder the agenda of")
        if len(item_ids) != len(self.agenda) or set(item_ids) != set(self.item_ids):
            raise ValidationFailed.field(
                "item_ids", "Give every item of the agenda exactly once, in the new order."
            )
        if item_ids != self.item_ids:
            self._reordered(item_ids=item_ids, actor=actor, command_id=command_id)

    @event("AgendaReordered")
    def _reordered(self, item_ids: list[UUID], actor: str, command_id: str) -> None:
        position = {item_id: n for n, item_id in enumerate(item_ids)}
        self.agenda.sort(key=lambda item: position[item["id"]])

    def set_current_item(self, item_id: UUID, *, actor: str, command_id: str) -> None:
        self._move({IN_PROGRESS}, "set the current item of")
        if item_id not in self.item_ids:
            raise ValidationFailed.field(
                "item_id", "Only an item of the agenda can be the current one.", FieldCode.NOT_AN_AGENDA_ITEM
            )
        if item_id != self.current_item_id:
            self._current_item_set(item_id=item_id, actor=actor, command_id=command_id)

    @event("CurrentItemSet")
    def _current_item_set(self, item_id: UUID, actor: str, command_id: str) -> None:
        self.current_item_id = item_id

    # --- registration ----------------------------------------------------------------

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and len(self.registered) >= self.capacity

    def register(self, person_id: str, *, actor: str, command_id: str) -> None:
        self._move(REGISTRATION_OPEN, "register for")
        if person_id in self.registered or person_id in self.waiting:
            raise AlreadyExists(f"{person_id} is registered for this meeting already.")
        if not self.is_full:
            self._registered(person_id=person_id, actor=actor, command_id=command_id)
        elif self.has_waiting_list:
            self._wait_listed(person_id=person_id, actor=actor, command_id=command_id)
        else:
            raise IllegalTransition(self.KIND, "full", "register for")

    @event("Registered")
    def _registered(self, person_id: str, actor: str, command_id: str) -> None:
        self.registered.append(person_id)

    @event("WaitListed")
    def _wait_listed(self, person_id: str, actor: str, command_id: str) -> None:
        self.waiting.append(person_id)

    def cancel_registration(self, person_id: str, *, actor: str, command_id: str) -> None:
        self._move(REGISTRATION_OPEN, "cancel a registration for")
        if person_id not in self.registered and person_id not in self.waiting:
            raise NotFound("registration", person_id)
        self._registration_cancelled(person_id=person_id, actor=actor, command_id=command_id)
        # The seat freed goes to the first who waits for one: its own event, so
        # the promoted person can be told.
        if self.waiting and not self.is_full:
            self._promoted(person_id=self.waiting[0], actor=actor, command_id=command_id)

    @event("RegistrationCancelled")
    def _registration_cancelled(self, person_id: str, actor: str, command_id: str) -> None:
        if person_id in self.registered:
            self.registered.remove(person_id)
        else:
            self.waiting.remove(person_id)

    @event("PromotedFromWaitingList")
    def _promoted(self, person_id: str, actor: str, command_id: str) -> None:
        self.waiting.remove(person_id)
        self.registered.append(person_id)

    # --- attendance ------------------------------------------------------------------

    def check_in(self, person_id: str, *, actor: str, command_id: str) -> None:
        self._move({IN_PROGRESS}, "check in to")
        if person_id not in self.registered:
            raise ValidationFailed.field(
                "person_id", "Only a registered participant checks in.", FieldCode.NOT_REGISTERED
            )
        if person_id in self.present:
            raise AlreadyExists(f"{person_id} is checked in already.")
        self._checked_in(person_id=person_id, actor=actor, command_id=command_id)

    @event("CheckedIn")
    def _checked_in(self, person_id: str, actor: str, command_id: str) -> None:
        self.present.append(person_id)

    def leave(self, person_id: str, *, actor: str, command_id: str) -> None:
        self._move({IN_PROGRESS}, "leave")
        if person_id not in self.present:
            raise NotFound("checked-in participant", person_id)
        self._left(person_id=person_id, actor=actor, command_id=command_id)

    @event("Left")
    def _left(self, person_id: str, actor: str, command_id: str) -> None:
        self.present.remove(person_id)


# --- input -------------------------------------------------------------------------------


def clean_moment(value: Any, field: str) -> dt.datetime:
    """A timezone-aware datetime (or its ISO 8601 text)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.field(field, "Must be an ISO 8601 date and time.") from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed.field(field, "Must be a date and time.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed.field(field, "Give the time zone offset (e.g. +03:00 or Z).")
    return value


def clean_dates(starts_at: Any, ends_at: Any) -> tuple[dt.datetime, dt.datetime]:
    start = clean_moment(starts_at, "starts_at")
    end = clean_moment(ends_at, "ends_at")
    if end <= start:
        raise ValidationFailed.field(
            "ends_at", "A meeting ends after it starts.", FieldCode.ENDS_BEFORE_START
        )
    return start, end


def clean_time_zone(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValidationFailed.field(
            "time_zone", "Give an IANA time zone name, e.g. Africa/Tunis.", FieldCode.UNKNOWN_TIME_ZONE
        )
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.field(
            "time_zone", f"Unknown time zone {value!r}.", FieldCode.UNKNOWN_TIME_ZONE
        ) from None
    return value


def clean_link(value: Any) -> str:
    link = clean_text(value, "online_link", max_length=LINK_MAX, required=False)
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme not in {"https", "http"} or not parts.netloc or any(c.isspace() for c in link):
        raise ValidationFailed.field("online_link", "Must be an http(s) address.", FieldCode.LINK_NOT_WEB)
    return link


def clean_ids(values: Any, field: str) -> list[UUID]:
    if values is None:
        return []
    if not isinstance(values, list | tuple) or len(values) > MAX_CONCERNED:
        raise ValidationFailed.field(field, f"A list of at most {MAX_CONCERNED} ids.")
    return list(dict.fromkeys(as_uuid(v, field) for v in values))


def clean_capacity(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        raise ValidationFailed.field("capacity", f"A whole number of seats from 1 to {MAX_CAPACITY}.")
    return value


def clean_duration(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DURATION_MINUTES:
        raise ValidationFailed.field(
            "duration_minutes", f"A whole number of minutes from 1 to {MAX_DURATION_MINUTES}."
        )
    return value


def clean_reason(value: Any) -> str:
    return clean_text(value, "reason", max_length=RATIONALE_MAX, multiline=True)


# --- use cases -------------------------------------------------------------------------------


class MeetingUseCases(EventStoreApplication):
    def meeting(self, meeting_id: UUID | str) -> Meeting:
        return self.load(Meeting, as_uuid(meeting_id, "meeting_id"))

    def _meeting_to_organise(
        self, actor: Actor, meeting_id: UUID, expected_version: int | None = None
    ) -> Meeting:
        meeting = self.load(Meeting, as_uuid(meeting_id, "meeting_id"), expected_version)
        require(
            policy.may_organise_meeting(actor, meeting.kind, meeting.commission_ids),
            "Only the meeting's organisers (the secretariat, or its commission's staff) manage it.",
        )
        return meeting

    def _check_exist(self, cls: type[Commission] | type[Partner], ids: Iterable[UUID]) -> None:
        for each in ids:
            self.read(cls, each)

    @command("meeting.schedule")
    def schedule_meeting(
        self,
        actor: Actor,
        *,
        command_id: str,
        kind: str,
        title: dict[str, str],
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        time_zone: str,
        place: str = "",
        online_link: str = "",
        commission_ids: list[UUID] | None = None,
        partner_ids: list[UUID] | None = None,
        visibility: str = "members",
        capacity: int | None = None,
        waiting_list: bool = True,
    ) -> Outcome:
        """Plan a meeting; its organiser is the actor."""
        kind = require_choice(kind, "kind", KINDS)
        commissions = clean_ids(commission_ids, "commission_ids")
        require(
            policy.may_organise_meeting(actor, kind, commissions),
            "The secretariat organises this kind of meeting; a commission organises its own "
            "bilateral meetings, trainings, workshops and visits.",
        )
        start, end = clean_dates(starts_at, ends_at)
        where = clean_text(place, "place", max_length=TITLE_MAX, required=False)
        link = clean_link(online_link)
        if not where and not link:
            raise ValidationFailed.field(
                "place", "Give a place, an online link, or both.", FieldCode.PLACE_OR_LINK
            )
        partners = clean_ids(partner_ids, "partner_ids")
        self._check_exist(Commission, commissions)
        self._check_exist(Partner, partners)
        meeting = Meeting(
            id=uuid4(),
            kind=kind,
            title=clean_localized(title, "title", max_length=TITLE_MAX),
            starts_at=start,
            ends_at=end,
            time_zone=clean_time_zone(time_zone),
            place=where,
            online_link=link,
            commission_ids=commissions,
            partner_ids=partners,
            visibility=require_choice(visibility, "visibility", VISIBILITIES),
            capacity=clean_capacity(capacity),
            waiting_list=bool(waiting_list),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(meeting)

    @command("meeting.convene")
    def convene_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        meeting.convene(actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    @command("meeting.open")
    def open_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        meeting.open(actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    @command("meeting.close")
    def close_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        meeting.close(actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    @command("meeting.adopt_minutes")
    def adopt_meeting_minutes(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        """The minutes last circulated (provisional) become definitive; the meeting
        is over. ``data.number`` is the version adopted."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        number = meeting.adopt_minutes(actor=actor.id, command_id=command_id)
        return Outcome(meeting, data={"number": number})

    @command("meeting.draft_minutes")
    def draft_meeting_minutes(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        text: dict[str, str],
        reason: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        """A new version of the minutes (in progress or closed); once minutes were
        circulated, a correction with its reason. ``data.number`` is its number."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        number = meeting.draft_minutes(
            clean_localized(text, "text", max_length=BODY_MAX, multiline=True),
            clean_text(reason, "reason", max_length=RATIONALE_MAX, required=False, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(meeting, data={"number": number})

    @command("meeting.circulate_minutes")
    def circulate_meeting_minutes(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        """The current version of the minutes goes out as provisional."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        number = meeting.circulate_minutes(actor=actor.id, command_id=command_id)
        return Outcome(meeting, data={"number": number})

    @command("meeting.postpone")
    def postpone_meeting(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        reason: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        expected_version: int | None = None,
    ) -> Outcome:
        """Move a planned or convened meeting to new dates; it is planned again."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        start, end = clean_dates(starts_at, ends_at)
        meeting.postpone(clean_reason(reason), start, end, actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    @command("meeting.cancel")
    def cancel_meeting(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> Outcome:
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        meeting.cancel(clean_reason(reason), actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    # --- agenda ----------------------------------------------------------------------------

    @command("meeting.add_agenda_item")
    def add_agenda_item(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        title: dict[str, str],
        duration_minutes: int,
        presenter: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        """Add an item at the end of the agenda; its id is in the result's data."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        item_id = uuid4()
        meeting.add_item(
            item_id,
            clean_localized(title, "title", max_length=TITLE_MAX),
            clean_duration(duration_minutes),
            clean_text(presenter, "presenter", max_length=NAME_MAX, required=False),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(meeting, data={"item_id": str(item_id)})

    @command("meeting.withdraw_agenda_item")
    def withdraw_agenda_item(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        item_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> Outcome:
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        meeting.withdraw_item(
            as_uuid(item_id, "item_id"), clean_reason(reason), actor=actor.id, command_id=command_id
        )
        return Outcome(meeting, data={"item_id": str(item_id)})

    @command("meeting.reorder_agenda")
    def reorder_agenda(
        self,
        actor: Actor,
        *,
        command_id: str,
        meeting_id: UUID,
        item_ids: list[UUID],
        expected_version: int | None = None,
    ) -> Outcome:
        """Put the agenda in a new order: ``item_ids`` is a permutation of its items."""
        meeting = self._meeting_to_organise(actor, meeting_id, expected_version)
        if not isinstance(item_ids, list | tuple):
            raise ValidationFailed.field("item_ids", "A list of the agenda's item ids.")
        meeting.reorder([as_uuid(i, "item_ids") for i in item_ids], actor=actor.id, command_id=command_id)
        return Outcome(meeting)

    @command("meeting.set_current_item")
    def set_current_agenda_item(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, item_id: UUID
    ) -> Outcome:
        """The item under discussion now, while the meeting is in progress."""
        meeting = self._meeting_to_organise(actor, meeting_id)
        meeting.set_current_item(as_uuid(item_id, "item_id"), actor=actor.id, command_id=command_id)
        return Outcome(meeting, data={"item_id": str(item_id)})

    # --- registration ----------------------------------------------------------------------

    @command("meeting.register")
    def register_for_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, person_id: str | None = None
    ) -> Outcome:
        """Register oneself (or, for an organiser, anyone): a seat while there is
        one, else a place on the waiting list. ``data.status`` says which."""
        meeting = self.load(Meeting, as_uuid(meeting_id, "meeting_id"))
        person = actor.id if person_id is None else clean_text(person_id, "person_id", max_length=64)
        if person == actor.id:
            require(
                policy.may_register_for_meeting(actor, meeting.visibility)
                or policy.may_organise_meeting(actor, meeting.kind, meeting.commission_ids),
                "This meeting is by invitation: its organisers register its participants.",
            )
        else:
            require(
                policy.may_organise_meeting(actor, meeting.kind, meeting.commission_ids),
                "Only the meeting's organisers register someone else.",
            )
        meeting.register(person, actor=actor.id, command_id=command_id)
        status = "registered" if person in meeting.registered else "waiting"
        return Outcome(meeting, data={"person_id": person, "status": status})

    @command("meeting.cancel_registration")
    def cancel_meeting_registration(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, person_id: str | None = None
    ) -> Outcome:
        """Give up a seat (or a place on the waiting list); the first who waits is
        promoted to the seat freed. ``data.promoted`` names them, if anyone."""
        meeting = self.load(Meeting, as_uuid(meeting_id, "meeting_id"))
        person = actor.id if person_id is None else str(person_id)
        require(
            person == actor.id or policy.may_organise_meeting(actor, meeting.kind, meeting.commission_ids),
            "Only the participant and the meeting's organisers cancel a registration.",
        )
        waiting_before = list(meeting.waiting)
        meeting.cancel_registration(person, actor=actor.id, command_id=command_id)
        promoted = next((p for p in waiting_before if p in meeting.registered), None)
        return Outcome(meeting, data={"person_id": person, "promoted": promoted})

    def _attendee(self, actor: Actor, meeting: Meeting, person_id: str | None) -> str:
        person = actor.id if person_id is None else clean_text(person_id, "person_id", max_length=64)
        require(
            person == actor.id or policy.may_organise_meeting(actor, meeting.kind, meeting.commission_ids),
            "Only the participant and the meeting's organisers record attendance.",
        )
        return person

    @command("meeting.check_in")
    def check_in_to_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, person_id: str | None = None
    ) -> Outcome:
        """A registered participant arrives (themselves, or recorded by an organiser):
        present from now for every item discussed until they leave."""
        meeting = self.load(Meeting, as_uuid(meeting_id, "meeting_id"))
        person = self._attendee(actor, meeting, person_id)
        meeting.check_in(person, actor=actor.id, command_id=command_id)
        return Outcome(meeting, data={"person_id": person})

    @command("meeting.leave")
    def leave_meeting(
        self, actor: Actor, *, command_id: str, meeting_id: UUID, person_id: str | None = None
    ) -> Outcome:
        meeting = self.load(Meeting, as_uuid(meeting_id, "meeting_id"))
        person = self._attendee(actor, meeting, person_id)
        meeting.leave(person, actor=actor.id, command_id=command_id)
        return Outcome(meeting, data={"person_id": person})


# A registration opens an invited meeting to its participant; its cancellation closes it.
EVENT_KINDS = declare(
    Meeting,
    scheduled=PLAIN,
    convened=PLAIN,
    opened=PLAIN,
    closed=PLAIN,
    minutes_drafted=PLAIN,
    minutes_corrected=PLAIN,
    minutes_circulated=PLAIN,
    minutes_adopted=PLAIN,
    postponed=PLAIN,
    cancelled=PLAIN,
    agenda_item_added=PLAIN,
    agenda_item_withdrawn=PLAIN,
    agenda_reordered=PLAIN,
    current_item_set=PLAIN,
    registered=Kind(changes_access=True, tells="person_id"),
    wait_listed=Kind(tells="person_id"),
    registration_cancelled=Kind(changes_access=True, tells="person_id"),
    promoted_from_waiting_list=Kind(changes_access=True, tells="person_id"),
    checked_in=PLAIN,
    left=PLAIN,
)
