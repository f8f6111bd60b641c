"""The hub: this process's one link between live items and its sockets.

Fan-out costs one delivery per process, not one per socket: the hub receives
each live item once (from the projector thread of this process, or from the one
channel it holds in the channel layer), looks up the local sockets subscribed to
each of the item's streams, encodes each frame once, and appends it to those
sockets' outboxes. Each socket has a bounded outbox and a writer task that
exists only while there is something to write, so an idle socket costs no task
and a slow one never holds up the others: when a socket's outbox (or, on
Daphne, its transport's write buffer) is full, its live subscriptions stop with
a ``resubscribe`` frame carrying the last position it was sent, and the client
resumes from the stored items (docs/protocol.md).

Subscribing: the subscription is registered first (live items are held back),
then the stored backlog after the client's position is sent, then the held
items it has not sent (deduplicated by position), then it goes live.

Drops between processes: the projector numbers its messages (a sequence per
projector term) and sends a heartbeat every second; a hub that sees a number
skipped, or a new term, cannot know what it missed and tells every live
subscription to resubscribe (``reason: "interrupted"``).

Presence and typing are ephemeral: local, plus per-stream groups on the channel
layer when several processes share it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from channels.layers import BaseChannelLayer, InMemoryChannelLayer, channel_layers, get_channel_layer

from projections import streams
from projections.base import LiveItem
from projections.projectors.live import ACCESS_CHANGING
from realtime import protocol
from realtime.access import StreamRef
from realtime.backlog import StoredItem
from realtime.groups import ephemeral_group, live_items_group
from realtime.transport import BacklogProbe, DirectWrite

logger = logging.getLogger(__name__)

# Layer message types (between the projector and the hubs, and between hubs).
BATCH = "live.batch"
TICK = "live.tick"
PRESENCE = "eph.presence"
PRESENCE_QUERY = "eph.presence_query"
TYPING = "eph.typing"

MAINTENANCE_EVERY = 1.0
REJOIN_EVERY = 5.0  # group memberships are renewed (a restarted Redis forgets them)
SILENCE = 3.0  # no heartbeat for this long: re-join at once
PRESENCE_EVERY = 10.0
PRESENCE_TTL = 30.0
DRAIN_TIMEOUT = 30.0
CLOSE_WAIT = 2.0
OUTGOING_MAX = 10_000


class State(enum.Enum):
    CATCHING_UP = "catching_up"  # backlog being sent; live items held back
    LIVE = "live"
    HELD = "held"  # access being checked again; live items held back
    SUSPENDED = "suspended"  # told to resubscribe; nothing is sent


@dataclass(slots=True, eq=False)
class Subscription:
    ref: StreamRef
    last: int  # the last position this socket was sent on this stream
    from_now: bool
    state: State = State.CATCHING_UP
    held: list[tuple[int, str]] = field(default_factory=list)
    # Set while catching up or held: the subscription must resubscribe (why).
    interrupted: str | None = None
    # Registered once the hub was in the live items group: every item committed after
    # its backlog was read reaches the hub (a lost message shows as a skipped number).
    after_join: bool = False


class LocalSocket:
    """One WebSocket of this process: its subscriptions and its bounded outbox."""

    def __init__(
        self,
        hub: Hub,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        user_id: str,
        probe: BacklogProbe | None = None,
        on_access_change: Callable[[], None] | None = None,
        *,
        direct: DirectWrite | None = None,
        max_frames: int = protocol.OUTBOX_MAX_FRAMES,
        max_bytes: int = protocol.OUTBOX_MAX_BYTES,
        max_held: int = protocol.CATCH_UP_HOLD_MAX,
    ) -> None:
        self.hub = hub
        self.send = send
        self.user_id = user_id
        self.user_stream = streams.user(user_id)
        self.probe = probe
        self.direct = direct
        self.on_access_change = on_access_change
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self.max_held = max_held
        self.subscriptions: dict[str, Subscription] = {}
        self.outbox: deque[str] = deque()
        self.outbox_size = 0
        self.writer: asyncio.Task[None] | None = None
        self.closed = False
        # Membership changes seen on the user stream, and how many were checked.
        self.access_generation = 0
        self.settled_generation = 0

    # --- writing -------------------------------------------------------------------------

    def push(self, text: str) -> None:
        """Queue a frame for this socket (frames leave in the order queued)."""
        if self.closed:
            return
        if self.direct is not None and self.writer is None and not self.outbox:
            # Nothing ahead of it: straight to the server's buffer, no task.
            try:
                if self.direct(text):
                    return
            except Exception:
                logger.debug("Direct write failed; using the ASGI send", exc_info=True)
                self.direct = None
        self.outbox.append(text)
        self.outbox_size += len(text)
        if self.writer is None:
            self.writer = self.hub.loop.create_task(self._write())

    def push_if_room(self, text: str) -> None:
        """Queue an answer to a bad frame unless the socket is congested (a client
        flooding garbage must not grow its buffer)."""
        if not self.congested():
            self.push(text)

    def pending_bytes(self) -> int:
        transport = 0
        if self.probe is not None:
            try:
                transport = self.probe()
            except Exception:  # the transport is gone
                self.probe = None
        return self.outbox_size + transport

    def congested(self) -> bool:
        return len(self.outbox) >= self.max_frames or self.pending_bytes() >= self.max_bytes

    async def wait_drained(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        """Wait until the socket has sent most of what it was given (pacing a backlog)."""
        deadline = self.hub.loop.time() + timeout
        while not self.closed and (
            len(self.outbox) > self.max_frames // 4 or self.pending_bytes() > self.max_bytes // 4
        ):
            if self.hub.loop.time() >= deadline:
                return False
            await asyncio.sleep(0.02)
        return not self.closed

    async def _write(self) -> None:
        try:
            while self.outbox and not self.closed:
                text = self.outbox.popleft()
                self.outbox_size -= len(text)
                await self.send({"type": "websocket.send", "text": text})
        except Exception:  # the connection is gone
            self.closed = True
            self.outbox.clear()
            self.outbox_size = 0
        finally:
            self.writer = None

    # --- subscriptions ----------------------------------------------------------------------

    def client_subscriptions(self) -> list[Subscription]:
        return list(self.subscriptions.values())

    def begin(self, ref: StreamRef, after: int | None) -> Subscription:
        """Register a subscription (replacing one to the same stream): from now on its
        live items are held back until :meth:`catch_up` releases them."""
        replaced = ref.stream in self.subscriptions
        subscription = Subscription(ref, after if after is not None else 0, after is None,
                                    after_join=self.hub.ready.is_set())
        self.subscriptions[ref.stream] = subscription
        if not replaced:
            self.hub.index(self, ref.stream)
            if ref.has_presence:
                self.hub.presence_join(self, ref.stream)
        return subscription

    def end(self, stream: str, only: Subscription | None = None) -> Subscription | None:
        """Stop a subscription (``only``: if it is still that one)."""
        subscription = self.subscriptions.get(stream)
        if subscription is None or (only is not None and subscription is not only):
            return None
        del self.subscriptions[stream]
        self.hub.unindex(self, stream)
        if subscription.ref.has_presence:
            self.hub.presence_leave(self, stream)
        return subscription

    def current(self, subscription: Subscription) -> bool:
        return not self.closed and self.subscriptions.get(subscription.ref.stream) is subscription

    async def catch_up(
        self,
        subscription: Subscription,
        latest: int,
        first_page: list[StoredItem],
        read_page: Callable[[int], Awaitable[list[StoredItem]]],
        page_size: int,
    ) -> None:
        """Send ``subscribed``, the backlog (page by page, paced by the socket), the
        held-back live items not sent yet, then go live."""
        if not self.current(subscription):
            return
        label = subscription.ref.label
        if subscription.from_now:
            subscription.last = max(subscription.last, latest)
        self.push(protocol.subscribed(label, latest))
        page = first_page
        while page:
            for position, kind, data in page:
                if position > subscription.last:
                    self.push(protocol.event(label, position, kind, protocol.dumps(data)))
                    subscription.last = position
            if len(page) < page_size:
                break
            if self.congested() and not await self.wait_drained():
                subscription.interrupted = subscription.interrupted or "overflow"
                break
            if not self.current(subscription):
                return
            page = await read_page(subscription.last)
            if not self.current(subscription):
                return
        self.release(subscription)

    def release(self, subscription: Subscription) -> None:
        """Leave catching up (or held): resubscribe if interrupted, wait if access is
        being checked again, else send what was held back and go live."""
        if subscription.interrupted is not None:
            reason, subscription.interrupted = subscription.interrupted, None
            subscription.state = State.SUSPENDED
            subscription.held.clear()
            self.push(protocol.resubscribe(subscription.ref.label, subscription.last, reason))
            return
        if self.access_pending:
            subscription.state = State.HELD
            return
        for position, text in subscription.held:
            if position > subscription.last:
                self.push(text)
                subscription.last = position
        subscription.held.clear()
        subscription.state = State.LIVE
        if subscription.ref.has_presence:
            self.push(protocol.presence(subscription.ref.label, self.hub.present(subscription.ref.stream)))

    # --- live items (from the hub) --------------------------------------------------------------

    def offer(self, stream: str, position: int, kind: str, frame_for: Callable[[str], str]) -> None:
        subscription = self.subscriptions.get(stream)
        if subscription is not None and position > subscription.last:
            state = subscription.state
            if state is State.LIVE:
                if self.congested():
                    self.interrupt("overflow")
                else:
                    self.push(frame_for(subscription.ref.label))
                    subscription.last = position
            elif state is not State.SUSPENDED and subscription.interrupted is None:
                if len(subscription.held) >= self.max_held:
                    subscription.interrupted = "overflow"
                    subscription.held.clear()
                else:
                    subscription.held.append((position, frame_for(subscription.ref.label)))
        if stream == self.user_stream and kind in ACCESS_CHANGING:
            self.hold_for_access_check()

    def interrupt(self, reason: str, *, before_join_only: bool = False) -> None:
        """Live items may be missing: every live subscription must resubscribe (or only
        those registered before the hub joined the live items group)."""
        for subscription in self.subscriptions.values():
            if before_join_only and subscription.after_join:
                continue
            if subscription.state is State.LIVE:
                subscription.state = State.SUSPENDED
                self.push(protocol.resubscribe(subscription.ref.label, subscription.last, reason))
            elif subscription.state is not State.SUSPENDED and subscription.interrupted is None:
                subscription.interrupted = reason
                subscription.held.clear()

    # --- losing access ------------------------------------------------------------------------

    @property
    def access_pending(self) -> bool:
        return self.access_generation != self.settled_generation

    def hold_for_access_check(self) -> None:
        """A membership of this person changed: hold every live subscription (but the
        user stream) until the consumer has checked them again."""
        self.access_generation += 1
        for subscription in self.subscriptions.values():
            if subscription.state is State.LIVE and subscription.ref.kind != "user":
                subscription.state = State.HELD
        if self.on_access_change is not None:
            self.on_access_change()

    def settle(self, generation: int, checked: set[str], allowed: set[str]) -> list[Subscription]:
        """The result of checking access again (as of ``generation``): end what may no
        longer be read, release the rest. Returns the ended subscriptions."""
        if generation != self.access_generation:
            return []  # another change came meanwhile: the consumer checks again
        self.settled_generation = generation
        ended: list[Subscription] = []
        for stream, subscription in list(self.subscriptions.items()):
            if stream in checked and stream not in allowed:
                self.end(stream)
                ended.append(subscription)
                label = subscription.ref.label
                self.push(protocol.error("forbidden", "You may no longer read this stream.", stream=label))
                self.push(protocol.unsubscribed(label, "forbidden"))
            elif subscription.state is State.HELD:
                self.release(subscription)
        return ended


class FrameCache:
    """One item's frame, encoded once per label (what clients named the stream)."""

    __slots__ = ("data_json", "frames", "kind", "position")

    def __init__(self, position: int, kind: str, data_json: str) -> None:
        self.position = position
        self.kind = kind
        self.data_json = data_json
        self.frames: dict[str, str] = {}

    def __call__(self, label: str) -> str:
        frame = self.frames.get(label)
        if frame is None:
            frame = self.frames[label] = protocol.event(label, self.position, self.kind, self.data_json)
        return frame


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer | None) -> None:
        self.loop = loop
        self.layer = layer
        self.id = uuid.uuid4().hex
        self.sockets: set[LocalSocket] = set()
        self.by_stream: dict[str, set[LocalSocket]] = {}
        self.channel: str | None = None
        self.closed = False
        self.tasks: list[asyncio.Task[None]] = []
        self.ready = asyncio.Event()
        # (projector term, last sequence number) of the live items received.
        self.chain: tuple[str, int] | None = None
        self.last_heard = loop.time()
        self.last_join = 0.0
        self.last_announce = 0.0
        self.groups: set[str] = set()
        self.outgoing: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        # Presence: local people per stream (with their socket count), other hubs' people.
        self.here: dict[str, Counter[str]] = {}
        self.elsewhere: dict[str, dict[str, tuple[frozenset[str], float]]] = {}
        self.shown: dict[str, list[str]] = {}
        self.stats: Counter[str] = Counter()

    # --- life ------------------------------------------------------------------------------

    def start(self) -> None:
        self.tasks.append(self.loop.create_task(self._run()))

    async def _run(self) -> None:
        if self.layer is not None:
            self.channel = await self.layer.new_channel("hub")
            self.tasks.append(self.loop.create_task(self._receive()))
            self.tasks.append(self.loop.create_task(self._send_outgoing()))
            pause = 0.1
            while True:  # Redis may be down (restarting) when the first socket comes
                try:
                    await self._join_all()
                    break
                except Exception as error:
                    logger.warning("Hub %s: joining the live items group failed (%s); retrying",
                                   self.id, error)
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, 2.0)
        self.ready.set()
        while not self.closed:
            await asyncio.sleep(MAINTENANCE_EVERY)
            try:
                self._maintain()
            except Exception:
                logger.exception("Hub maintenance failed")

    async def close(self) -> None:
        """Stop, in a bounded time: each step that talks to the layer is given up after
        CLOSE_WAIT (an unresponsive Redis must not hold a shutdown forever)."""
        self.closed = True
        for socket in list(self.sockets):
            self.detach(socket)
        if self.layer is not None and self.channel is not None:
            await _within(CLOSE_WAIT, self._leave_all())
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=CLOSE_WAIT)
        self.tasks.clear()
        if self.layer is not None:
            close_pools = getattr(self.layer, "close_pools", None)
            if close_pools is not None:
                await _within(CLOSE_WAIT, close_pools())

    # --- sockets ---------------------------------------------------------------------------------

    def attach(
        self,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        user_id: str,
        *,
        probe: BacklogProbe | None = None,
        on_access_change: Callable[[], None] | None = None,
        direct: DirectWrite | None = None,
        **limits: int,
    ) -> LocalSocket:
        socket = LocalSocket(self, send, user_id, probe, on_access_change, direct=direct, **limits)
        self.sockets.add(socket)
        # Every socket watches its person's user stream for membership changes.
        self.index(socket, socket.user_stream)
        return socket

    def detach(self, socket: LocalSocket) -> None:
        for stream in list(socket.subscriptions):
            socket.end(stream)
        socket.closed = True
        self.unindex(socket, socket.user_stream)
        socket.outbox.clear()
        socket.outbox_size = 0
        self.sockets.discard(socket)

    def index(self, socket: LocalSocket, stream: str) -> None:
        if stream == socket.user_stream and socket in self.by_stream.get(stream, ()):
            return  # the user stream is watched already
        sockets = self.by_stream.setdefault(stream, set())
        sockets.add(socket)
        if len(sockets) == 1 and _has_ephemerals(stream):
            self._join(ephemeral_group(stream), stream)

    def unindex(self, socket: LocalSocket, stream: str) -> None:
        if stream == socket.user_stream and not socket.closed and socket in self.sockets:
            return  # keep watching the user stream while connected
        sockets = self.by_stream.get(stream)
        if sockets is None:
            return
        sockets.discard(socket)
        if not sockets:
            del self.by_stream[stream]
            if _has_ephemerals(stream):
                self._leave(ephemeral_group(stream))

    # --- live items ----------------------------------------------------------------------------------

    def deliver(self, items: Iterable[LiveItem]) -> None:
        """Hand live items (in position order) to the local sockets that want them."""
        if self.closed:
            return
        by_stream = self.by_stream
        for item in items:
            frames: FrameCache | None = None
            for stream in item.streams:
                sockets = by_stream.get(stream)
                if not sockets:
                    continue
                if frames is None:
                    frames = FrameCache(item.position, item.kind, protocol.dumps(item.data))
                for socket in tuple(sockets):
                    socket.offer(stream, item.position, item.kind, frames)
            self.stats["items"] += 1

    def interrupt_all(self, reason: str = "interrupted") -> None:
        self.stats["interruptions"] += 1
        for socket in list(self.sockets):
            socket.interrupt(reason)

    def _on_batch(self, message: dict[str, Any]) -> None:
        self._follow_chain(str(message.get("publisher")), int(message.get("seq", 0)), tick=False)
        self.deliver(
            LiveItem(int(position), str(kind), data, tuple(item_streams))
            for position, kind, data, item_streams in message.get("items", ())
        )

    def _follow_chain(self, publisher: str, seq: int, *, tick: bool) -> None:
        """Notice live items lost on the way: a skipped sequence number, or a new
        projector term (whatever the last term did not push is unknown)."""
        chain = self.chain
        if chain is None:
            # The first word heard: what subscribed before this hub joined the group may
            # have missed items sent before the join; what subscribed after cannot.
            early = [s for s in self.sockets if any(not sub.after_join for sub in s.subscriptions.values())]
            if early:
                self.stats["interruptions"] += 1
            for socket in early:
                socket.interrupt("interrupted", before_join_only=True)
            self.chain = (publisher, seq)
            return
        term, last = chain
        if publisher != term:
            logger.info("Hub %s: new projector term %s", self.id, publisher)
            self.interrupt_all()
            self.chain = (publisher, seq)
            return
        expected = last if tick else last + 1
        if seq > expected:
            logger.warning(
                "Hub %s: live messages %d..%d were lost on the way; subscriptions resubscribe",
                self.id, last + 1, seq if tick else seq - 1,
            )
            self.interrupt_all()
        self.chain = (publisher, max(last, seq))

    # --- the channel layer ------------------------------------------------------------------------------

    def _link(self) -> tuple[BaseChannelLayer, str]:
        if self.layer is None or self.channel is None:
            raise RuntimeError("this hub has no channel in a layer")
        return self.layer, self.channel

    async def _receive(self) -> None:
        layer, channel = self._link()
        pause = 0.1
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("Hub %s: channel layer receive failed (%s); retrying", self.id, error)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            pause = 0.1
            self.last_heard = self.loop.time()
            try:
                self._on_message(message)
            except Exception:
                logger.exception("Hub %s: could not handle a %s message", self.id, message.get("type"))

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == BATCH:
            self._on_batch(message)
        elif kind == TICK:
            self._follow_chain(str(message.get("publisher")), int(message.get("seq", 0)), tick=True)
        elif message.get("hub") == self.id:
            return  # our own ephemeral signal, shown locally already
        elif kind == TYPING:
            self._show_typing(str(message["stream"]), str(message["user_id"]))
        elif kind == PRESENCE:
            self._on_presence(str(message["stream"]), str(message["hub"]), message.get("users", []))
        elif kind == PRESENCE_QUERY:
            stream = str(message["stream"])
            if stream in self.here:
                self._announce(stream)

    def _enqueue(self, operation: Callable[[], Awaitable[None]]) -> None:
        if self.layer is None or self.closed:
            return
        if self.outgoing.qsize() >= OUTGOING_MAX:
            self.stats["outgoing_dropped"] += 1
            return
        self.outgoing.put_nowait(operation)

    async def _send_outgoing(self) -> None:
        """Send ephemeral signals and group changes one at a time, in order."""
        while True:
            operation = await self.outgoing.get()
            try:
                await operation()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.stats["outgoing_failed"] += 1
                logger.warning("Hub %s: channel layer operation failed: %s", self.id, error)

    def _group_send(self, group: str, message: dict[str, Any]) -> None:
        layer = self.layer
        if layer is not None:
            self._enqueue(lambda: layer.group_send(group, message))

    def _join(self, group: str, stream: str | None = None) -> None:
        if self.layer is None:
            return
        self.groups.add(group)

        async def join() -> None:
            await self.ready.wait()
            layer, channel = self._link()
            if group in self.groups:
                await layer.group_add(group, channel)

        self._enqueue(join)
        if stream is not None and stream.startswith("workspace:"):
            # Ask the other hubs who they hold there.
            self._group_send(group, {"type": PRESENCE_QUERY, "hub": self.id, "stream": stream})

    def _leave(self, group: str) -> None:
        if self.layer is None:
            return
        self.groups.discard(group)

        async def leave() -> None:
            layer, channel = self._link()
            if group not in self.groups:
                await layer.group_discard(group, channel)

        self._enqueue(leave)

    async def _join_all(self) -> None:
        layer, channel = self._link()
        self.last_join = self.loop.time()
        await layer.group_add(live_items_group(), channel)
        for group in list(self.groups):
            await layer.group_add(group, channel)

    async def _leave_all(self) -> None:
        layer, channel = self._link()
        await layer.group_discard(live_items_group(), channel)
        for group in list(self.groups):
            await layer.group_discard(group, channel)

    def _maintain(self) -> None:
        now = self.loop.time()
        if self.layer is not None:
            silent = now - self.last_heard > SILENCE
            if now - self.last_join >= REJOIN_EVERY or (silent and now - self.last_join >= SILENCE):
                self.last_join = now
                self._enqueue(self._join_all)
            if now - self.last_announce >= PRESENCE_EVERY:
                self.last_announce = now
                for stream in list(self.here):
                    self._announce(stream)
        for stream, hubs in list(self.elsewhere.items()):
            expired = [hub for hub, (_, until) in hubs.items() if until <= now]
            for hub in expired:
                del hubs[hub]
            if not hubs:
                del self.elsewhere[stream]
            if expired:
                self._show_presence(stream)

    # --- presence ----------------------------------------------------------------------------------------

    def presence_join(self, socket: LocalSocket, stream: str) -> None:
        people = self.here.setdefault(stream, Counter())
        people[socket.user_id] += 1
        if people[socket.user_id] == 1:
            self._announce(stream)
            self._show_presence(stream)

    def presence_leave(self, socket: LocalSocket, stream: str) -> None:
        people = self.here.get(stream)
        if people is None:
            return
        people[socket.user_id] -= 1
        if people[socket.user_id] <= 0:
            del people[socket.user_id]
            if not people:
                del self.here[stream]
            self._announce(stream)
            self._show_presence(stream)

    def present(self, stream: str) -> list[str]:
        now = self.loop.time()
        people = set(self.here.get(stream, ()))
        for users, until in self.elsewhere.get(stream, {}).values():
            if until > now:
                people.update(users)
        return sorted(people)

    def _announce(self, stream: str) -> None:
        users = sorted(self.here.get(stream, ()))
        self._group_send(ephemeral_group(stream), {"type": PRESENCE, "hub": self.id, "stream": stream,
                                                   "users": users})

    def _on_presence(self, stream: str, hub: str, users: Sequence[str]) -> None:
        hubs = self.elsewhere.setdefault(stream, {})
        if users:
            hubs[hub] = (frozenset(str(u) for u in users), self.loop.time() + PRESENCE_TTL)
        else:
            hubs.pop(hub, None)
            if not hubs:
                del self.elsewhere[stream]
        self._show_presence(stream)

    def _show_presence(self, stream: str) -> None:
        present = self.present(stream)
        sockets = self.by_stream.get(stream)
        if not sockets:
            self.shown.pop(stream, None)
            return
        if self.shown.get(stream) == present:
            return
        self.shown[stream] = present
        for socket in tuple(sockets):
            subscription = socket.subscriptions.get(stream)
            if subscription is not None and subscription.state is State.LIVE:
                socket.push(protocol.presence(subscription.ref.label, present))

    # --- typing -----------------------------------------------------------------------------------------

    def typing(self, sender: LocalSocket, stream: str) -> None:
        self._show_typing(stream, sender.user_id, exclude=sender)
        self._group_send(ephemeral_group(stream), {"type": TYPING, "hub": self.id, "stream": stream,
                                                   "user_id": sender.user_id})

    def _show_typing(self, stream: str, user_id: str, exclude: LocalSocket | None = None) -> None:
        for socket in tuple(self.by_stream.get(stream, ())):
            if socket is exclude:
                continue
            subscription = socket.subscriptions.get(stream)
            if subscription is not None and subscription.state is State.LIVE:
                socket.push(protocol.typing(subscription.ref.label, user_id))


