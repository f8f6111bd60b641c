"""Hostile and broken frames: each gets an error frame with its code, nothing is
stored, the connection stays usable and the server goes on serving others.

docs/protocol.md, "Errors and codes" and "Limits". (Fuzzed frames:
test_fuzzed_frames.py; frames over 256 KiB close the socket in Daphne itself:
test_processes.py.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from realtime import consumers, protocol
from tests.realtime.conftest import Connect, Live, People, stored_head

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]

THREAD = "<thread>"  # replaced by the thread's id
BAD_FRAMES: list[tuple[str, Any, str]] = [
    ("not JSON", "{not json", "malformed"),
    ("a JSON array", [1, 2], "malformed"),
    ("a type that is not a string", {"type": 5}, "malformed"),
    ("no type at all", {"stream": "feed:all"}, "malformed"),
    ("an unknown type", {"type": "shout", "text": "hello"}, "unknown_type"),
    ("a command without a name", {"type": "command", "id": "c1", "args": {}}, "malformed"),
    (
        "a command whose args are a list",
        {"type": "command", "id": "c2", "name": "message.post", "args": []},
        "malformed",
    ),
    ("a command id with spaces", {"type": "command", "id": "a b", "name": "typing", "args": {}}, "invalid"),
    (
        "a command id of 81 characters",
        {"type": "command", "id": "x" * 81, "name": "typing", "args": {}},
        "invalid",
    ),
    (
        "an unknown command",
        {"type": "command", "id": "c3", "name": "drop.tables", "args": {}},
        "unknown_command",
    ),
    (
        "arguments of the wrong type",
        {
            "type": "command",
            "id": "c4",
            "name": "message.post",
            "args": {"thread_id": THREAD, "text": ["not", "text"]},
        },
        "invalid",
    ),
    (
        "a text over the use case's maximum",
        {
            "type": "command",
            "id": "c5",
            "name": "message.post",
            "args": {"thread_id": THREAD, "text": "a" * 10_001},
        },
        "invalid",
    ),
    ("a stream of no known form", {"type": "subscribe", "stream": "chat:lobby"}, "invalid"),
    ("a stream id that is not a UUID", {"type": "subscribe", "stream": "thread:../../etc"}, "invalid"),
    ("a negative after", {"type": "subscribe", "stream": "feed:all", "after": -1}, "invalid"),
    ("an after that is text", {"type": "subscribe", "stream": "feed:all", "after": "12"}, "invalid"),
    ("another person's user stream", {"type": "subscribe", "stream": "user:someone-else"}, "forbidden"),
    (
        "a frame over 64 KiB",
        {
            "type": "command",
            "id": "c6",
            "name": "message.post",
            "args": {"thread_id": THREAD, "text": "a" * (65 * 1024)},
        },
        "too_large",
    ),
    # 40,000 Arabic letters: under 64 Ki characters, over 64 KiB in UTF-8.
    (
        "a frame over 64 KiB in UTF-8",
        {
            "type": "command",
            "id": "c7",
            "name": "message.post",
            "args": {"thread_id": THREAD, "text": "ب" * 40_000},
        },
        "too_large",
    ),
]


def text_of(people: People, frame: Any) -> str:
    if isinstance(frame, str):
        return frame
    return json.dumps(frame, ensure_ascii=False).replace(THREAD, str(people.ids["thread"]))


async def answered(live: Live) -> str:
    """The code of the next error frame."""
    error = await live.next("error")
    return str(error["code"])


class FrozenClock:
    """What the rate windows read as the time: still until moved."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


async def test_each_bad_frame_gets_an_error_frame_with_its_code_stores_nothing_and_the_socket_goes_on(
    people: People, projector: Any, connect: Connect
) -> None:
    hostile = await connect("staff_tn")
    bystander = await connect("partner_tn")
    await bystander.subscribe(people.thread)
    stored = await stored_head(people)
    codes = {}
    for label, frame, _ in BAD_FRAMES:
        await hostile.send(text_of(people, frame))
        codes[label] = await answered(hostile)
    await hostile.communicator.send_to(bytes_data=b"\x00\x01binary")
    codes["a binary frame"] = await answered(hostile)
    assert codes == {label: code for label, _, code in BAD_FRAMES} | {"a binary frame": "malformed"}
    assert await stored_head(people) == stored

    # Still usable, and the server still serves everyone.
    ack = await hostile.command("message.post", {"thread_id": str(people.ids["thread"]), "text": "still"})
    assert ack["type"] == "ack"
    [event] = await bystander.events(people.thread, 1)
    assert event["position"] == ack["position"]


async def test_a_frame_of_exactly_64_kib_is_read(people: People, connect: Connect) -> None:
    live = await connect("staff_tn")
    frame = json.dumps({"type": "subscribe", "stream": "user:me", "after": None})
    padded = frame[:-1] + " " * (protocol.MAX_FRAME_BYTES - len(frame)) + "}"
    assert len(padded.encode()) == protocol.MAX_FRAME_BYTES
    await live.send(padded)
    assert (await live.next("subscribed"))["stream"] == "user:me"


async def test_the_twenty_first_command_within_one_second_is_refused_and_not_run(
    people: People, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock()
    monkeypatch.setattr(consumers, "time", clock)  # the 21 commands all come within one second
    live = await connect("staff_tn")
    thread = str(people.ids["thread"])
    limit = protocol.COMMANDS_PER_SECOND
    answers = [await live.command("typing", {"thread_id": thread}) for _ in range(limit)]
    assert {a["type"] for a in answers} == {"ack"}
    stored = await stored_head(people)
    refused = await live.command("message.post", {"thread_id": thread, "text": "one too many"})
    assert (refused["type"], refused["code"]) == ("error", "rate_limited")
    assert await stored_head(people) == stored
    # Other frames have a window of their own; a second later commands run again.
    await live.send({"type": "ping", "id": "p"})
    assert (await live.next("pong"))["id"] == "p"
    clock.now += 1.0
    accepted = await live.command("message.post", {"thread_id": thread, "text": "a second later"})
    assert accepted["type"] == "ack"
    assert await stored_head(people) == accepted["position"] > stored


async def test_more_than_fifty_other_frames_within_one_second_are_ignored(
    people: People, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumers, "time", FrozenClock())
    live = await connect("staff_tn")
    limit = protocol.OTHER_FRAMES_PER_SECOND
    for n in range(limit + 1):
        await live.send({"type": "ping", "id": n})
    pongs = [await live.next("pong") for _ in range(limit)]
    assert [p["id"] for p in pongs] == list(range(limit))
    assert (await live.next("error"))["code"] == "rate_limited"


async def test_a_subscription_over_the_socket_limit_is_refused_and_the_others_go_on(
    people: People, projector: Any, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "MAX_SUBSCRIPTIONS", 2)
    live = await connect("staff_tn")
    assert (await live.subscribe(people.thread))["type"] == "subscribed"
    assert (await live.subscribe("user:me"))["type"] == "subscribed"
    refused = await live.subscribe(people.workspace)
    assert (refused["type"], refused["code"]) == ("error", "too_many_subscriptions")
    assert (await live.subscribe(people.thread))["type"] == "subscribed"  # replacing one is fine
    position = await database_sync_to_async(people.post)("partner_tn", "the thread goes on")
    [event] = await live.events(people.thread, 1)
    assert event["position"] == position
