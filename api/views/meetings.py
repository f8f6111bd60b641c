"""Meetings: governing-body sessions, conferences, bilateral meetings, trainings,
workshops and visits; their lifecycle, agenda and registration."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import icalendar
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import people, schema
from api import serializers as inputs
from api.conventions import ApiView, choice_param, moment_param, uuid_param
from api.language import pick
from events import policy
from events.errors import PermissionDenied
from events.meetings import KINDS, STATES
from events.platform import application
from events.roles import Actor
from projections import queries, render
from projections.models import MeetingEntry

MEETING_FILTERS = [
    OpenApiParameter("state", str, enum=sorted(STATES)),
    OpenApiParameter("kind", str, enum=sorted(KINDS)),
    OpenApiParameter("commission", UUID, description="Concerning this commission."),
    OpenApiParameter("from", str, description="Starting at or after this moment (ISO 8601 with zone)."),
    OpenApiParameter("before", str, description="Starting before this moment (ISO 8601 with zone)."),
]


def _meeting(actor: Actor, meeting_id: UUID) -> dict[str, Any] | None:
    entry = queries.meeting_entry(actor, meeting_id)
    return render.meeting(entry) if entry else None


def participants(entry: MeetingEntry) -> list[dict[str, Any]]:
    """The participant list with each person's name."""
    return people.with_names(queries.meeting_participants(entry), "user_id", "name")


def _may_see_participants(actor: Actor, entry: MeetingEntry) -> bool:
    return policy.may_see_meeting_participants(actor, entry.kind, [UUID(c) for c in entry.commission_ids])


class MeetingsView(ApiView):
    @extend_schema(
        parameters=MEETING_FILTERS,
        responses={200: schema.page_of(schema.Meeting)},
        summary="Meetings you may read, by start",
    )
    def get(self, request: Request) -> Response:
        found = queries.meetings(
            self.actor,
            state=choice_param(request, "state", STATES),
            kind=choice_param(request, "kind", KINDS),
            commission=uuid_param(request, "commission"),
            starting_from=moment_param(request, "from"),
            starting_before=moment_param(request, "before"),
        )
        return self.paginate(found, ("starts_at", "id"), render.meeting)

    @extend_schema(
        request=inputs.MeetingSchedule,
        responses={201: schema.result_of(schema.Meeting)},
        summary="Schedule a meeting (the secretariat; a commission for its own)",
    )
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.MeetingSchedule)
        result = self.run(application().schedule_meeting, versioned=False, **data)
        return self.respond(
            result,
            lambda: _meeting(self.actor, result.id),
            created=True,
            location=f"/api/v1/meetings/{result.id}/",
        )


class MeetingView(ApiView):
    @extend_schema(responses={200: schema.Meeting}, summary="One meeting, with its agenda")
    def get(self, request: Request, meeting_id: UUID) -> Response:
        entry = self.found(queries.meeting_entry(self.actor, meeting_id), "meeting", meeting_id)
        return self.detail(render.meeting(entry), entry.version)


class _MeetingAct(ApiView):
    """A POST on a meeting the reader may see: one use case, one body."""

    permission_classes = [IsAuthenticated]
    body: type[inputs.Strict] = inputs.Strict
    use_case = ""

    def act(self, meeting_id: UUID, *, created: bool = False, **arguments: Any) -> Response:
        self.found(queries.meeting_entry(self.actor, meeting_id), "meeting", meeting_id)
        data = self.valid(self.body)
        result = self.run(getattr(application(), self.use_case), meeting_id=meeting_id, **arguments, **data)
        return self.respond(result, lambda: _meeting(self.actor, meeting_id), created=created)


