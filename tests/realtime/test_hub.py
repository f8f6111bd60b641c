"""The hub of a server process and the channel layer (realtime/hub.py), without
sockets or a database: when it must ask its subscriptions to resubscribe, and how
it comes up while Redis is away."""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from typing import Any

from channels.layers import InMemoryChannelLayer

from realtime import access
from realtime.groups import live_items_group
from realtime.hub import TICK, Hub, LocalSocket, Subscription
from realtime.transport import direct_writer


class LayerBackAfter(InMemoryChannelLayer):
    """An in-memory layer whose first ``failures`` group joins fail, as Redis restarting."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def group_add(self, group: str, channel: str) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("Connection refused")
        await super().group_add(group, channel)


def live_subscription(socket: LocalSocket) -> Subscription:
    ref = access.parse_stream(f"thread:{uuid.uuid4()}", socket.user_id)
    subscription = socket.begin(ref, None)
    socket.release(subscription)  # caught up, live
    return subscription


async def frames_of(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    await asyncio.sleep(0.05)  # let the writer tasks run
    return [json.loads(message["text"]) for message in sent]


async def test_a_hub_started_while_redis_is_away_joins_the_live_items_once_it_is_back() -> None:
    layer = LayerBackAfter(failures=3)
    hub = Hub(asyncio.get_running_loop(), layer)
    hub.start()
    try:
        await asyncio.wait_for(hub.ready.wait(), 10)
        assert hub.channel in layer.groups[live_items_group()]
    finally:
        await hub.close()


async def test_only_subscriptions_older_than_the_hub_resubscribe_when_it_first_hears_the_projector() -> None:
    hub = Hub(asyncio.get_running_loop(), InMemoryChannelLayer())
    early_sent: list[dict[str, Any]] = []
    later_sent: list[dict[str, Any]] = []

    async def early_send(message: dict[str, Any]) -> None:
        early_sent.append(message)

    async def later_send(message: dict[str, Any]) -> None:
        later_sent.append(message)

    early = hub.attach(early_send, "early")
    early_subscription = live_subscription(early)  # before the hub is in the live items group
    hub.start()
    try:
        await asyncio.wait_for(hub.ready.wait(), 10)
        later = hub.attach(later_send, "later")
        live_subscription(later)
        hub._on_message({"type": TICK, "publisher": "projector-term-1", "seq": 7})
        assert await frames_of(early_sent) == [
            {
                "type": "resubscribe",
                "stream": early_subscription.ref.label,
                "after": 0,
                "reason": "interrupted",
            }
        ]
        assert await frames_of(later_sent) == []
        # A new projector term later: nobody can know what the last one did not push.
        hub._on_message({"type": TICK, "publisher": "projector-term-2", "seq": 0})
        assert [f["type"] for f in await frames_of(later_sent)] == ["resubscribe"]
    finally:
        await hub.close()


class FakeDaphneProtocol:
    """What the hub uses of Daphne's WebSocket protocol (autobahn's states and sendMessage)."""

    STATE_OPEN = 3
    STATE_CLOSED = 4

    def __init__(self) -> None:
        self.state = self.STATE_OPEN
        self.written: list[str] = []

    def sendMessage(self, payload: bytes, is_binary: bool) -> None:  # autobahn's name
        assert not is_binary
        self.written.append(payload.decode())


class SessionWrapper:
    """Channels' InstanceSessionWrapper: its send calls ``real_send``."""

    def __init__(self, real_send: Any) -> None:
        self.real_send = real_send

    async def send(self, message: dict[str, Any]) -> None:
        await self.real_send(message)


def daphne_send(protocol: FakeDaphneProtocol, asgi_sent: list[str]) -> Any:
    """An ASGI send as Daphne builds it (a partial of the server's handle_reply), wrapped by Channels."""

    async def handle_reply(protocol: FakeDaphneProtocol, message: dict[str, Any]) -> None:
        asgi_sent.append(message["text"])
        protocol.written.append(message["text"])

    return SessionWrapper(functools.partial(handle_reply, protocol)).send


async def test_a_live_frame_goes_straight_to_daphnes_protocol_when_nothing_waits_for_that_socket() -> None:
    hub = Hub(asyncio.get_running_loop(), None)
    protocol, asgi_sent = FakeDaphneProtocol(), []
    send = daphne_send(protocol, asgi_sent)
    socket = hub.attach(send, "u", direct=direct_writer(send))
    socket.push('{"n":1}')
    assert protocol.written == ['{"n":1}'] and asgi_sent == []  # written at once, no task
    # Something queued ahead (a writer running): later frames queue behind it, in order.
    socket.direct = None
    socket.push('{"n":2}')
    socket.direct = direct_writer(send)
    socket.push('{"n":3}')
    await asyncio.sleep(0.05)
    assert protocol.written == ['{"n":1}', '{"n":2}', '{"n":3}']
    assert asgi_sent == ['{"n":2}', '{"n":3}']


async def test_a_socket_no_longer_open_is_written_through_the_asgi_send_which_drops_it() -> None:
    hub = Hub(asyncio.get_running_loop(), None)
    protocol, asgi_sent = FakeDaphneProtocol(), []
    send = daphne_send(protocol, asgi_sent)
    socket = hub.attach(send, "u", direct=direct_writer(send))
    protocol.state = protocol.STATE_CLOSED
    socket.push('{"n":1}')
    await asyncio.sleep(0.05)
    assert asgi_sent == ['{"n":1}']  # Daphne's handle_reply decides (it drops frames of closed sockets)


def test_other_servers_get_no_direct_writer() -> None:
    async def send(message: dict[str, Any]) -> None:
        return None

    assert direct_writer(send) is None


class FakeTransport:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


class FakeAutobahnProtocol(FakeDaphneProtocol):
    """With autobahn's sending state: nothing compressed, nothing half-sent."""

    SEND_STATE_GROUND = 0

    def __init__(self) -> None:
        super().__init__()
        self._perMessageCompress = None
        self.send_queue: list[Any] = []
        self.send_state = self.SEND_STATE_GROUND
        self.transport = FakeTransport()


def test_a_live_frame_is_written_to_the_transport_as_websocket_framing_requires() -> None:
    from websockets.frames import Frame, Opcode

    protocol = FakeAutobahnProtocol()
    write = direct_writer(daphne_send(protocol, []))
    assert write is not None
    texts = ['{"n":1}', "س" * 200, "x" * 70_000]  # 7-bit, 16-bit and 64-bit lengths
    for text in texts:
        assert write(text)
    expected = b"".join(Frame(Opcode.TEXT, t.encode()).serialize(mask=False, extensions=[]) for t in texts)
    assert protocol.transport.data == expected and protocol.written == []
    # Compression negotiated, or autobahn has something queued: autobahn frames it.
    protocol._perMessageCompress = object()  # type: ignore[assignment]
    assert write('{"n":2}') and protocol.written == ['{"n":2}']
