"""Meetings through the API: scheduling, the agenda, registration with a waiting list,
the participant list and its export, and what a reader may see."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends

TRAINING = {
    "kind": "training",
    "title": {"ar": "دورة تدريبية وطنية", "en": "National training session"},
    "starts_at": "2027-03-10T09:00:00+01:00",
    "ends_at": "2027-03-10T17:00:00+01:00",
    "time_zone": "Africa/Tunis",
    "place": "Tunis",
}


def schedule(world: ApiWorld, role: str = "staff_tn", **fields: Any) -> dict[str, Any]:
    body = {**TRAINING, "commission_ids": [str(world.ids["tn"])], **fields}
    response = world.client(role).post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_scheduled_meeting_is_planned_with_its_dates_in_its_time_zone(world: ApiWorld) -> None:
    created = schedule(world)
    assert created["state"] == "planned"
    assert created["organiser"] == world.user_id("staff_tn")
    shown = world.client("staff_ma").get(f"/api/v1/meetings/{created['id']}/").json()
    assert (shown["starts_at"], shown["time_zone"]) == ("2027-03-10T08:00:00+00:00", "Africa/Tunis")
    assert shown["localized"]["title"] == "دورة تدريبية وطنية"


def test_the_agenda_keeps_its_order_and_its_withdrawn_items_with_their_reason(world: ApiWorld) -> None:
    meeting = schedule(world)["id"]
    client = world.client("staff_tn")
    items = [
        client.post(
            f"/api/v1/meetings/{meeting}/agenda/",
            {"title": {"en": title}, "duration_minutes": 30, "presenter": "Amina"},
            format="json",
        ).json()["agenda"][-1]["id"]
        for title in ("Opening", "Practice", "Evaluation")
    ]
    reordered = client.post(
        f"/api/v1/meetings/{meeting}/agenda/order/",
        {"item_ids": [items[2], items[0], items[1]]},
        format="json",
    )
    assert [item["id"] for item in reordered.json()["agenda"]] == [items[2], items[0], items[1]]
    withdrawn = client.post(
        f"/api/v1/meetings/{meeting}/agenda/{items[1]}/withdraw/",
        {"reason": "Merged with practice"},
        format="json",
    ).json()
    assert [item["id"] for item in withdrawn["agenda"]] == [items[2], items[0]]
    assert withdrawn["withdrawn_items"][0]["reason"] == "Merged with practice"
    incomplete = client.post(
        f"/api/v1/meetings/{meeting}/agenda/order/", {"item_ids": [items[0]]}, format="json"
    )
    assert incomplete.status_code == 422
    assert "item_ids" in incomplete.json()["errors"]


def test_a_full_meeting_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(
    world: ApiWorld,
) -> None:
    meeting = schedule(world, capacity=1)["id"]
    first = world.client("staff_ma").post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    assert (first.status_code, first.json()["seats_left"]) == (201, 0)
    second = world.client("partner_tn").post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    assert second.json()["waiting_count"] == 1
    again = world.client("partner_tn").post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    assert again.status_code == 409
    cancelled = world.client("staff_ma").delete(
        f"/api/v1/meetings/{meeting}/registrations/{world.user_id('staff_ma')}/"
    )
    assert (cancelled.json()["registered_count"], cancelled.json()["waiting_count"]) == (1, 0)
    listed = world.client("sg_tn").get(f"/api/v1/meetings/{meeting}/registrations/").json()["results"]
    assert [(p["user_id"], p["status"]) for p in listed] == [(world.user_id("partner_tn"), "registered")]


def test_the_participant_list_exports_as_csv_with_names_kept_as_text(world: ApiWorld) -> None:
    meeting = schedule(world)["id"]
    world.users["staff_ma"].display_name = "=HYPERLINK(evil)"
    world.users["staff_ma"].save()
    world.client("staff_ma").post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    world.client("partner_tn").post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    exported = world.client("staff_tn").get(f"/api/v1/meetings/{meeting}/registrations/?export=csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["rank", "status", "name", "user_id", "items_attended"]
    assert rows[1][:3] == ["1", "registered", "'=HYPERLINK(evil)"]
    assert rows[2][:3] == ["2", "registered", "partner.tn"]


def test_an_invited_meeting_is_hidden_from_those_not_invited(world: ApiWorld) -> None:
    meeting = schedule(world, visibility="invited")["id"]
    assert world.client("staff_ma").get(f"/api/v1/meetings/{meeting}/").status_code == 404
    listed = world.client("staff_ma").get("/api/v1/meetings/").json()["results"]
    assert meeting not in [m["id"] for m in listed]
    world.client("staff_tn").post(
        f"/api/v1/meetings/{meeting}/registrations/", {"person_id": world.user_id("staff_ma")}, format="json"
    )
    assert world.client("staff_ma").get(f"/api/v1/meetings/{meeting}/").status_code == 200
    assert world.client("public").get("/api/v1/meetings/").json()["results"] == []


def test_a_commission_cannot_schedule_a_session_of_a_governing_body(world: ApiWorld) -> None:
    body = {**TRAINING, "kind": "governing_body_session", "commission_ids": [str(world.ids["tn"])]}
    assert world.client("sg_tn").post("/api/v1/meetings/", body, format="json").status_code == 403
    assert world.client("secretariat").post("/api/v1/meetings/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": "2027-03-10T08:00:00+01:00"}, "ends_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"place": "", "online_link": ""}, "place"),
        ({"online_link": "javascript:alert(1)"}, "online_link"),
        ({"title": {"de": "Schulung"}}, "title"),
    ],
)
def test_bad_meeting_input_names_the_field_and_stores_nothing(
    world: ApiWorld, fields: dict[str, Any], field: str
) -> None:
    before = world.app.recorder.max_notification_id()
    body = {**TRAINING, "commission_ids": [str(world.ids["tn"])], **fields}
    refused = world.client("staff_tn").post("/api/v1/meetings/", body, format="json")
    assert refused.status_code in {400, 422}, refused.json()
    assert field in refused.json()["errors"], refused.json()
    assert world.app.recorder.max_notification_id() == before


def test_a_meeting_goes_through_its_lifecycle_and_a_postponement_keeps_the_reason(world: ApiWorld) -> None:
    meeting = schedule(world)["id"]
    client = world.client("sg_tn")
    postponed = client.post(
        f"/api/v1/meetings/{meeting}/postpone/",
        {
            "reason": "The hall is closed",
            "starts_at": "2027-04-10T09:00:00Z",
            "ends_at": "2027-04-10T17:00:00Z",
        },
        format="json",
    ).json()
    assert (postponed["state"], postponed["reason"]) == ("planned", "The hall is closed")
    for step, state in (
        ("convene", "convened"),
        ("open", "in_progress"),
        ("close", "closed"),
    ):
        assert client.post(f"/api/v1/meetings/{meeting}/{step}/").json()["state"] == state
    without_minutes = client.post(f"/api/v1/meetings/{meeting}/adopt-minutes/")
    assert without_minutes.status_code == 409
    client.post(f"/api/v1/meetings/{meeting}/minutes/", {"text": {"ar": "محضر"}}, format="json")
    client.post(f"/api/v1/meetings/{meeting}/minutes/circulate/")
    assert client.post(f"/api/v1/meetings/{meeting}/adopt-minutes/").json()["state"] == "minutes_adopted"
    too_late = client.post(f"/api/v1/meetings/{meeting}/cancel/", {"reason": "x"}, format="json")
    assert too_late.status_code == 409


def test_attendance_per_item_says_who_was_present_while_it_was_discussed(world: ApiWorld) -> None:
    meeting = schedule(world)["id"]
    organiser = world.client("staff_tn")
    items = [
        organiser.post(
            f"/api/v1/meetings/{meeting}/agenda/", {"title": {"en": t}, "duration_minutes": 20}, format="json"
        ).json()["agenda"][-1]["id"]
        for t in ("Opening", "Vote")
    ]
    for role in ("staff_ma", "partner_tn"):
        world.client(role).post(f"/api/v1/meetings/{meeting}/registrations/", {}, format="json")
    not_yet = world.client("staff_ma").post(f"/api/v1/meetings/{meeting}/attendance/", {}, format="json")
    assert not_yet.status_code == 409  # the meeting is not in progress
    for step in ("convene", "open"):
        organiser.post(f"/api/v1/meetings/{meeting}/{step}/")
    both = [
        world.client(role).post(f"/api/v1/meetings/{meeting}/attendance/", {}, format="json")
        for role in ("staff_ma", "partner_tn")
    ]
    assert [r.status_code for r in both] == [201, 201]
    organiser.post(f"/api/v1/meetings/{meeting}/agenda/{items[0]}/current/")
    left = world.client("partner_tn").delete(
        f"/api/v1/meetings/{meeting}/attendance/{world.user_id('partner_tn')}/"
    )
    assert left.json()["present_count"] == 1
    organiser.post(f"/api/v1/meetings/{meeting}/agenda/{items[1]}/current/")
    unregistered = world.client("sg_tn").post(f"/api/v1/meetings/{meeting}/attendance/", {}, format="json")
    assert unregistered.status_code == 422
    listed = {
        p["user_id"]: p for p in organiser.get(f"/api/v1/meetings/{meeting}/registrations/").json()["results"]
    }
    assert listed[world.user_id("staff_ma")]["attended_items"] == items
    assert listed[world.user_id("partner_tn")]["attended_items"] == [items[0]]
    assert listed[world.user_id("partner_tn")]["present"] is False


def test_minutes_keep_every_version_and_readers_see_only_the_definitive_ones(world: ApiWorld) -> None:
    meeting = schedule(world)["id"]
    organiser = world.client("staff_tn")
    for step in ("convene", "open", "close"):
        organiser.post(f"/api/v1/meetings/{meeting}/{step}/")
    first = organiser.post(
        f"/api/v1/meetings/{meeting}/minutes/", {"text": {"ar": "المسودة", "fr": "Projet"}}, format="json"
    )
    assert first.status_code == 201, first.json()
    assert (first.json()["minutes"]["number"], first.json()["minutes"]["state"]) == (1, "draft")
    assert first.json()["minutes"]["text"] is None  # not for every reader before it is definitive
    circulated = organiser.post(f"/api/v1/meetings/{meeting}/minutes/circulate/").json()
    assert circulated["minutes"]["state"] == "provisional"
    no_reason = organiser.post(f"/api/v1/meetings/{meeting}/minutes/", {"text": {"ar": "م"}}, format="json")
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    corrected = organiser.post(
        f"/api/v1/meetings/{meeting}/minutes/",
        {"text": {"ar": "المصحح"}, "reason": "A name was misspelt"},
        format="json",
    ).json()
    assert (corrected["minutes"]["number"], corrected["minutes_versions"]) == (2, 2)
    assert world.client("staff_ma").get(f"/api/v1/meetings/{meeting}/minutes/").json()["results"] == []
    organiser.post(f"/api/v1/meetings/{meeting}/minutes/circulate/")
    adopted = organiser.post(f"/api/v1/meetings/{meeting}/adopt-minutes/").json()
    assert adopted["minutes"]["state"] == "definitive"
    assert adopted["minutes"]["text"] == {"ar": "المصحح"}
    every = organiser.get(f"/api/v1/meetings/{meeting}/minutes/").json()["results"]
    assert [(v["number"], v["state"], v["reason"]) for v in every] == [
        (1, "provisional", ""),
        (2, "definitive", "A name was misspelt"),
    ]
    assert every[0]["text"] == {"ar": "المسودة", "fr": "Projet"}
    assert every[0]["by"] == world.user_id("staff_tn")
    reader = world.client("staff_ma").get(f"/api/v1/meetings/{meeting}/minutes/").json()["results"]
    assert [v["number"] for v in reader] == [2]
    too_late = organiser.post(
        f"/api/v1/meetings/{meeting}/minutes/", {"text": {"ar": "م"}, "reason": "r"}, format="json"
    )
    assert too_late.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "text"), ({"text": {}}, "text"), ({"text": "plain"}, "text"), ({"text": {"ar": "م"}, "x": 1}, "x")],
)
def test_bad_minutes_are_refused_with_a_field_message_and_nothing_stored(
    world: ApiWorld, body: dict[str, Any], field: str
) -> None:
    meeting = schedule(world)["id"]
    organiser = world.client("staff_tn")
    for step in ("convene", "open"):
        organiser.post(f"/api/v1/meetings/{meeting}/{step}/")
    before = world.app.recorder.max_notification_id()
    refused = organiser.post(f"/api/v1/meetings/{meeting}/minutes/", body, format="json")
    assert refused.status_code in (400, 422)
    assert field in refused.json()["errors"], refused.json()
    assert world.app.recorder.max_notification_id() == before


def test_a_meeting_downloads_as_an_icalendar_event_in_the_readers_language(world: ApiWorld) -> None:
    import icalendar

    meeting = schedule(world, online_link="https://meet.example.org/t")["id"]
    response = world.client("staff_ma", HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/meetings/{meeting}/calendar.ics"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "National training session"
    assert event.decoded("dtstart").isoformat() == "2027-03-10T08:00:00+00:00"
    assert str(event["location"]) == "Tunis"
    assert str(event["url"]) == "https://meet.example.org/t"
    assert str(event["status"]) == "TENTATIVE"
    world.client("staff_tn").post(
        f"/api/v1/meetings/{meeting}/cancel/", {"reason": "Flooding"}, format="json"
    )
    cancelled = world.client("staff_ma").get(f"/api/v1/meetings/{meeting}/calendar.ics")
    [event] = icalendar.Calendar.from_ical(cancelled.content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert world.client("public").get(f"/api/v1/meetings/{meeting}/calendar.ics").status_code == 404
