"""The meetings pages on the demo world: the calendar, one meeting's page with its
agenda and registration, the schedule form, in each language and for each role."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from projections.models import MeetingEntry
from tests.web.conftest import user

Browse = Callable[..., Client]

pytestmark = pytest.mark.both_backends


def training() -> MeetingEntry:
    return MeetingEntry.objects.get(kind="training")


def test_the_calendar_lists_what_each_reader_may_see(browse: Browse) -> None:
    public = browse("-").get("/meetings/").content.decode()
    assert "Executive Council, ordinary session" in public  # public
    assert "Bilateral meeting with Tunisia" not in public  # members only
    member = browse("staff.ma").get("/meetings/").content.decode()
    assert "Bilateral meeting with Tunisia" in member
    assert "Session of a governing body" in member


def test_a_meeting_page_shows_its_agenda_and_dates_in_its_own_time_zone_in_arabic(browse: Browse) -> None:
    page = browse("staff.tn", "ar").get(f"/meetings/{training().id}/").content.decode()
    assert 'dir="rtl"' in page
    assert "ورشة تطبيقية" in page and "الافتتاح" in page
    assert "Africa/Tunis" in page
    assert "دورة تدريبية" in page


def test_a_member_registers_from_the_page_and_cancels_again(browse: Browse) -> None:
    client = browse("staff.tn")
    meeting = training()
    page = client.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Register" in page
    done = client.post(f"/meetings/{meeting.id}/act/", {"action": "register", "form_key": "k1"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert str(user("staff.tn").pk) in meeting.registered
    client.post(f"/meetings/{meeting.id}/act/", {"action": "unregister", "form_key": "k2"})
    meeting.refresh_from_db()
    assert str(user("staff.tn").pk) not in meeting.registered


def test_the_organiser_runs_the_meeting_and_marks_the_item_under_discussion(browse: Browse) -> None:
    client = browse("staff.tn")
    meeting = training()
    assert client.post(f"/meetings/{meeting.id}/act/", {"action": "open", "form_key": "o"}).status_code == 302
    item = meeting.agenda[1]["id"]
    client.post(f"/meetings/{meeting.id}/act/", {"action": "current", "item_id": item, "form_key": "c"})
    page = client.get(f"/meetings/{meeting.id}/").content.decode()
    assert 'aria-current="step"' in page
    meeting.refresh_from_db()
    assert (meeting.state, str(meeting.current_item_id)) == ("in_progress", item)


def test_someone_who_may_not_organise_sees_no_organiser_action_and_is_refused(browse: Browse) -> None:
    client = browse("partner.tn")
    meeting = training()
    page = client.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Open the meeting" not in page and "Add to the agenda" not in page
    refused = client.post(f"/meetings/{meeting.id}/act/", {"action": "open", "form_key": "x"})
    assert refused.status_code == 400
    assert "You are not allowed to do this." in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "convened"


def test_an_agenda_item_without_a_title_is_refused_next_to_the_field_and_nothing_changes(
    browse: Browse,
) -> None:
    client = browse("staff.tn")
    meeting = training()
    refused = client.post(
        f"/meetings/{meeting.id}/act/", {"action": "add_item", "duration_minutes": "30", "form_key": "a"}
    )
    assert refused.status_code == 400
    assert "Give a title in at least one language." in refused.content.decode()
    meeting.refresh_from_db()
    assert len(meeting.agenda) == 2


def test_the_schedule_form_creates_a_meeting_in_its_time_zone(browse: Browse) -> None:
    client = browse("staff.tn", "fr")
    form = client.get("/meetings/new/")
    assert form.status_code == 200
    created = client.post(
        "/meetings/new/",
        {
            "form_key": "new-meeting",
            "kind": "workshop",
            "commission": str(training().commission_ids[0]),
            "title_fr": "Atelier régional",
            "day": "2027-05-04",
            "starts": "09:30",
            "ends": "12:00",
            "time_zone": "Africa/Tunis",
            "place": "Sousse",
            "visibility": "members",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    meeting = MeetingEntry.objects.get(kind="workshop")
    assert meeting.starts_at.isoformat() == "2027-05-04T08:30:00+00:00"
    bad = client.post(
        "/meetings/new/",
        {
            "form_key": "bad-meeting",
            "kind": "workshop",
            "commission": str(training().commission_ids[0]),
            "title_fr": "Atelier",
            "day": "2027-05-04",
            "starts": "12:00",
            "ends": "09:00",
            "time_zone": "Africa/Tunis",
            "place": "Sousse",
            "visibility": "members",
        },
    )
    assert bad.status_code == 400
    assert "La fin doit venir après le début." in bad.content.decode()  # the refusal's code, translated
    assert MeetingEntry.objects.filter(kind="workshop").count() == 1


def test_someone_who_organises_nothing_cannot_open_the_schedule_form(browse: Browse) -> None:
    assert browse("partner.tn").get("/meetings/new/").status_code == 403


def act(client: Client, meeting: MeetingEntry, action: str, **fields: str) -> str:
    """One action from the meeting's page, each with a form key of its own."""
    key = uuid.uuid4().hex
    response = client.post(f"/meetings/{meeting.id}/act/", {"action": action, "form_key": key, **fields})
    assert response.status_code in (302, 400)
    return response.content.decode()


