"""Hands the projector's live items to the hubs, after each commit.

- Embedded default (in-memory layer): the projector is a thread of the server
  process; its items go to this process's hub on the hub's event loop
  (``loop.call_soon_threadsafe``). No layer, nothing can be lost on the way.
- Channel layer (channels-redis): the projector may be another process. Each
  batch is sent **once** to the ``live.items`` group (in chunks), which holds
  one channel per server process (its hub), with a sequence number per
  projector term; a heartbeat with the last number goes out every second while
  this projector leads. A hub that sees a number skipped (a full channel, a
  Redis restart, a send that failed) or a new term tells its sockets to
  resubscribe: clients then read what they missed from the stored items.

Publishing never blocks the projector on Redis: messages wait in a bounded
queue for a sender thread; when that queue is full the oldest message is
dropped, which the sequence numbers make visible to the hubs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from channels.layers import BaseChannelLayer, InMemoryChannelLayer, channel_layers, get_channel_layer

from projections.base import LiveItem
from realtime.groups import live_items_group
from realtime.hub import BATCH, TICK, running_hub

logger = logging.getLogger(__name__)

CHUNK = 200
HEARTBEAT = 1.0
QUEUE_MAX = 2000


class LocalPublisher:
    """Embedded default: items go straight to this process's hub."""

    def __init__(self) -> None:
        self.leading: Callable[[], bool] = lambda: True

    def __call__(self, items: Sequence[LiveItem]) -> None:
        hub = running_hub()
        if hub is None or not items:
            return  # no socket in this process yet: subscribers will read the stored items
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            hub.loop.call_soon_threadsafe(hub.deliver, list(items))

    def close(self) -> None:
        """Nothing to stop."""


class LayerPublisher:
    """Production: items go once per batch to every process's hub through the layer."""

    def __init__(self, layer: BaseChannelLayer | None = None, *, heartbeat: float = HEARTBEAT) -> None:
        # A layer instance of our own: it lives on the sender thread's event loop.
        self.layer: BaseChannelLayer = layer or channel_layers.make_backend("default")
        self.leading: Callable[[], bool] = lambda: True
        self.heartbeat = heartbeat
        self.term = uuid.uuid4().hex
        self.seq = 0
        self.sent = 0
        self.failed = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._lost_lead = False
        # The term and number of the last message queued (read by the heartbeat).
        self._queued: tuple[str, int] = (self.term, 0)
        self._loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-publisher", daemon=True)
        self._thread.start()
        self._ready.wait(5)

    # --- from the projector thread ---------------------------------------------------------

    def __call__(self, items: Sequence[LiveItem]) -> None:
        if not items:
            return
        with self._lock:
            if self._lost_lead:
                self._new_term()
            messages = []
            for start in range(0, len(items), CHUNK):
                self.seq += 1
                messages.append({
                    "type": BATCH,
                    "publisher": self.term,
                    "seq": self.seq,
                    "items": [
                        [item.position, item.kind, item.data, list(item.streams)]
                        for item in items[start:start + CHUNK]
                    ],
                })
            # Queued under the lock: the sender sends in sequence order.
            self._loop.call_soon_threadsafe(self._put, messages)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        future = asyncio.run_coroutine_threadsafe(self._drain_and_stop(), self._loop)
        with contextlib.suppress(Exception):
            future.result(5)
        self._thread.join(5)

    # --- on the sender thread ------------------------------------------------------------------

    def _new_term(self) -> None:
        self.term = uuid.uuid4().hex
        self.seq = 0
        self._lost_lead = False

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._queue = asyncio.Queue()
        sender = self._loop.create_task(self._send())
        beat = self._loop.create_task(self._beat())
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            for task in (sender, beat):
                task.cancel()
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(asyncio.gather(sender, beat, return_exceptions=True))
            close_pools = getattr(self.layer, "close_pools", None)
            if close_pools is not None:
                with contextlib.suppress(Exception):
                    self._loop.run_until_complete(close_pools())
            self._loop.close()

    def _put(self, messages: list[dict[str, Any]]) -> None:
        assert self._queue is not None
        for message in messages:
            if self._queue.qsize() >= QUEUE_MAX:
                self._queue.get_nowait()
                self.dropped += 1
            self._queue.put_nowait(message)
            self._queued = (message["publisher"], message["seq"])

    async def _send(self) -> None:
        assert self._queue is not None
        while True:
            message = await self._queue.get()
            try:
                await self.layer.group_send(live_items_group(), message)
                self.sent += 1
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Lost: the next message's number (or the heartbeat) tells the hubs.
                self.failed += 1
                logger.warning("Live items message %s not sent: %s", message.get("seq"), error)
            finally:
                self._queue.task_done()

    async def _beat(self) -> None:
        assert self._queue is not None
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                leading = self.leading()
            except Exception:
                leading = False
            with self._lock:
                if not leading:
                    self._lost_lead = True
                    continue
                if self._lost_lead:
                    self._new_term()
                term, seq = self._queued
                # The number of the last message queued ahead of it, never one still
                # on its way to the queue.
                if self._queue.empty():
                    self._queue.put_nowait(
                        {"type": TICK, "publisher": self.term, "seq": seq if term == self.term else 0}
                    )

    async def _drain_and_stop(self) -> None:
        assert self._queue is not None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._queue.join(), 3)
        self._loop.stop()


Publisher = LocalPublisher | LayerPublisher


def publisher() -> Publisher:
    """The publish callable for this process's projector runner (projections/runner.py);
    set its ``leading`` to the runner's leadership so that only the leader beats."""
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        return LocalPublisher()
    return LayerPublisher()
