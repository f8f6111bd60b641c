"""Meetings: the calendar of sessions, conferences, bilateral meetings, trainings,
workshops and visits; one meeting's page with its agenda and registration; the
schedule form. Every change goes through a use case of events/meetings.py."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import policy
from events.errors import DomainError
from events.platform import application
from events.roles import Actor
from projections import queries, service
from projections.models import MeetingEntry
from web import labels, people
from web.access import actor_of, command_id, found, new_form_key, signin_required
from web.errors import translate_errors
from web.forms import AgendaItemForm, MeetingForm, MinutesForm, localized

LIFECYCLE = {
    "planned": ("convene", gettext_lazy("Convene")),
    "convened": ("open", gettext_lazy("Open the meeting")),
    "in_progress": ("close", gettext_lazy("Close the meeting")),
    "closed": ("adopt_minutes", gettext_lazy("Adopt the minutes")),
}
USE_CASES = {
    "convene": "convene_meeting",
    "open": "open_meeting",
    "close": "close_meeting",
    "adopt_minutes": "adopt_meeting_minutes",
    "circulate_minutes": "circulate_meeting_minutes",
}


def _organiser(actor: Actor, entry: MeetingEntry) -> bool:
    return policy.may_organise_meeting(actor, entry.kind, [UUID(c) for c in entry.commission_ids])


def _may_schedule(actor: Actor) -> bool:
    return policy.is_secretariat(actor) or any(
        policy.may_organise_meeting(actor, "training", [c]) for c in actor.commission_ids
    )


def index(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings first (soonest on top), then past ones (latest on top)."""
    actor = actor_of(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels.MEETING_KINDS else ""
    found_ = queries.meetings(actor, kind=kind or None)
    now = timezone.now()
    upcoming = list(
        found_.filter(ends_at__gte=now).exclude(state="cancelled").order_by("starts_at", "id")[:100]
    )
    past = list(found_.exclude(id__in=[m.id for m in upcoming]).order_by("-starts_at", "id")[:50])
    return render(
        request,
        "web/meetings.html",
        {
            "section": "meetings",
            "upcoming": upcoming,
            "past": past,
            "kind": kind,
            "kinds": labels.MEETING_KINDS,
            "may_schedule": _may_schedule(actor),
        },
    )


def _next_step(entry: MeetingEntry) -> tuple[str, Any] | None:
    # Minutes are adopted once circulated, and only the version circulated last.
    if entry.state == "closed" and not (entry.minutes and entry.minutes[-1]["state"] == "provisional"):
        return None
    return LIFECYCLE.get(entry.state)


def _correcting(entry: MeetingEntry) -> bool:
    """Minutes were circulated: a new version is a correction, with its reason."""
    return any(v["state"] != "draft" for v in entry.minutes)


def _minutes(actor: Actor, entry: MeetingEntry, organiser: bool) -> list[dict[str, Any]]:
    """The versions of the minutes this reader may see, newest first: every one for
    the organisers, the secretariat and auditors; the definitive one for the others."""
    every = organiser or policy.may_read_everything(actor)
    shown = [v for v in entry.minutes if every or v["state"] == "definitive"]
    names = people.names([v["by"] for v in shown])
    return [
        {**v, "by_name": names.get(v["by"], v["by"]), "when": dt.datetime.fromisoformat(v["at"])}
        for v in reversed(shown)
    ]


def detail(
    request: HttpRequest,
    meeting_id: UUID,
    item_form: AgendaItemForm | None = None,
    detail_text: str = "",
    minutes_form: MinutesForm | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    entry = found(queries.meeting_entry(actor, meeting_id))
    organiser = _organiser(actor, entry)
    minutes = _minutes(actor, entry, organiser)
    minutes_open = organiser and entry.state in {"in_progress", "closed"}
    mine = "registered" if actor.id in entry.registered else "waiting" if actor.id in entry.waiting else ""
    participants = []
    if policy.may_see_meeting_participants(actor, entry.kind, [UUID(c) for c in entry.commission_ids]):
        participants = queries.meeting_participants(entry)
        names = people.names(p["user_id"] for p in participants)
        for participant in participants:
            participant["name"] = names.get(participant["user_id"], participant["user_id"])
    zone = _zone(entry.time_zone)
    return render(
        request,
        "web/meeting.html",
        {
            "section": "meetings",
            "meeting": entry,
            "local_start": entry.starts_at.astimezone(zone),
            "local_end": entry.ends_at.astimezone(zone),
            "organiser": organiser,
            "organiser_name": people.names([entry.organiser]).get(entry.organiser, ""),
            "next_step": _next_step(entry) if organiser else None,
            "minutes": minutes,
            "minutes_open": minutes_open,
            "minutes_form": minutes_form or MinutesForm(),
            "correcting": _correcting(entry),
            "may_circulate": minutes_open and bool(entry.minutes) and entry.minutes[-1]["state"] == "draft",
            "may_cancel": organiser and entry.state in {"planned", "convened"},
            "may_register": not mine
            and entry.state in {"planned", "convened"}
            and policy.may_register_for_meeting(actor, entry.visibility),
            "mine": mine,
            "participants": participants,
            "commissions": list(queries.commissions().filter(id__in=entry.commission_ids)),
            "item_form": item_form or AgendaItemForm(),
            "agenda_open": organiser and entry.state in {"planned", "convened", "in_progress"},
            "detail": detail_text,
            "form_key": new_form_key(),
        },
        status=400 if detail_text else 200,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@signin_required
def act(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    """One action on a meeting, from its page: a step of its lifecycle, the agenda,
    the minutes, registering or cancelling one's registration."""
    back = HttpResponseRedirect(reverse("web:meeting", args=[meeting_id]))
    if request.method != "POST":
        return back
    actor = actor_of(request)
    entry = found(queries.meeting_entry(actor, meeting_id))
    action = request.POST.get("action", "")
    app, key = application(), command_id(request, actor)
    item_form = None
    minutes_form = None
    try:
        if action in USE_CASES:
            result = getattr(app, USE_CASES[action])(actor, command_id=key, meeting_id=entry.id)
        elif action == "cancel":
            result = app.cancel_meeting(
                actor, command_id=key, meeting_id=entry.id, reason=request.POST.get("reason", "")
            )
        elif action == "register":
            result = app.register_for_meeting(actor, command_id=key, meeting_id=entry.id)
        elif action == "unregister":
            result = app.cancel_meeting_registration(actor, command_id=key, meeting_id=entry.id)
        elif action in {"current", "withdraw"}:
            item = request.POST.get("item_id", "")
            if action == "current":
                result = app.set_current_agenda_item(actor, command_id=key, meeting_id=entry.id, item_id=item)
            else:
                result = app.withdraw_agenda_item(
                    actor,
                    command_id=key,
                    meeting_id=entry.id,
                    item_id=item,
                    reason=request.POST.get("reason", ""),
                )
        elif action == "draft_minutes":
            minutes_form = MinutesForm(request.POST, correcting=_correcting(entry))
            if not minutes_form.is_valid():
                return detail(
                    request, entry.id, None, _("Please correct the fields marked below."), minutes_form
                )
            result = app.draft_meeting_minutes(
                actor,
                command_id=key,
                meeting_id=entry.id,
                text=localized(minutes_form.cleaned_data, "text"),
                reason=minutes_form.cleaned_data.get("reason") or "",
            )
        elif action == "add_item":
            item_form = AgendaItemForm(request.POST)
            if not item_form.is_valid():
                return detail(request, entry.id, item_form, _("Please correct the fields marked below."))
            data = item_form.cleaned_data
            result = app.add_agenda_item(
                actor,
                command_id=key,
                meeting_id=entry.id,
                title=localized(data, "title"),
                duration_minutes=data["duration_minutes"],
                presenter=data.get("presenter") or "",
            )
        else:
            return back
    except DomainError as error:
        text, errors = translate_errors(error)
        if item_form is not None:
            for name, texts in errors.items():
                field = "title_ar" if name == "title" else name if name in item_form.fields else None
                for message in texts:
                    item_form.add_error(field, message)
        if minutes_form is not None:
            for name, texts in errors.items():
                field = name.replace(".", "_") if name.startswith("text") else name
                field = field if field in minutes_form.fields else "text_ar" if name == "text" else None
                for message in texts:
                    minutes_form.add_error(field, message)
        return detail(request, entry.id, item_form, text, minutes_form)
    service.wait_for(result.position)
    messages.success(request, _("Done."))
    return back


@signin_required
def schedule(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not _may_schedule(actor):
        return render(request, "web/forbidden.html", {"section": "meetings"}, status=403)
    everyone = policy.is_secretariat(actor)
    commissions = [
        (str(c.id), c.name.get(request.LANGUAGE_CODE) or c.name.get("ar") or c.country)
        for c in queries.commissions()
        if everyone or actor.belongs_to_commission(c.id)
    ]
    detail_text = ""
    if request.method == "POST":
        form = MeetingForm(request.POST, commissions=commissions)
        if form.is_valid():
            try:
                result = _schedule(actor, command_id(request, actor), form.cleaned_data)
            except DomainError as error:
                detail_text, errors = translate_errors(error)
                for name, texts in errors.items():
                    field = {"title": "title_ar", "starts_at": "day", "ends_at": "ends"}.get(name, name)
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            else:
                service.wait_for(result.position)
                messages.success(request, _("The meeting is scheduled."))
                return HttpResponseRedirect(reverse("web:meeting", args=[result.id]))
        form_key = request.POST.get("form_key") or new_form_key()
    else:
        own = next((str(c) for c in actor.commission_ids), "")
        form = MeetingForm(
            initial={"kind": "training" if not everyone else "governing_body_session", "commission": own},
            commissions=commissions,
        )
        form_key = new_form_key()
    return render(
        request,
        "web/meeting_form.html",
        {"section": "meetings", "form": form, "detail": detail_text, "form_key": form_key},
        status=400 if request.method == "POST" else 200,
    )


def _schedule(actor: Actor, key: str, data: dict[str, Any]) -> Any:
    zone = _zone(data["time_zone"])
    last_day = data.get("last_day") or data["day"]
    starts = dt.datetime.combine(data["day"], data["starts"], tzinfo=zone)
    ends = dt.datetime.combine(last_day, data["ends"], tzinfo=zone)
    return application().schedule_meeting(
        actor,
        command_id=key,
        kind=data["kind"],
        title=localized(data, "title"),
        starts_at=starts,
        ends_at=ends,
        time_zone=data["time_zone"],
        place=data.get("place") or "",
        online_link=data.get("online_link") or "",
        commission_ids=[data["commission"]] if data.get("commission") else [],
        visibility=data["visibility"],
        capacity=data.get("capacity"),
    )
