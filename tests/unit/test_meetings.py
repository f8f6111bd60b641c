"""Meetings: scheduling, the lifecycle, the agenda and registration with a waiting
list, on the application alone (no HTTP, no Django database)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID, uuid4

import pytest

from events.errors import AlreadyExists, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from events.meetings import Meeting
from events.platform import Tawasul
from events.roles import Actor, Role
from tests.builders import World, build_world, cid

START = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(app: Tawasul) -> World:
    return build_world(app)


def meetings(world: World) -> Tawasul:
    return world.app


def schedule(world: World, actor: Actor | None = None, **overrides: Any) -> UUID:
    arguments: dict[str, Any] = {
        "kind": "governing_body_session",
        "title": {"ar": "الدورة العادية للمجلس التنفيذي", "en": "Executive Council, ordinary session"},
        "starts_at": START,
        "ends_at": START + dt.timedelta(days=2),
        "time_zone": "Africa/Tunis",
        "place": "Tunis, headquarters",
        "commission_ids": [world.tn, world.ma],
        "visibility": "members",
    }
    arguments.update(overrides)
    result = meetings(world).schedule_meeting(actor or world.secretariat, command_id=cid(), **arguments)
    return result.id


def load(world: World, meeting_id: UUID) -> Meeting:
    return meetings(world).meeting(meeting_id)


def event_names(world: World, meeting_id: UUID) -> list[str]:
    return [type(e).__name__ for e in world.app.repository.event_store.get(meeting_id)]


def move(world: World, meeting_id: UUID, *steps: str) -> None:
    """Steps of the lifecycle; "minutes" drafts minutes and circulates them."""
    app = meetings(world)
    for step in steps:
        if step == "minutes":
            draft_minutes(world, meeting_id, {"ar": "محضر الجلسة", "en": "Minutes"})
            app.circulate_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)
            continue
        name = "adopt_meeting_minutes" if step == "adopt_minutes" else f"{step}_meeting"
        getattr(app, name)(world.secretariat, command_id=cid(), meeting_id=meeting_id)


def draft_minutes(
    world: World, meeting_id: UUID, text: Any, actor: Actor | None = None, reason: Any = ""
) -> int:
    result = meetings(world).draft_meeting_minutes(
        actor or world.secretariat, command_id=cid(), meeting_id=meeting_id, text=text, reason=reason
    )
    return int(result.data["number"])


def add_item(world: World, meeting_id: UUID, en: str, minutes: int = 30) -> UUID:
    result = meetings(world).add_agenda_item(
        world.secretariat,
        command_id=cid(),
        meeting_id=meeting_id,
        title={"en": en},
        duration_minutes=minutes,
        presenter="Director-General",
    )
    return UUID(result.data["item_id"])


def person(n: int) -> Actor:
    return Actor.holding(f"u-person-{n}", Role.STAFF, commission_id=uuid4())


def register(world: World, meeting_id: UUID, actor: Actor, **kwargs: Any) -> dict[str, Any]:
    result = meetings(world).register_for_meeting(actor, command_id=cid(), meeting_id=meeting_id, **kwargs)
    return dict(result.data)


# --- scheduling -------------------------------------------------------------------------


def test_the_secretariat_schedules_a_session_planned_with_its_organiser_and_concerned_bodies(
    world: World,
) -> None:
    meeting_id = schedule(world, partner_ids=[world.partner_id], online_link="https://meet.example.org/ec")
    meeting = load(world, meeting_id)
    assert meeting.status == "planned"
    assert meeting.kind == "governing_body_session"
    assert meeting.title["en"] == "Executive Council, ordinary session"
    assert meeting.organiser == world.secretariat.id
    assert meeting.commission_ids == [world.tn, world.ma]
    assert meeting.partner_ids == [world.partner_id]
    assert meeting.starts_at == START and meeting.time_zone == "Africa/Tunis"
    assert meeting.online_link == "https://meet.example.org/ec"
    assert event_names(world, meeting_id) == ["Scheduled"]


def test_every_meeting_event_records_its_actor_and_command_id(world: World) -> None:
    meeting_id = schedule(world)
    command_id = cid()
    meetings(world).convene_meeting(world.secretariat, command_id=command_id, meeting_id=meeting_id)
    stored = list(world.app.repository.event_store.get(meeting_id))
    assert all(e.actor == world.secretariat.id for e in stored)  # type: ignore[attr-defined]
    assert stored[-1].command_id == command_id  # type: ignore[attr-defined]


def test_a_meeting_ending_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, ends_at=START - dt.timedelta(hours=1))
    assert "ends_at" in refused.value.errors
    with pytest.raises(ValidationFailed):
        schedule(world, ends_at=START)


def test_naive_dates_are_refused_and_iso_texts_with_an_offset_are_accepted(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, starts_at=dt.datetime(2027, 3, 10, 9, 0))
    assert "starts_at" in refused.value.errors
    with pytest.raises(ValidationFailed):
        schedule(world, starts_at="next tuesday")
    meeting_id = schedule(world, starts_at="2027-03-10T10:00:00+01:00", ends_at="2027-03-10T17:00:00+01:00")
    assert load(world, meeting_id).starts_at == START


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", 42])
def test_an_unknown_time_zone_is_refused(world: World, zone: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, time_zone=zone)
    assert "time_zone" in refused.value.errors


def test_a_meeting_needs_a_place_or_an_online_link(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, place="  ")
    assert "place" in refused.value.errors
    online = schedule(world, place="", online_link="https://meet.example.org/x")
    assert load(world, online).place == ""


@pytest.mark.parametrize("link", ["javascript:alert(1)", "meet.example.org", "https://", "https://a b.org"])
def test_an_online_link_that_is_not_an_http_address_is_refused(world: World, link: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, online_link=link)
    assert "online_link" in refused.value.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "party"),
        ("visibility", "secret"),
        ("title", "Executive Council"),
        ("title", {"de": "Exekutivrat"}),
        ("title", {}),
        ("commission_ids", ["not-a-uuid"]),
        ("capacity", 0),
        ("capacity", True),
    ],
)
def test_bad_meeting_input_is_refused_with_a_field_message(world: World, field: str, value: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule(world, None, **{field: value})
    assert any(key.startswith(field) for key in refused.value.errors)


def test_a_meeting_concerning_an_unknown_commission_or_partner_is_refused(world: World) -> None:
    with pytest.raises(NotFound):
        schedule(world, commission_ids=[uuid4()])
    with pytest.raises(NotFound):
        schedule(world, partner_ids=[uuid4()])


# --- who may organise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["governing_body_session", "ministerial_conference", "secretaries_general_meeting", "other"]
)
def test_the_governing_bodies_meetings_are_the_secretariats_alone(world: World, kind: str) -> None:
    for actor in (world.sg_tn, world.staff_tn):
        with pytest.raises(PermissionDenied):
            schedule(world, actor, kind=kind, commission_ids=[world.tn])
    assert load(world, schedule(world, kind=kind)).kind == kind


@pytest.mark.parametrize("kind", ["bilateral_meeting", "training", "workshop", "visit"])
def test_a_commission_organises_its_own_bilateral_meetings_trainings_workshops_and_visits(
    world: World, kind: str
) -> None:
    by_sg = schedule(world, world.sg_tn, kind=kind, commission_ids=[world.tn])
    by_staff = schedule(world, world.staff_tn, kind=kind, commission_ids=[world.tn])
    assert load(world, by_sg).organiser == world.sg_tn.id
    assert load(world, by_staff).organiser == world.staff_tn.id


def test_a_commission_does_not_organise_a_meeting_that_concerns_it_not(world: World) -> None:
    with pytest.raises(PermissionDenied):
        schedule(world, world.staff_ma, kind="workshop", commission_ids=[world.tn])
    with pytest.raises(PermissionDenied):
        schedule(world, world.staff_tn, kind="workshop", commission_ids=[])


def test_partners_auditors_and_the_public_organise_no_meeting(world: World) -> None:
    for actor in (world.partner_tn, world.auditor, Actor.public(), Actor.holding("u-nobody", Role.PUBLIC)):
        with pytest.raises(PermissionDenied):
            schedule(world, actor, kind="workshop", commission_ids=[world.tn])


def test_only_its_organisers_manage_a_meeting(world: World) -> None:
    workshop = schedule(world, world.staff_tn, kind="workshop", commission_ids=[world.tn])
    with pytest.raises(PermissionDenied):
        meetings(world).convene_meeting(world.staff_ma, command_id=cid(), meeting_id=workshop)
    meetings(world).convene_meeting(world.sg_tn, command_id=cid(), meeting_id=workshop)
    session = schedule(world)
    with pytest.raises(PermissionDenied):
        meetings(world).convene_meeting(world.sg_tn, command_id=cid(), meeting_id=session)
    assert load(world, workshop).status == "convened"
    assert load(world, session).status == "planned"


# --- lifecycle ---------------------------------------------------------------------------------


def test_a_meeting_goes_from_planned_to_minutes_adopted(world: World) -> None:
    meeting_id = schedule(world)
    for step, status in (
        ("convene", "convened"),
        ("open", "in_progress"),
        ("close", "closed"),
        ("minutes", "closed"),
        ("adopt_minutes", "minutes_adopted"),
    ):
        move(world, meeting_id, step)
        assert load(world, meeting_id).status == status
    assert event_names(world, meeting_id) == [
        "Scheduled",
        "Convened",
        "Opened",
        "Closed",
        "MinutesDrafted",
        "MinutesCirculated",
        "MinutesAdopted",
    ]


@pytest.mark.parametrize(
    ("done", "step"),
    [
        ((), "open"),
        ((), "close"),
        ((), "adopt_minutes"),
        (("convene",), "convene"),
        (("convene",), "adopt_minutes"),
        (("convene", "open"), "adopt_minutes"),
        (("convene", "open", "close"), "open"),
        (("convene", "open", "close"), "adopt_minutes"),
        (("convene", "open", "minutes"), "adopt_minutes"),
        (("convene", "open", "close", "minutes", "adopt_minutes"), "close"),
    ],
)
def test_a_step_out_of_the_lifecycle_order_is_an_illegal_transition(
    world: World, done: tuple[str, ...], step: str
) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, *done)
    before = load(world, meeting_id).version
    with pytest.raises(IllegalTransition):
        move(world, meeting_id, step)
    assert load(world, meeting_id).version == before


# --- minutes -----------------------------------------------------------------------------------


def test_minutes_are_drafted_circulated_corrected_and_adopted_with_every_version_kept(world: World) -> None:
    app = meetings(world)
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open")
    assert draft_minutes(world, meeting_id, {"ar": "مسودة أولى"}) == 1
    move(world, meeting_id, "close")
    assert draft_minutes(world, meeting_id, {"ar": "مسودة ثانية", "en": "Second draft"}) == 2
    app.circulate_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)
    assert draft_minutes(world, meeting_id, {"ar": "مصحح"}, reason="Tunisia's statement was missing") == 3
    app.circulate_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)
    adopted = app.adopt_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)
    assert adopted.data == {"number": 3}
    meeting = load(world, meeting_id)
    assert meeting.status == "minutes_adopted"
    assert [(v["number"], v["state"], v["reason"]) for v in meeting.minutes] == [
        (1, "draft", ""),
        (2, "provisional", ""),
        (3, "definitive", "Tunisia's statement was missing"),
    ]
    assert meeting.minutes[1]["text"] == {"ar": "مسودة ثانية", "en": "Second draft"}
    assert event_names(world, meeting_id)[-7:] == [
        "MinutesDrafted",
        "Closed",
        "MinutesDrafted",
        "MinutesCirculated",
        "MinutesCorrected",
        "MinutesCirculated",
        "MinutesAdopted",
    ]


def test_a_correction_after_circulation_needs_its_reason(world: World) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open", "close", "minutes")
    before = load(world, meeting_id).version
    with pytest.raises(ValidationFailed) as refused:
        draft_minutes(world, meeting_id, {"en": "Corrected"})
    assert "reason" in refused.value.errors
    assert load(world, meeting_id).version == before


def test_minutes_adopted_are_the_version_circulated_last_not_a_newer_draft(world: World) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open", "close", "minutes")
    draft_minutes(world, meeting_id, {"en": "Corrected"}, reason="A typo")
    with pytest.raises(IllegalTransition):
        move(world, meeting_id, "adopt_minutes")
    assert load(world, meeting_id).status == "closed"


@pytest.mark.parametrize("done", [(), ("convene",), ("convene", "open", "close", "minutes", "adopt_minutes")])
def test_minutes_are_drafted_only_while_the_meeting_is_in_progress_or_closed(
    world: World, done: tuple[str, ...]
) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, *done)
    before = load(world, meeting_id).version
    with pytest.raises(IllegalTransition):
        draft_minutes(world, meeting_id, {"en": "Too early, or too late"}, reason="r")
    assert load(world, meeting_id).version == before


def test_circulating_needs_a_draft_not_yet_circulated(world: World) -> None:
    app = meetings(world)
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open")
    with pytest.raises(IllegalTransition):
        app.circulate_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)
    move(world, meeting_id, "minutes")
    with pytest.raises(IllegalTransition):
        app.circulate_meeting_minutes(world.secretariat, command_id=cid(), meeting_id=meeting_id)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ({}, "text"),
        ({"ar": "   "}, "text"),
        ({"de": "Protokoll"}, "text"),
        ("plain text", "text"),
        ({"ar": "x" * 100_001}, "text.ar"),
        ({"ar": "bad \x00 control"}, "text.ar"),
    ],
)
def test_minutes_with_bad_text_are_refused_with_a_field_message(world: World, text: Any, field: str) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open")
    before = load(world, meeting_id).version
    with pytest.raises(ValidationFailed) as refused:
        draft_minutes(world, meeting_id, text)
    assert field in refused.value.errors
    assert load(world, meeting_id).version == before


def test_only_the_organisers_draft_circulate_and_adopt_minutes(world: World) -> None:
    app = meetings(world)
    meeting_id = schedule(world)
    move(world, meeting_id, "convene", "open", "close")
    for outsider in (world.staff_tn, world.auditor):
        with pytest.raises(PermissionDenied):
            draft_minutes(world, meeting_id, {"en": "Mine"}, actor=outsider)
    draft_minutes(world, meeting_id, {"en": "Minutes"})
    for use_case in ("circulate_meeting_minutes", "adopt_meeting_minutes"):
        with pytest.raises(PermissionDenied):
            getattr(app, use_case)(world.staff_tn, command_id=cid(), meeting_id=meeting_id)
    assert [v["state"] for v in load(world, meeting_id).minutes] == ["draft"]


@pytest.mark.parametrize("done", [(), ("convene",)])
def test_a_planned_or_convened_meeting_is_postponed_to_new_dates_and_planned_again(
    world: World, done: tuple[str, ...]
) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, *done)
    later = START + dt.timedelta(days=30)
    meetings(world).postpone_meeting(
        world.secretariat,
        command_id=cid(),
        meeting_id=meeting_id,
        reason="The host country asked for a later date.",
        starts_at=later,
        ends_at=later + dt.timedelta(days=1),
    )
    meeting = load(world, meeting_id)
    assert meeting.status == "planned"
    assert meeting.starts_at == later
    assert meeting.reason == "The host country asked for a later date."
    assert event_names(world, meeting_id)[-1] == "Postponed"


def test_postponing_needs_a_reason_and_new_dates_that_end_after_they_start(world: World) -> None:
    meeting_id = schedule(world)
    app = meetings(world)
    with pytest.raises(ValidationFailed) as no_reason:
        app.postpone_meeting(
            world.secretariat,
            command_id=cid(),
            meeting_id=meeting_id,
            reason=" ",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=2),
        )
    assert "reason" in no_reason.value.errors
    with pytest.raises(ValidationFailed) as bad_dates:
        app.postpone_meeting(
            world.secretariat,
            command_id=cid(),
            meeting_id=meeting_id,
            reason="Later.",
            starts_at=START,
            ends_at=START - dt.timedelta(hours=2),
        )
    assert "ends_at" in bad_dates.value.errors
    assert event_names(world, meeting_id) == ["Scheduled"]


@pytest.mark.parametrize("done", [(), ("convene",)])
def test_a_planned_or_convened_meeting_is_cancelled_with_a_reason(
    world: World, done: tuple[str, ...]
) -> None:
    meeting_id = schedule(world)
    move(world, meeting_id, *done)
    meetings(world).cancel_meeting(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, reason="No quorum expected."
    )
    meeting = load(world, meeting_id)
    assert meeting.status == "cancelled"
    assert meeting.reason == "No quorum expected."


def test_a_meeting_in_progress_or_cancelled_is_neither_postponed_nor_cancelled(world: World) -> None:
    app = meetings(world)
    running = schedule(world)
    move(world, running, "convene", "open")
    cancelled = schedule(world)
    app.cancel_meeting(world.secretariat, command_id=cid(), meeting_id=cancelled, reason="Dropped.")
    for meeting_id in (running, cancelled):
        with pytest.raises(IllegalTransition):
            app.cancel_meeting(world.secretariat, command_id=cid(), meeting_id=meeting_id, reason="Again.")
        with pytest.raises(IllegalTransition):
            app.postpone_meeting(
                world.secretariat,
                command_id=cid(),
                meeting_id=meeting_id,
                reason="Later.",
                starts_at=START,
                ends_at=START + dt.timedelta(hours=1),
            )
    with pytest.raises(IllegalTransition):
        move(world, cancelled, "convene")
    with pytest.raises(ValidationFailed):
        app.cancel_meeting(world.secretariat, command_id=cid(), meeting_id=schedule(world), reason="")


# --- agenda ----------------------------------------------------------------------------------------


def test_agenda_items_are_added_in_order_with_title_duration_and_presenter(world: World) -> None:
    meeting_id = schedule(world)
    first = add_item(world, meeting_id, "Adoption of the agenda", 10)
    second = add_item(world, meeting_id, "Report of the Director-General", 45)
    agenda = load(world, meeting_id).agenda
    assert [item["id"] for item in agenda] == [first, second]
    assert agenda[1] == {
        "id": second,
        "title": {"en": "Report of the Director-General"},
        "duration_minutes": 45,
        "presenter": "Director-General",
    }
    assert event_names(world, meeting_id)[-2:] == ["AgendaItemAdded", "AgendaItemAdded"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("duration_minutes", 0), ("duration_minutes", 24 * 60 + 1), ("duration_minutes", "30"), ("title", {})],
)
def test_an_agenda_item_with_a_bad_title_or_duration_is_refused(
    world: World, field: str, value: object
) -> None:
    meeting_id = schedule(world)
    arguments: dict[str, Any] = {"title": {"en": "Item"}, "duration_minutes": 30, field: value}
    with pytest.raises(ValidationFailed) as refused:
        meetings(world).add_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, **arguments
        )
    assert field in refused.value.errors
    assert load(world, meeting_id).agenda == []


def test_a_withdrawn_item_leaves_the_agenda_with_its_reason_on_record(world: World) -> None:
    meeting_id = schedule(world)
    first = add_item(world, meeting_id, "Budget")
    second = add_item(world, meeting_id, "Any other business")
    meetings(world).withdraw_agenda_item(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=first, reason="Moved to June."
    )
    meeting = load(world, meeting_id)
    assert meeting.item_ids == [second]
    assert meeting.withdrawn[0]["id"] == first and meeting.withdrawn[0]["reason"] == "Moved to June."
    assert event_names(world, meeting_id)[-1] == "AgendaItemWithdrawn"


def test_withdrawing_an_item_not_on_the_agenda_or_without_a_reason_is_refused(world: World) -> None:
    meeting_id = schedule(world)
    item = add_item(world, meeting_id, "Budget")
    app = meetings(world)
    with pytest.raises(NotFound):
        app.withdraw_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=uuid4(), reason="Why not."
        )
    with pytest.raises(ValidationFailed):
        app.withdraw_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item, reason=""
        )
    app.withdraw_agenda_item(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item, reason="Done elsewhere."
    )
    with pytest.raises(NotFound):
        app.withdraw_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item, reason="Again."
        )


def test_the_agenda_is_reordered_by_a_permutation_of_its_items(world: World) -> None:
    meeting_id = schedule(world)
    a, b, c = (add_item(world, meeting_id, name) for name in ("A", "B", "C"))
    meetings(world).reorder_agenda(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_ids=[c, a, b]
    )
    assert load(world, meeting_id).item_ids == [c, a, b]
    assert event_names(world, meeting_id)[-1] == "AgendaReordered"


def test_a_reordering_that_is_not_a_permutation_of_the_agenda_is_refused(world: World) -> None:
    meeting_id = schedule(world)
    a, b, c = (add_item(world, meeting_id, name) for name in ("A", "B", "C"))
    withdrawn = add_item(world, meeting_id, "D")
    meetings(world).withdraw_agenda_item(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=withdrawn, reason="Dropped."
    )
    orders: list[Any] = [[a, b], [a, b, c, c], [a, b, uuid4()], [a, b, c, withdrawn], ["x"], "abc"]
    for order in orders:
        with pytest.raises(ValidationFailed) as refused:
            meetings(world).reorder_agenda(
                world.secretariat, command_id=cid(), meeting_id=meeting_id, item_ids=order
            )
        assert "item_ids" in refused.value.errors
    assert load(world, meeting_id).item_ids == [a, b, c]


def test_the_agenda_of_a_closed_meeting_is_not_changed(world: World) -> None:
    meeting_id = schedule(world)
    item = add_item(world, meeting_id, "Budget")
    move(world, meeting_id, "convene", "open", "close")
    with pytest.raises(IllegalTransition):
        add_item(world, meeting_id, "Late item")
    with pytest.raises(IllegalTransition):
        meetings(world).reorder_agenda(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_ids=[item]
        )


def test_during_the_meeting_the_current_item_is_an_item_of_the_agenda(world: World) -> None:
    meeting_id = schedule(world)
    first = add_item(world, meeting_id, "Opening")
    second = add_item(world, meeting_id, "Budget")
    move(world, meeting_id, "convene", "open")
    app = meetings(world)
    app.set_current_agenda_item(world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=first)
    app.set_current_agenda_item(world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=second)
    assert load(world, meeting_id).current_item_id == second
    assert event_names(world, meeting_id)[-2:] == ["CurrentItemSet", "CurrentItemSet"]
    with pytest.raises(ValidationFailed) as refused:
        app.set_current_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=uuid4()
        )
    assert "item_id" in refused.value.errors


def test_a_withdrawn_item_is_no_longer_current_nor_can_become_it(world: World) -> None:
    meeting_id = schedule(world)
    item = add_item(world, meeting_id, "Budget")
    move(world, meeting_id, "convene", "open")
    app = meetings(world)
    app.set_current_agenda_item(world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item)
    app.withdraw_agenda_item(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item, reason="Postponed."
    )
    assert load(world, meeting_id).current_item_id is None
    with pytest.raises(ValidationFailed):
        app.set_current_agenda_item(world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item)


def test_the_current_item_is_set_only_while_the_meeting_is_in_progress(world: World) -> None:
    meeting_id = schedule(world)
    item = add_item(world, meeting_id, "Budget")
    move(world, meeting_id, "convene")
    with pytest.raises(IllegalTransition):
        meetings(world).set_current_agenda_item(
            world.secretariat, command_id=cid(), meeting_id=meeting_id, item_id=item
        )


def test_only_the_organisers_keep_the_agenda(world: World) -> None:
    meeting_id = schedule(world)
    with pytest.raises(PermissionDenied):
        meetings(world).add_agenda_item(
            world.staff_tn, command_id=cid(), meeting_id=meeting_id, title={"en": "Mine"}, duration_minutes=5
        )


# --- registration ------------------------------------------------------------------------------------


def test_a_signed_in_member_registers_for_a_members_meeting_once(world: World) -> None:
    meeting_id = schedule(world)
    assert register(world, meeting_id, world.staff_tn)["status"] == "registered"
    assert register(world, meeting_id, world.partner_tn)["status"] == "registered"
    assert load(world, meeting_id).registered == [world.staff_tn.id, world.partner_tn.id]
    with pytest.raises(AlreadyExists):
        register(world, meeting_id, world.staff_tn)


def test_when_the_meeting_is_full_registrants_go_on_the_waiting_list(world: World) -> None:
    meeting_id = schedule(world, kind="training", capacity=2, visibility="public")
    outcomes = [register(world, meeting_id, person(n))["status"] for n in range(4)]
    assert outcomes == ["registered", "registered", "waiting", "waiting"]
    meeting = load(world, meeting_id)
    assert meeting.registered == ["u-person-0", "u-person-1"]
    assert meeting.waiting == ["u-person-2", "u-person-3"]
    assert event_names(world, meeting_id)[-2:] == ["WaitListed", "WaitListed"]
    with pytest.raises(AlreadyExists):
        register(world, meeting_id, person(3))


def test_a_cancelled_seat_promotes_the_first_on_the_waiting_list_as_an_event(world: World) -> None:
    meeting_id = schedule(world, kind="workshop", capacity=1)
    for n in range(3):
        register(world, meeting_id, person(n))
    result = meetings(world).cancel_meeting_registration(person(0), command_id=cid(), meeting_id=meeting_id)
    assert result.data["promoted"] == "u-person-1"
    meeting = load(world, meeting_id)
    assert meeting.registered == ["u-person-1"]
    assert meeting.waiting == ["u-person-2"]
    assert event_names(world, meeting_id)[-2:] == ["RegistrationCancelled", "PromotedFromWaitingList"]


def test_leaving_the_waiting_list_promotes_nobody(world: World) -> None:
    meeting_id = schedule(world, capacity=1)
    for n in range(3):
        register(world, meeting_id, person(n))
    result = meetings(world).cancel_meeting_registration(person(2), command_id=cid(), meeting_id=meeting_id)
    assert result.data["promoted"] is None
    meeting = load(world, meeting_id)
    assert meeting.registered == ["u-person-0"] and meeting.waiting == ["u-person-1"]
    assert event_names(world, meeting_id)[-1] == "RegistrationCancelled"


def test_registering_past_capacity_without_a_waiting_list_is_refused(world: World) -> None:
    meeting_id = schedule(world, capacity=1, waiting_list=False)
    register(world, meeting_id, person(0))
    with pytest.raises(IllegalTransition) as refused:
        register(world, meeting_id, person(1))
    assert refused.value.state == "full"
    assert load(world, meeting_id).waiting == []


def test_cancelling_a_registration_that_does_not_exist_is_not_found(world: World) -> None:
    meeting_id = schedule(world)
    with pytest.raises(NotFound):
        meetings(world).cancel_meeting_registration(world.staff_tn, command_id=cid(), meeting_id=meeting_id)


def test_an_invited_meeting_is_registered_for_by_its_organisers_only(world: World) -> None:
    meeting_id = schedule(world, visibility="invited")
    with pytest.raises(PermissionDenied):
        register(world, meeting_id, world.staff_tn)
    data = register(world, meeting_id, world.secretariat, person_id=world.staff_tn.id)
    assert data == {"person_id": world.staff_tn.id, "status": "registered"}


def test_only_organisers_register_or_cancel_for_someone_else(world: World) -> None:
    meeting_id = schedule(world)
    with pytest.raises(PermissionDenied):
        register(world, meeting_id, world.staff_tn, person_id=world.staff_ma.id)
    register(world, meeting_id, world.staff_ma)
    with pytest.raises(PermissionDenied):
        meetings(world).cancel_meeting_registration(
            world.staff_tn, command_id=cid(), meeting_id=meeting_id, person_id=world.staff_ma.id
        )
    meetings(world).cancel_meeting_registration(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, person_id=world.staff_ma.id
    )
    assert load(world, meeting_id).registered == []


def test_auditors_and_the_public_do_not_register(world: World) -> None:
    meeting_id = schedule(world, visibility="public")
    for actor in (world.auditor, Actor.public(), Actor.holding("u-nobody", Role.PUBLIC)):
        with pytest.raises(PermissionDenied):
            register(world, meeting_id, actor)


def test_registration_is_closed_once_the_meeting_opens_or_is_cancelled(world: World) -> None:
    app = meetings(world)
    running = schedule(world)
    move(world, running, "convene", "open")
    cancelled = schedule(world)
    app.cancel_meeting(world.secretariat, command_id=cid(), meeting_id=cancelled, reason="Dropped.")
    for meeting_id in (running, cancelled):
        with pytest.raises(IllegalTransition):
            register(world, meeting_id, world.staff_tn)


def test_repeating_a_registration_command_gives_its_first_result(world: World) -> None:
    meeting_id = schedule(world)
    command_id = cid()
    app = meetings(world)
    first = app.register_for_meeting(world.staff_tn, command_id=command_id, meeting_id=meeting_id)
    again = app.register_for_meeting(world.staff_tn, command_id=command_id, meeting_id=meeting_id)
    assert again.repeated and again.version == first.version
    assert load(world, meeting_id).registered == [world.staff_tn.id]


def test_a_meeting_replayed_from_its_stored_events_has_the_state_the_commands_gave_it(world: World) -> None:
    meeting_id = schedule(world, capacity=1, online_link="https://meet.example.org/ec")
    a, b = add_item(world, meeting_id, "A"), add_item(world, meeting_id, "B")
    meetings(world).reorder_agenda(
        world.secretariat, command_id=cid(), meeting_id=meeting_id, item_ids=[b, a]
    )
    later = START + dt.timedelta(days=7)
    meetings(world).postpone_meeting(
        world.secretariat,
        command_id=cid(),
        meeting_id=meeting_id,
        reason="Later.",
        starts_at=later,
        ends_at=later + dt.timedelta(hours=3),
    )
    for n in range(2):
        register(world, meeting_id, person(n))
    meetings(world).cancel_meeting_registration(person(0), command_id=cid(), meeting_id=meeting_id)
    replayed: Any = None
    for stored in world.app.repository.event_store.get(meeting_id):
        replayed = stored.mutate(replayed)
    live = load(world, meeting_id)
    assert replayed.__dict__ == live.__dict__
    assert replayed.starts_at == later and replayed.starts_at.tzinfo is not None
    assert replayed.item_ids == [b, a] and replayed.registered == ["u-person-1"]
