"""Fuzzed frames (hypothesis): whatever a client sends, the server answers with a
well-formed frame, keeps the connection, and stores nothing.

The frames are generated around the protocol's shape (every frame type, every
command name, arguments of any JSON type, unknown types, text that is not JSON at
all) and carry no id of a real resource, so no command may succeed.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime import protocol
from realtime.commands import NAMES
from tests.realtime.conftest import People

ANSWERS = {"error", "ack", "subscribed", "unsubscribed", "event", "pong", "presence", "typing", "resubscribe"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
streams = st.one_of(
    st.sampled_from(["feed:all", "user:me", "thread:", "workspace:x", "feed:commission:", "thread:../.."]),
    st.uuids().map(lambda u: f"thread:{u}"),
    st.text(max_size=130),
    json_values,
)
command_names = st.one_of(st.sampled_from(NAMES), st.text(max_size=30), json_values)
frames = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("subscribe"), "stream": streams},
        optional={"after": json_values | st.integers(min_value=-(2**70), max_value=2**70)},
    ),
    st.fixed_dictionaries({"type": st.just("unsubscribe"), "stream": streams}),
    st.fixed_dictionaries(
        {"type": st.just("command"), "name": command_names},
        optional={
            "id": st.text(max_size=90) | json_values,
            "args": st.dictionaries(
                st.sampled_from(
                    [
                        "thread_id",
                        "message_id",
                        "workspace_id",
                        "text",
                        "title",
                        "resource_kind",
                        "resource_id",
                        "expected_version",
                    ]
                )
                | st.text(max_size=12),
                json_values | st.uuids().map(str),
                max_size=5,
            )
            | json_values,
        },
    ),
    st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    json_values,
)
raw_texts = st.one_of(
    frames.map(json.dumps), st.text(min_size=1, max_size=200), st.binary(max_size=100).map(repr)
)


@given(text=raw_texts)
def test_parsing_any_text_gives_a_frame_or_a_protocol_error_never_a_crash(text: str) -> None:
    try:
        frame = protocol.parse(text)
    except protocol.ProtocolError as error:
        answer = json.loads(error.frame())
        assert answer["type"] == "error"
        assert answer["code"] and answer["detail"]
    else:
        assert isinstance(frame, protocol.Subscribe | protocol.Unsubscribe | protocol.Command | protocol.Ping)


@pytest.mark.django_db(transaction=True)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fuzz=st.lists(raw_texts, min_size=1, max_size=5))
async def test_a_socket_fed_fuzzed_frames_answers_each_stays_open_and_stores_nothing(
    people: People, connect: Any, fuzz: list[str]
) -> None:
    head = await database_sync_to_async(people.app.recorder.max_notification_id)()
    live = await connect("staff_tn")
    for text in fuzz:
        await live.send(text)
    # The socket still answers, and everything before the pong was a known frame type.
    ping = uuid.uuid4().hex
    await live.send({"type": "ping", "id": ping})
    while True:
        frame = await live.frame()
        assert frame["type"] in ANSWERS, frame
        if frame["type"] == "error":
            assert isinstance(frame["code"], str) and isinstance(frame["detail"], str)
        if frame == {"type": "pong", "id": ping}:
            break
    await live.close()
    assert await database_sync_to_async(people.app.recorder.max_notification_id)() == head
