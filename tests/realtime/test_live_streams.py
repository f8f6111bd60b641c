"""Live streams over the socket: subscribe, receive, resume, unsubscribe, fall behind.

docs/protocol.md, "Streams", "Resuming: the rules" and "Limits". Each test runs on
the embedded default (in-memory layer, the projector thread handing items to this
process's hub) and again on PostgreSQL with the Redis layer (pass 2).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async

from realtime.hub import LocalSocket, current_hub
from tests.realtime.conftest import Connect, Live, People, rest

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]


async def post(people: People, role: str, text: str) -> int:
    """A message posted by another client (through the use case); its position."""
    return int(await database_sync_to_async(people.post)(role, text))


async def flushed(live: Live) -> None:
    """Every frame queued for this socket before now has arrived (frames leave in order)."""
    await live.send({"type": "ping", "id": "flush"})
    await live.next("pong", id="flush")


def positions(frames: list[dict[str, Any]]) -> list[int]:
    return [frame["position"] for frame in frames]


async def test_a_message_posted_by_a_use_case_reaches_a_subscribed_socket_and_nothing_else_does(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("partner_tn")
    subscribed = await live.subscribe(people.thread)
    assert subscribed["type"] == "subscribed"
    position = await post(people, "staff_tn", "مرحبا")
    [event] = await live.events(people.thread, 1)
    assert event["position"] == position
    assert event["kind"] == "message.posted"
    assert event["data"]["text"] == "مرحبا"
    # A fresh server process joins the live items before it accepts sockets: its first
    # subscribers are not asked to resubscribe when it hears its first live message.
    await flushed(live)
    assert [f["type"] for f in live.seen] == ["welcome", "subscribed", "event", "pong"]


async def test_a_message_posted_over_rest_reaches_a_subscribed_socket_as_rest_renders_it(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("partner_tn")
    await live.subscribe(people.thread)
    response = await rest(
        people,
        "staff_tn",
        "post",
        f"/api/v1/threads/{people.ids['thread']}/messages/",
        {"text": "اجتماع الخميس — réunion jeudi"},
    )
    assert response.status_code == 201, response.content
    [event] = await live.events(people.thread, 1)
    assert event["kind"] == "message.posted"
    assert event["position"] == response.json()["command"]["position"]
    assert event["data"]["id"] == response.json()["id"]
    assert event["data"]["text"] == "اجتماع الخميس — réunion jeudi"
    fetched = await rest(people, "partner_tn", "get", f"/api/v1/messages/{event['data']['id']}/")
    assert {k: fetched.json()[k] for k in event["data"]} == event["data"]


async def test_one_message_reaches_its_thread_its_workspace_and_the_secretariat_feed(
    people: People, projector: Any, connect: Connect
) -> None:
    member = await connect("partner_tn")
    await member.subscribe(people.thread)
    await member.subscribe(people.workspace)
    secretariat = await connect("secretariat")
    await secretariat.subscribe("feed:all")
    position = await post(people, "staff_tn", "to everyone concerned")
    [in_thread] = await member.events(people.thread, 1)
    [in_workspace] = await member.events(people.workspace, 1)
    [in_feed] = await secretariat.events("feed:all", 1)
    assert positions([in_thread, in_workspace, in_feed]) == [position] * 3
    assert in_thread["data"] == in_workspace["data"]  # the message as the read model renders it
    assert in_feed["data"]["object"]["kind"] == "message"  # the feed carries the activity item
    assert in_feed["data"]["workspace_id"] == str(people.ids["workspace"])


async def test_a_mention_reaches_the_mentioned_persons_user_stream(
    people: People, projector: Any, connect: Connect
) -> None:
    mentioned = await connect("partner_tn")
    assert (await mentioned.subscribe("user:me"))["type"] == "subscribed"
    author = await connect("staff_tn")
    ack = await author.command(
        "message.post",
        {
            "thread_id": str(people.ids["thread"]),
            "text": "please review",
            "mentions": [people.user_id("partner_tn")],
        },
    )
    [event] = await mentioned.events("user:me", 1)
    assert event["position"] == ack["position"]
    assert event["data"]["object"]["id"] == ack["object_id"]


async def test_subscribing_from_now_sends_no_backlog_and_names_the_position_to_resume_from(
    people: People, projector: Any, connect: Connect
) -> None:
    before = await post(people, "staff_tn", "before the subscription")
    await database_sync_to_async(people.project)()
    live = await connect("partner_tn")
    subscribed = await live.subscribe(people.thread, after=None)
    assert subscribed["position"] == before
    after = await post(people, "staff_tn", "after the subscription")
    [event] = await live.events(people.thread, 1)
    assert event["position"] == after


async def test_subscribing_after_a_position_sends_exactly_the_missed_items_in_order_then_live_ones(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("partner_tn")
    await live.subscribe(people.thread)
    seen = await post(people, "staff_tn", "seen")
    [event] = await live.events(people.thread, 1)
    assert event["position"] == seen
    await live.close()

    missed = [await post(people, "staff_tn", f"missed {n}") for n in range(5)]
    await database_sync_to_async(people.project)()
    again = await connect("partner_tn")
    subscribed = await again.subscribe(people.thread, after=seen)
    assert subscribed["position"] == missed[-1]
    backlog = await again.events(people.thread, 5)
    assert positions(backlog) == missed
    assert [e["data"]["text"] for e in backlog] == [f"missed {n}" for n in range(5)]

    live_one = await post(people, "staff_tn", "live")
    [event] = await again.events(people.thread, 1)
    assert event["position"] == live_one
    await flushed(again)
    received = [f["position"] for f in again.seen if f.get("type") == "event"]
    assert received == [*missed, live_one]  # nothing twice, nothing else


async def test_subscribing_again_replaces_the_subscription_and_its_after_counts(
    people: People, projector: Any, connect: Connect
) -> None:
    first, second = await post(people, "staff_tn", "one"), await post(people, "staff_tn", "two")
    await database_sync_to_async(people.project)()
    live = await connect("partner_tn")
    await live.subscribe(people.thread, after=second)
    await live.subscribe(people.thread, after=first)
    [event] = await live.events(people.thread, 1)
    assert event["position"] == second
    await flushed(live)
    assert positions([f for f in live.seen if f.get("type") == "event"]) == [second]


async def test_after_unsubscribing_nothing_more_of_that_stream_arrives(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("partner_tn")
    await live.subscribe(people.thread)
    await live.subscribe(people.workspace)
    await live.send({"type": "unsubscribe", "stream": people.thread})
    assert (await live.next("unsubscribed"))["stream"] == people.thread
    position = await post(people, "staff_tn", "only the workspace sees this one")
    [event] = await live.events(people.workspace, 1)
    assert event["position"] == position
    await flushed(live)
    assert not [f for f in live.seen if f.get("type") == "event" and f["stream"] == people.thread]
    # Unsubscribing from a stream one is not subscribed to is not an error.
    await live.send({"type": "unsubscribe", "stream": people.thread})
    assert (await live.next("unsubscribed"))["stream"] == people.thread


async def test_a_client_reconnecting_with_its_last_position_ends_with_every_item_once_in_order(
    people: People, projector: Any, connect: Connect
) -> None:
    """The client of docs/protocol.md's resume rules, while messages keep coming: it
    drops its socket twice, reconnects and subscribes after its last position."""
    total = 30
    posted: list[int] = []

    async def author() -> None:
        for n in range(total):
            posted.append(await post(people, "staff_tn", f"stream {n}"))
            await asyncio.sleep(0.01)

    first = await connect("partner_tn")
    last = (await first.subscribe(people.thread, after=None))["position"]
    await first.close()
    writing = asyncio.create_task(author())
    received: list[int] = []
    try:
        for round_ in range(3):
            live = await connect("partner_tn")
            await live.subscribe(people.thread, after=last)
            quota = total if round_ == 2 else total // 3 * (round_ + 1)
            while len(received) < quota:
                event = await live.next("event", timeout=15, stream=people.thread)
                received.append(event["position"])
                last = event["position"]
            await live.close()  # the network drops
    finally:
        await writing
    assert received == posted  # all of them, in order, none twice


async def test_a_socket_that_falls_behind_is_told_to_resubscribe_and_others_are_not_held_up(
    people: People, projector: Any, connect: Connect
) -> None:
    fast = await connect("staff_tn")
    await fast.subscribe(people.thread)
    slow = await connect("partner_tn")
    await slow.subscribe(people.thread)
    [socket] = [s for s in current_hub().sockets if s.user_id == people.user_id("partner_tn")]
    gate = stall(socket, max_frames=3)  # a client that stops reading, with a tiny outbox

    posted = [await post(people, "staff_tn", f"burst {n}") for n in range(12)]
    assert positions(await fast.events(people.thread, 12, timeout=15)) == posted
    await wait_until(lambda: socket.congested())
    gate.set()  # the client reads again: what was queued, then the resubscribe
    told = await slow.next("resubscribe", timeout=15, stream=people.thread)
    assert told["reason"] == "overflow"
    before = [f["position"] for f in slow.seen if f.get("type") == "event"]
    assert before == [p for p in posted if p <= told["after"]]  # nothing after "after" was sent

    await slow.subscribe(people.thread, after=told["after"])
    rest_of_them = [p for p in posted if p > told["after"]]
    assert positions(await slow.events(people.thread, len(rest_of_them))) == rest_of_them


def stall(socket: LocalSocket, *, max_frames: int) -> asyncio.Event:
    """Make ``socket`` a client that stops reading: its outbox holds ``max_frames``
    and nothing leaves it until the returned event is set."""
    gate = asyncio.Event()
    send = socket.send

    async def stalled(message: dict[str, Any]) -> None:
        await gate.wait()
        await send(message)

    socket.send = stalled
    socket.max_frames = max_frames
    return gate


async def wait_until(condition: Any, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never met"
        await asyncio.sleep(0.01)
