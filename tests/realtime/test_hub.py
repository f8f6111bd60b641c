"""The hub of a server process and the channel layer (realtime/hub.py), without
sockets or a database: when it must ask its subscriptions to resubscribe, and how
it comes up while Redis is away."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from channels.layers import InMemoryChannelLayer

from realtime import access
from realtime.groups import live_items_group
from realtime.hub import TICK, Hub, LocalSocket, Subscription


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


async def test_only_subscriptions_made_before_the_hub_joined_resubscribe_when_it_first_hears_the_projector(
) -> None:
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
        assert await frames_of(early_sent) == [{"type": "resubscribe", "stream": early_subscription.ref.label,
                                                "after": 0, "reason": "interrupted"}]
        assert await frames_of(later_sent) == []
        # A new projector term later: nobody can know what the last one did not push.
        hub._on_message({"type": TICK, "publisher": "projector-term-2", "seq": 0})
        assert [f["type"] for f in await frames_of(later_sent)] == ["resubscribe"]
    finally:
        await hub.close()