def meeting_step(
    use_case: str, summary: str, body: type[inputs.Strict] | None = None, *, created: bool = False
) -> type[_MeetingAct]:
    """The view of a POST /meetings/{id}/<step>/ running one use case (its body, if any)."""

    class Step(_MeetingAct):
        @extend_schema(
            request=body,
            responses={201 if created else 200: schema.result_of(schema.Meeting)},
            summary=summary,
        )
        def post(self, request: Request, meeting_id: UUID) -> Response:
            return self.act(meeting_id, created=created)

    Step.use_case = use_case
    Step.body = body or inputs.Strict
    Step.__name__ = Step.__qualname__ = "".join(part.title() for part in use_case.split("_")) + "View"
    return Step


ConveneView = meeting_step("convene_meeting", "Convene: the invitations are out")
OpenView = meeting_step("open_meeting", "Open the meeting: it is in progress")
CloseView = meeting_step("close_meeting", "Close the meeting")
AdoptMinutesView = meeting_step(
    "adopt_meeting_minutes", "Adopt the minutes last circulated: definitive; the meeting's record is closed"
)
CirculateMinutesView = meeting_step(
    "circulate_meeting_minutes", "Circulate the current version of the minutes as provisional"
)
PostponeView = meeting_step(
    "postpone_meeting",
    "Postpone to new dates, with the reason (back to planned)",
    body=inputs.MeetingPostponement,
)
CancelView = meeting_step("cancel_meeting", "Cancel, with the reason", body=inputs.Reason)
AgendaView = meeting_step(
    "add_agenda_item", "Add an item at the end of the agenda", body=inputs.AgendaItem, created=True
)
AgendaOrderView = meeting_step(
    "reorder_agenda", "Put the agenda in a new order (every item once)", body=inputs.AgendaOrder
)


class MinutesView(_MeetingAct):
    use_case = "draft_meeting_minutes"
    body = inputs.MinutesDraft

    def get_permissions(self) -> list[Any]:
        # The definitive minutes of a public meeting are public, like the meeting.
        return [] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(
        responses={200: schema.list_of(schema.MinutesVersion)},
        summary="Every version of the minutes, oldest first (drafts and provisional: organisers, "
        "secretariat, auditors; definitive: every reader)",
    )
    def get(self, request: Request, meeting_id: UUID) -> Response:
        entry = self.found(queries.meeting_entry(self.actor, meeting_id), "meeting", meeting_id)
        every = _may_see_participants(self.actor, entry)
        versions = [v for v in entry.minutes if every or v["state"] == "definitive"]
        return Response({"results": [render.minutes_version(v) for v in versions]})

    @extend_schema(
        request=inputs.MinutesDraft,
        responses={201: schema.result_of(schema.Meeting)},
        summary="Draft a version of the minutes (once circulated: a correction, with its reason)",
    )
    def post(self, request: Request, meeting_id: UUID) -> Response:
        return self.act(meeting_id, created=True)


class WithdrawItemView(_MeetingAct):
    use_case = "withdraw_agenda_item"
    body = inputs.Reason

    @extend_schema(
        request=inputs.Reason,
        responses={200: schema.result_of(schema.Meeting)},
        summary="Withdraw an agenda item, with the reason",
    )
    def post(self, request: Request, meeting_id: UUID, item_id: UUID) -> Response:
        return self.act(meeting_id, item_id=item_id)


class CurrentItemView(_MeetingAct):
    use_case = "set_current_agenda_item"

    @extend_schema(
        request=None,
        responses={200: schema.result_of(schema.Meeting)},
        summary="Make this item the one under discussion (meeting in progress)",
    )
    def post(self, request: Request, meeting_id: UUID, item_id: UUID) -> Response:
        return self.act(meeting_id, item_id=item_id)


