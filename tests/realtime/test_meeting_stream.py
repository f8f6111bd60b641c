"""meeting:<id>: the meeting as it runs, live for everyone who may read it
(docs/protocol.md, "Streams")."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import pytest
from channels.db import database_sync_to_async

from tests.builders import cid
from tests.realtime.conftest import Connect, People

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2027, 3, 10, 8, tzinfo=dt.UTC)


def running_training(people: People, visibility: str = "members") -> tuple[UUID, list[str]]:
    app, staff = people.app, people.actors["staff_tn"]
    meeting = app.schedule_meeting(
        staff,
        command_id=cid(),
        kind="training",
        title={"ar": "تدريب"},
        starts_at=START,
        ends_at=START + dt.timedelta(hours=6),
        time_zone="Africa/Tunis",
        place="Tunis",
        commission_ids=[people.ids["tn"]],
        visibility=visibility,
    ).id
    items = [
        app.add_agenda_item(
            staff, command_id=cid(), meeting_id=meeting, title={"en": title}, duration_minutes=30
        ).data["item_id"]
        for title in ("Opening", "Practice")
    ]
    for step in ("convene_meeting", "open_meeting"):
        getattr(app, step)(staff, command_id=cid(), meeting_id=meeting)
    people.project()
    return meeting, items


async def test_the_item_under_discussion_reaches_everyone_following_the_meeting(
    people: People, projector: Any, connect: Connect
) -> None:
    meeting, items = await database_sync_to_async(running_training)(people)
    follower = await connect("partner_tn")
    subscribed = await follower.subscribe(f"meeting:{meeting}")
    assert subscribed["type"] == "subscribed"

    def discuss() -> None:
        people.app.set_current_agenda_item(
            people.actors["staff_tn"], command_id=cid(), meeting_id=meeting, item_id=UUID(items[1])
        )

    await database_sync_to_async(discuss)()
    [event] = await follower.events(f"meeting:{meeting}", 1)
    assert event["kind"] == "meeting.current_item_set"
    assert event["data"]["current_item_id"] == items[1]
    assert event["data"]["state"] == "in_progress"


async def test_an_invited_meeting_stream_is_refused_to_those_not_invited(
    people: People, projector: Any, connect: Connect
) -> None:
    meeting, _ = await database_sync_to_async(running_training)(people, "invited")
    outsider = await connect("staff_ma")
    refused = await outsider.subscribe(f"meeting:{meeting}")
    assert (refused["type"], refused["code"]) == ("error", "not_found")
    organiser = await connect("staff_tn")
    assert (await organiser.subscribe(f"meeting:{meeting}"))["type"] == "subscribed"
