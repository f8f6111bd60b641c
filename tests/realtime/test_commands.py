"""Commands over the socket: the same use cases as REST, acked once stored, idempotent
by their id; typing and presence are ephemeral and never stored.

docs/protocol.md, "Commands" and "Presence and typing".
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.realtime.conftest import Connect, Live, People, rest, stored_head

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]


def in_thread(people: People, text: str, **more: Any) -> dict[str, Any]:
    return {"thread_id": str(people.ids["thread"]), "text": text, **more}


async def events_of(live: Live, stream: str, count: int) -> list[dict[str, Any]]:
    """The first ``count`` events of ``stream`` on this socket, counting those that came
    while the test waited for acks."""
    while len(found := [f for f in live.seen if f.get("type") == "event" and f["stream"] == stream]) < count:
        await live.frame()
    return found[:count]


async def test_a_message_posted_over_the_socket_is_acked_with_its_position_and_reaches_rest_and_other_sockets(
    people: People, projector: Any, connect: Connect
) -> None:
    author = await connect("staff_tn")
    reader = await connect("partner_tn")
    await reader.subscribe(people.thread)
    ack = await author.command("message.post", in_thread(people, "مرحبا من المقبس"))
    assert ack["type"] == "ack"
    assert ack["position"] == await stored_head(people)
    assert (ack["kind"], ack["version"]) == ("message", 1)
    [event] = await reader.events(people.thread, 1)
    assert (event["position"], event["data"]["id"]) == (ack["position"], ack["object_id"])
    listed = await rest(people, "partner_tn", "get", f"/api/v1/threads/{people.ids['thread']}/messages/")
    assert listed.json()["results"][0]["id"] == ack["object_id"]
    assert listed.json()["results"][0]["text"] == "مرحبا من المقبس"


async def test_repeating_a_command_with_the_same_id_answers_the_first_ack_and_stores_one_event(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("staff_tn")
    first = await live.command("message.post", in_thread(people, "once"), id="0b7e5c1a-retry")
    stored = await stored_head(people)
    await live.close()  # the network drops before the client saw the ack; it sends again
    again = await connect("staff_tn")
    repeated = await again.command("message.post", in_thread(people, "once"), id="0b7e5c1a-retry")
    assert repeated == first
    assert await stored_head(people) == stored == first["position"]


async def test_the_same_id_with_other_arguments_is_refused_and_stores_nothing(
    people: People, connect: Connect
) -> None:
    live = await connect("staff_tn")
    await live.command("message.post", in_thread(people, "first"), id="key-1")
    stored = await stored_head(people)
    refused = await live.command("message.post", in_thread(people, "second"), id="key-1")
    assert (refused["type"], refused["code"]) == ("error", "idempotency_key_reused")
    assert await stored_head(people) == stored


async def test_command_ids_are_scoped_to_each_person(people: People, connect: Connect) -> None:
    staff, partner = await connect("staff_tn"), await connect("partner_tn")
    mine = await staff.command("message.post", in_thread(people, "same id, staff"), id="42")
    theirs = await partner.command("message.post", in_thread(people, "same id, partner"), id="42")
    assert mine["type"] == theirs["type"] == "ack"
    assert mine["object_id"] != theirs["object_id"]


async def test_editing_and_retracting_over_the_socket_reach_readers_and_rest(
    people: People, projector: Any, connect: Connect
) -> None:
    author = await connect("staff_tn")
    reader = await connect("partner_tn")
    await reader.subscribe(people.thread)
    posted = await author.command("message.post", in_thread(people, "draft"))
    edited = await author.command(
        "message.edit",
        {"message_id": posted["object_id"], "text": "final", "expected_version": posted["version"]},
    )
    assert (edited["type"], edited["version"]) == ("ack", 2)
    retracted = await author.command(
        "message.retract", {"message_id": posted["object_id"], "expected_version": edited["version"]}
    )
    assert (retracted["type"], retracted["version"]) == ("ack", 3)
    events = await reader.events(people.thread, 3)
    assert [e["kind"] for e in events] == ["message.posted", "message.edited", "message.retracted"]
    assert [e["position"] for e in events] == [posted["position"], edited["position"], retracted["position"]]
    assert events[1]["data"]["text"] == "final" and events[1]["data"]["edited"] is True
    assert events[2]["data"]["retracted"] is True
    shown = await rest(people, "partner_tn", "get", f"/api/v1/messages/{posted['object_id']}/")
    assert shown.json()["retracted"] is True


async def test_an_edit_with_a_stale_version_is_refused_with_conflict_and_stores_nothing(
    people: People, connect: Connect
) -> None:
    live = await connect("staff_tn")
    posted = await live.command("message.post", in_thread(people, "v1"))
    await live.command("message.edit", {"message_id": posted["object_id"], "text": "v2"})
    stored = await stored_head(people)
    stale = await live.command(
        "message.edit",
        {"message_id": posted["object_id"], "text": "lost update", "expected_version": posted["version"]},
    )
    assert (stale["type"], stale["code"]) == ("error", "conflict")
    assert await stored_head(people) == stored


async def test_only_the_author_edits_or_retracts_a_message(people: People, connect: Connect) -> None:
    author, other = await connect("staff_tn"), await connect("partner_tn")
    posted = await author.command("message.post", in_thread(people, "mine"))
    stored = await stored_head(people)
    edit = await other.command("message.edit", {"message_id": posted["object_id"], "text": "yours now"})
    retract = await other.command("message.retract", {"message_id": posted["object_id"]})
    assert [(a["type"], a["code"]) for a in (edit, retract)] == [("error", "forbidden")] * 2
    assert await stored_head(people) == stored


async def test_starting_a_thread_over_the_socket_reaches_workspace_subscribers(
    people: People, projector: Any, connect: Connect
) -> None:
    member = await connect("partner_tn")
    await member.subscribe(people.workspace)
    starter = await connect("staff_tn")
    started = await starter.command(
        "thread.start", {"workspace_id": str(people.ids["workspace"]), "title": "الميزانية / Budget"}
    )
    assert (started["type"], started["kind"]) == ("ack", "thread")
    [event] = await member.events(people.workspace, 1)
    assert (event["kind"], event["position"]) == ("thread.started", started["position"])
    assert event["data"]["id"] == started["object_id"]
    assert event["data"]["title"] == "الميزانية / Budget"
    # The new thread takes messages over the socket at once.
    posted = await starter.command("message.post", {"thread_id": started["object_id"], "text": "first"})
    assert posted["type"] == "ack"


async def test_commenting_over_the_socket_posts_the_comment_that_rest_lists(
    people: People, projector: Any, connect: Connect
) -> None:
    live = await connect("staff_tn")
    commission = str(people.ids["tn"])
    await live.subscribe(f"feed:commission:{commission}")
    ack = await live.command(
        "comment.post", {"resource_kind": "commission", "resource_id": commission, "text": "تعليق / comment"}
    )
    assert (ack["type"], ack["kind"]) == ("ack", "comment")
    [event] = await events_of(live, f"feed:commission:{commission}", 1)
    assert event["position"] == ack["position"]
    listed = await rest(
        people, "staff_tn", "get", f"/api/v1/comments/?resource_kind=commission&resource_id={commission}"
    )
    assert [c["id"] for c in listed.json()["results"]] == [ack["object_id"]]


@pytest.mark.parametrize(
    ("name", "args", "errors"),
    [
        ("message.post", {"text": "no thread"}, {"thread_id"}),
        ("message.post", {"thread_id": "THREAD", "text": 5}, {"text"}),
        ("message.post", {"thread_id": "THREAD", "text": "hi", "colour": "red"}, {"colour"}),
        ("message.post", {"thread_id": "THREAD", "text": "hi", "mentions": "everyone"}, {"mentions"}),
        (
            "message.edit",
            {"message_id": "THREAD", "text": "x", "expected_version": "2"},
            {"expected_version"},
        ),
        ("message.post", {"thread_id": "THREAD", "text": "   "}, {"text"}),
        ("thread.start", {"workspace_id": 7, "title": "t"}, {"workspace_id"}),
        ("typing", {"thread_id": "THREAD", "mood": "happy"}, {"mood"}),
    ],
)
async def test_wrong_arguments_are_refused_as_invalid_with_errors_per_argument_and_store_nothing(
    people: People, connect: Connect, name: str, args: dict[str, Any], errors: set[str]
) -> None:
    live = await connect("staff_tn")
    args = {key: str(people.ids["thread"]) if value == "THREAD" else value for key, value in args.items()}
    stored = await stored_head(people)
    answer = await live.command(name, args)
    assert (answer["type"], answer["code"]) == ("error", "invalid"), answer
    assert set(answer["errors"]) == errors
    assert await stored_head(people) == stored


async def test_a_command_on_something_that_does_not_exist_is_not_found(
    people: People, connect: Connect
) -> None:
    live = await connect("staff_tn")
    answer = await live.command(
        "message.post", {"thread_id": "9d2c7e4a-0000-4000-8000-000000000000", "text": "into the void"}
    )
    assert (answer["type"], answer["code"]) == ("error", "not_found")


async def test_typing_reaches_the_other_sockets_of_the_thread_not_the_sender_and_is_never_stored(
    people: People, projector: Any, connect: Connect
) -> None:
    typist = await connect("staff_tn")
    await typist.subscribe(people.thread)
    watcher = await connect("partner_tn")
    await watcher.subscribe(people.thread)
    stored = await stored_head(people)
    ack = await typist.command("typing", {"thread_id": str(people.ids["thread"])})
    assert (ack["type"], ack["position"]) == ("ack", None)
    typing = await watcher.next("typing", stream=people.thread)
    assert typing["user_id"] == people.user_id("staff_tn")
    # The typist's own socket is not told; a ping answered shows nothing was queued before.
    await typist.send({"type": "ping", "id": "after-typing"})
    await typist.next("pong", id="after-typing")
    assert not [f for f in typist.seen if f["type"] == "typing"]
    assert await stored_head(people) == stored


async def test_presence_lists_who_is_in_the_workspace_changes_as_people_leave_and_is_never_stored(
    people: People, projector: Any, connect: Connect
) -> None:
    alone = [people.user_id("partner_tn")]
    partner = await connect("partner_tn")
    await partner.subscribe(people.workspace)
    assert (await partner.next("presence", stream=people.workspace))["present"] == alone
    stored = await stored_head(people)
    staff = await connect("staff_tn")
    await staff.subscribe(people.workspace)
    both = sorted([people.user_id("partner_tn"), people.user_id("staff_tn")])
    assert (await staff.next("presence", stream=people.workspace))["present"] == both
    assert (await partner.next("presence", stream=people.workspace))["present"] == both
    await staff.close()
    assert (await partner.next("presence", stream=people.workspace))["present"] == alone
    assert await stored_head(people) == stored


async def test_while_the_database_is_away_a_command_or_subscribe_gets_unavailable_and_the_socket_stays(
    people: People, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from realtime import backlog, commands

    def database_away(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    live = await connect("staff_tn")
    stored = await stored_head(people)
    with monkeypatch.context() as patched:
        patched.setattr(commands, "run", database_away)
        patched.setattr(backlog, "open_stream", database_away)
        refused = await live.command("message.post", in_thread(people, "while away"), id="away-1")
        assert (refused["type"], refused["code"], refused["id"]) == ("error", "unavailable", "away-1")
        assert "same id" in refused["detail"]
        subscribing = await live.subscribe(people.thread)
        assert (subscribing["type"], subscribing["code"]) == ("error", "unavailable")
    # Back: the same command id now takes effect, once; the socket was never closed.
    ack = await live.command("message.post", in_thread(people, "while away"), id="away-1")
    assert ack["type"] == "ack" and ack["position"] == await stored_head(people) > stored
    assert (await live.subscribe(people.thread))["type"] == "subscribed"