class RegistrationsView(_MeetingAct):
    use_case = "register_for_meeting"
    body = inputs.Registration

    @extend_schema(
        parameters=[OpenApiParameter("export", str, enum=["csv"], description="csv: a spreadsheet.")],
        responses={200: schema.list_of(schema.Participant)},
        summary="The participants and the waiting list (organisers, secretariat, auditors); ?export=csv",
    )
    def get(self, request: Request, meeting_id: UUID) -> Response | HttpResponse:
        entry = self.found(queries.meeting_entry(self.actor, meeting_id), "meeting", meeting_id)
        if not _may_see_participants(self.actor, entry):
            raise PermissionDenied("The participant list is for the meeting's organisers.")
        rows = participants(entry)
        if request.query_params.get("export") == "csv":
            return _csv(entry, rows)
        return Response({"results": rows})

    @extend_schema(
        request=inputs.Registration,
        responses={201: schema.result_of(schema.Meeting)},
        summary="Register (yourself, or someone as an organiser); full: the waiting list",
    )
    def post(self, request: Request, meeting_id: UUID) -> Response:
        return self.act(meeting_id, created=True)


class RegistrationView(_MeetingAct):
    use_case = "cancel_meeting_registration"

    @extend_schema(
        request=None,
        responses={200: schema.result_of(schema.Meeting)},
        summary="Cancel a registration; the first on the waiting list takes the seat",
    )
    def delete(self, request: Request, meeting_id: UUID, person_id: str) -> Response:
        return self.act(meeting_id, person_id=person_id)


def _csv(entry: MeetingEntry, rows: list[dict[str, Any]]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "status", "name", "user_id", "items_attended"])
    for row in rows:
        # A name starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        name = row["name"]
        if name[:1] in ("=", "+", "-", "@"):
            name = "'" + name
        writer.writerow([row["rank"], row["status"], name, row["user_id"], len(row["attended_items"])])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{entry.id}.csv"'
    return response


class AttendanceView(_MeetingAct):
    use_case = "check_in_to_meeting"
    body = inputs.Registration

    @extend_schema(
        request=inputs.Registration,
        responses={201: schema.result_of(schema.Meeting)},
        summary="Check in (yourself, or a participant as an organiser): present from now",
    )
    def post(self, request: Request, meeting_id: UUID) -> Response:
        return self.act(meeting_id, created=True)


class LeaveView(_MeetingAct):
    use_case = "leave_meeting"

    @extend_schema(
        request=None,
        responses={200: schema.result_of(schema.Meeting)},
        summary="Leave the room: no longer present for the next items",
    )
    def delete(self, request: Request, meeting_id: UUID, person_id: str) -> Response:
        return self.act(meeting_id, person_id=person_id)


class MeetingCalendarView(ApiView):
    """The meeting as an iCalendar file, for people's own calendars (RFC 5545)."""

    @extend_schema(responses={(200, "text/calendar"): str}, summary="The meeting as an .ics file")
    def get(self, request: Request, meeting_id: UUID) -> HttpResponse:
        entry = self.found(queries.meeting_entry(self.actor, meeting_id), "meeting", meeting_id)
        body = calendar_of([entry], self.language, request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{entry.id}.ics"'
        return response


def calendar_of(entries: list[MeetingEntry], language: str, site: str) -> bytes:
    """VEVENTs of meetings: the title in the reader's language, UTC times, the place
    or the online link; a cancelled meeting says so (STATUS:CANCELLED)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Tawasul//meetings//EN")
    calendar.add("version", "2.0")
    for entry in entries:
        page = f"{site}/meetings/{entry.id}/"
        vevent = icalendar.Event()
        vevent.add("uid", f"{entry.id}@tawasul")
        vevent.add("dtstamp", entry.updated_at)
        vevent.add("dtstart", entry.starts_at)
        vevent.add("dtend", entry.ends_at)
        vevent.add("summary", pick(entry.title, language))
        vevent.add("sequence", entry.version)
        vevent.add("url", entry.online_link or page)
        if entry.place:
            vevent.add("location", entry.place)
        description = page if not entry.online_link else f"{entry.online_link}\n{page}"
        vevent.add("description", description)
        vevent.add("status", {"cancelled": "CANCELLED", "planned": "TENTATIVE"}.get(entry.state, "CONFIRMED"))
        calendar.add_component(vevent)
    return calendar.to_ical()