def test_the_organiser_drafts_circulates_corrects_and_adopts_the_minutes_from_the_page(
    browse: Browse,
) -> None:
    organiser, reader = browse("staff.tn"), browse("partner.tn", "fr")
    meeting = training()
    act(organiser, meeting, "open")
    act(organiser, meeting, "draft_minutes", text_ar="محضر أولي", text_fr="Procès-verbal initial")
    page = organiser.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Version 1" in page and "Draft" in page and "Circulate as provisional" in page
    assert "Procès-verbal initial" not in reader.get(f"/meetings/{meeting.id}/").content.decode()
    act(organiser, meeting, "circulate_minutes")
    arabic = browse("staff.tn", "ar").get(f"/meetings/{meeting.id}/").content.decode()
    assert "المحضر" in arabic and "مؤقت" in arabic and "محضر أولي" in arabic
    refused = act(organiser, meeting, "draft_minutes", text_fr="Procès-verbal corrigé")
    assert "Say what this version corrects." in refused
    act(
        organiser,
        meeting,
        "draft_minutes",
        text_fr="Procès-verbal corrigé",
        reason="Le nom de l'intervenant",
    )
    act(organiser, meeting, "close")
    adopt_too_soon = organiser.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Adopt the minutes" not in adopt_too_soon  # the correction is not circulated yet
    act(organiser, meeting, "circulate_minutes")
    act(organiser, meeting, "adopt_minutes")
    meeting.refresh_from_db()
    assert meeting.state == "minutes_adopted"
    assert [v["state"] for v in meeting.minutes] == ["provisional", "definitive"]
    shown = reader.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Procès-verbal corrigé" in shown and "Procès-verbal initial" not in shown
    history = organiser.get(f"/meetings/{meeting.id}/").content.decode()
    assert "Earlier versions" in history and "محضر أولي" in history  # English page: else Arabic


def test_minutes_without_text_are_refused_next_to_the_field_and_nothing_is_stored(browse: Browse) -> None:
    organiser = browse("staff.tn")
    meeting = training()
    act(organiser, meeting, "open")
    refused = act(organiser, meeting, "draft_minutes", text_ar="  ")
    assert "Give the minutes in at least one language." in refused
    meeting.refresh_from_db()
    assert meeting.minutes == []


def test_the_demo_holds_a_past_session_with_its_minutes_adopted(browse: Browse) -> None:
    past = MeetingEntry.objects.get(title__en="Executive Council, previous session")
    assert past.state == "minutes_adopted"
    page = browse("-").get("/meetings/").content.decode()
    assert "Executive Council, previous session" in page
