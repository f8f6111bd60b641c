"""Live streams over the socket: subscribe, receive, resume, unsubscribe."""

from __future__ import annotations

import pytest

from tests.realtime.conftest import People

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]


async def test_a_message_posted_by_a_use_case_reaches_a_subscribed_socket(people: People, projector, connect):
    live = await connect("partner_tn")
    subscribed = await live.subscribe(people.thread)
    assert subscribed["type"] == "subscribed"
    position = people.post("staff_tn", "مرحبا")
    [event] = await live.events(people.thread, 1)
    assert event["position"] == position
    assert event["kind"] == "message.posted"
    assert event["data"]["text"] == "مرحبا"