async def _within(seconds: float, operation: Awaitable[Any]) -> None:
    """Run ``operation`` for at most ``seconds``, then leave it (cancelled, not awaited:
    asyncio.wait_for would wait for the cancellation to finish)."""
    task = asyncio.ensure_future(operation)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        with contextlib.suppress(BaseException):
            task.result()
    else:
        task.cancel()


def _has_ephemerals(stream: str) -> bool:
    return stream.startswith(("workspace:", "thread:"))


# --- this process's hub ----------------------------------------------------------------------------------

_hub: Hub | None = None


def hub_layer() -> BaseChannelLayer | None:
    """The hub's own instance of the configured layer (None on the in-memory layer:
    one process, nothing to cross)."""
    configured = get_channel_layer()
    if configured is None or isinstance(configured, InMemoryChannelLayer):
        return None
    layer: BaseChannelLayer = channel_layers.make_backend("default")
    return layer


def current_hub() -> Hub:
    """This process's hub, started on first use in the running event loop."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop or _hub.closed:
        _hub = Hub(loop, hub_layer())
        _hub.start()
    return _hub


def running_hub() -> Hub | None:
    """The hub, for the projector thread of this process (None before any socket)."""
    hub = _hub
    if hub is None or hub.closed or hub.loop.is_closed():
        return None
    return hub


async def close_hub() -> None:
    """Stop this process's hub (tests, shutdown)."""
    global _hub
    hub, _hub = _hub, None
    if hub is not None and not hub.loop.is_closed():
        await hub.close()
