"""Who may open a socket, read a stream and run a command: events/policy.py's rules, as
docs/protocol.md states them ("Connecting and authentication", "Streams", "Losing
access"). A refusal is an error frame; the connection stays open.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.realtime.conftest import Connect, People, cid, stored_head

pytestmark = [pytest.mark.both_backends, pytest.mark.django_db(transaction=True)]

# The Tunisian workspace's members are staff_tn (its creator) and partner_tn.
STREAMS = (
    "thread",
    "workspace",
    "feed:commission:TN",
    "feed:commission:MA",
    "feed:all",
    "user:me",
    "user:<another>",
)
Y, N = "subscribed", "forbidden"
READERS = {
    "secretariat": (Y, Y, Y, Y, Y, Y, N),
    "auditor": (Y, Y, Y, Y, Y, Y, N),
    "sg_tn": (N, N, Y, N, N, Y, N),
    "staff_tn": (Y, Y, Y, N, N, Y, N),
    "staff_ma": (N, N, N, Y, N, Y, N),
    "partner_tn": (Y, Y, N, N, N, Y, N),
    "outsider": (N, N, N, N, N, Y, N),
}

COMMANDS = ("message.post", "thread.start", "typing", "comment.post", "message.edit")
A = "ack"
DOERS = {
    # Only the workspace's members take part in it; only its author edits a message;
    # anyone who writes may comment on a (public) commission; auditors never write.
    "secretariat": (N, N, N, A, N),
    "auditor": (N, N, N, N, N),
    "sg_tn": (N, N, N, A, N),
    "staff_tn": (A, A, A, A, A),
    "staff_ma": (N, N, N, A, N),
    "partner_tn": (A, A, A, A, N),
    "outsider": (N, N, N, N, N),
}


def stream_named(people: People, name: str, role: str) -> str:
    another = "auditor" if role == "secretariat" else "secretariat"
    return {
        "thread": people.thread,
        "workspace": people.workspace,
        "feed:commission:TN": f"feed:commission:{people.ids['tn']}",
        "feed:commission:MA": f"feed:commission:{people.ids['ma']}",
        "user:<another>": f"user:{people.user_id(another)}",
    }.get(name, name)


async def test_each_role_reads_exactly_the_streams_the_policy_allows(
    people: People, connect: Connect
) -> None:
    found: dict[str, tuple[str, ...]] = {}
    for role in READERS:
        live = await connect(role)
        answers = []
        for name in STREAMS:
            answer = await live.subscribe(stream_named(people, name, role))
            answers.append(answer["type"] if answer["type"] == "subscribed" else answer["code"])
        found[role] = tuple(answers)
        # Refusals leave the connection open and working.
        await live.send({"type": "ping", "id": "still-open"})
        assert (await live.next("pong", id="still-open"))["type"] == "pong"
        await live.close()
    assert found == READERS


async def test_each_role_runs_exactly_the_commands_the_policy_allows(
    people: People, connect: Connect
) -> None:
    thread, workspace = str(people.ids["thread"]), str(people.ids["workspace"])
    message = await database_sync_to_async(people.app.post_message)(
        people.actors["staff_tn"], command_id=cid(), thread_id=people.ids["thread"], text="by staff_tn"
    )
    arguments = {
        "message.post": {"thread_id": thread, "text": "hello"},
        "thread.start": {"workspace_id": workspace, "title": "a thread"},
        "typing": {"thread_id": thread},
        "comment.post": {"resource_kind": "commission", "resource_id": str(people.ids["tn"]), "text": "+1"},
        "message.edit": {"message_id": str(message.id), "text": "edited"},
    }
    found: dict[str, tuple[str, ...]] = {}
    for role in DOERS:
        live = await connect(role)
        answers = []
        for name in COMMANDS:
            stored = await stored_head(people)
            answer = await live.command(name, arguments[name])
            answers.append(answer["type"] if answer["type"] == "ack" else answer["code"])
            if answer["type"] == "error":
                assert await stored_head(people) == stored, (role, name)
        found[role] = tuple(answers)
        await live.close()
    assert found == DOERS


async def test_streams_of_things_that_do_not_exist_are_not_found(people: People, connect: Connect) -> None:
    live = await connect("secretariat")
    missing = "0b7e5c1a-8c55-4c7e-9d43-2a3f6f1b8e10"
    for stream in (f"thread:{missing}", f"workspace:{missing}", f"feed:commission:{missing}"):
        answer = await live.subscribe(stream)
        assert (answer["type"], answer["code"]) == ("error", "not_found"), stream


async def test_a_program_with_a_token_may_connect_without_an_origin(people: People, connect: Connect) -> None:
    live = await connect("staff_tn", origin=None)
    assert live.seen[0]["user_id"] == people.user_id("staff_tn")


async def test_a_browser_connects_with_its_session_cookie_from_a_served_origin(
    people: People, connect: Connect
) -> None:
    session = await signed_in_session(people, "partner_tn")
    live = await connect(None, session=session)
    assert live.seen[0]["user_id"] == people.user_id("partner_tn")
    assert (await live.subscribe(people.thread))["type"] == "subscribed"


@pytest.mark.parametrize(
    "refused",
    [
        "anonymous",
        "session cookie from a foreign origin",
        "session cookie without an origin",
        "token from a foreign origin",
        "unknown token",
        "another scheme",
    ],
)
async def test_these_handshakes_are_refused(people: People, connect: Connect, refused: str) -> None:
    options: dict[str, Any] = {
        "anonymous": {"role": None},
        "session cookie from a foreign origin": {"role": None, "origin": "https://evil.example"},
        "session cookie without an origin": {"role": None, "origin": None},
        "token from a foreign origin": {"role": "secretariat", "origin": "https://evil.example"},
        "unknown token": {"role": None, "token": "Token 0123456789abcdef0123456789abcdef01234567"},
        "another scheme": {"role": None, "token": f"Bearer {people.tokens['secretariat']}"},
    }[refused]
    if options["role"] is None and "token" not in options and refused != "anonymous":
        options["session"] = await signed_in_session(people, "secretariat")
    connected, _ = await connect(options.pop("role"), expect_refusal=True, **options)
    assert connected is False  # closed before accepting: Daphne answers HTTP 403 (test_processes.py)


async def test_a_revoked_token_or_a_deactivated_account_can_no_longer_connect(
    people: People, connect: Connect
) -> None:
    await database_sync_to_async(Token.objects.filter(key=people.tokens["staff_tn"]).delete)()
    assert (await connect("staff_tn", expect_refusal=True))[0] is False
    user = people.users["partner_tn"]
    user.is_active = False
    await database_sync_to_async(user.save)()
    assert (await connect("partner_tn", expect_refusal=True))[0] is False


async def test_removed_from_a_workspace_while_subscribed_ends_those_streams_and_keeps_the_connection(
    people: People, projector: Any, connect: Connect
) -> None:
    partner = await connect("partner_tn")
    for stream in (people.thread, people.workspace, "user:me"):
        assert (await partner.subscribe(stream))["type"] == "subscribed"
    await database_sync_to_async(people.app.remove_workspace_member)(
        people.actors["staff_tn"],
        command_id=cid(),
        workspace_id=people.ids["workspace"],
        user_id=people.user_id("partner_tn"),
    )
    ended = {(await partner.next("unsubscribed", timeout=15, reason="forbidden"))["stream"] for _ in range(2)}
    assert ended == {people.thread, people.workspace}
    errors = [f for f in partner.seen if f["type"] == "error"]
    assert {(f["stream"], f["code"]) for f in errors} == {
        (people.thread, "forbidden"),
        (people.workspace, "forbidden"),
    }
    # Messages posted after the removal do not reach them; their user stream goes on.
    removed_at = await stored_head(people)
    await database_sync_to_async(people.post)("staff_tn", "after the removal")
    mentioned = await database_sync_to_async(people.app.add_workspace_member)(
        people.actors["staff_tn"],
        command_id=cid(),
        workspace_id=people.ids["workspace"],
        user_id=people.user_id("partner_tn"),
    )
    added = await partner.next("event", timeout=15, stream="user:me", kind="workspace.member_added")
    assert added["position"] == mentioned.position
    assert not [
        f
        for f in partner.seen
        if f["type"] == "event" and f["stream"] != "user:me" and f["position"] > removed_at
    ]
    # And they may subscribe again now that they are back.
    assert (await partner.subscribe(people.workspace))["type"] == "subscribed"


async def signed_in_session(people: People, role: str) -> str:
    """The session cookie of a browser signed in as ``role``."""

    def sign_in() -> str:
        client = Client()
        client.force_login(people.users[role])
        return str(client.cookies[settings.SESSION_COOKIE_NAME].value)

    return await database_sync_to_async(sign_in)()
