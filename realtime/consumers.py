"""The consumer of /ws/: one per socket, and thin.

It parses each frame (realtime/protocol.py), checks rates and permissions
(realtime/access.py, which asks events/policy.py), runs a use case
(realtime/commands.py) or reads a stream (realtime/backlog.py), and replies
through its socket in this process's hub (realtime/hub.py). It never pushes
live items itself: they come from the projector, after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any

from channels.consumer import AsyncConsumer, get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer

from events.errors import DomainError
from events.outages import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from realtime import access, backlog, commands, protocol
from realtime.hub import Hub, LocalSocket, current_hub
from realtime.protocol import Command, Ping, ProtocolError, Subscribe, Unsubscribe
from realtime.transport import direct_writer, write_backlog_probe

logger = logging.getLogger(__name__)

# No channel-layer alias: sockets do not get a layer channel each; the hub holds
# one per process.
NO_LAYER = "realtime-sockets-have-no-channel"
HUB_READY_WAIT = 5.0
UNAVAILABLE_DETAIL = (
    f"The database is unavailable for a moment; the command may not have taken effect. Try again in "
    f"{RETRY_AFTER_SECONDS} s with the same id, which makes it take effect once."
)


class RateWindow:
    """At most ``limit`` events in any window of one second."""

    __slots__ = ("limit", "times")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] >= 1.0:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


class LiveConsumer(AsyncConsumer):
    channel_layer_alias = NO_LAYER

    hub: Hub
    socket: LocalSocket | None = None
    user_id: str = ""

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch closes old database connections around every frame (a
        # thread hop each); the database calls below go through
        # database_sync_to_async, which does that already.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- the connection ------------------------------------------------------------------

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.send({"type": "websocket.close"})  # before accept: HTTP 403
            return
        self.user_id = str(user.pk)
        self.commands = RateWindow(protocol.COMMANDS_PER_SECOND)
        self.others = RateWindow(protocol.OTHER_FRAMES_PER_SECOND)
        self.typing_checked: dict[str, int] = {}
        self.revalidation: asyncio.Task[None] | None = None
        self.hub = current_hub()
        # A fresh hub joins the live items group first: subscriptions registered after
        # that need no resubscribe when the hub hears its first live message.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.hub.ready.wait(), HUB_READY_WAIT)
        await self.send({"type": "websocket.accept"})
        self.socket = self.hub.attach(
            self.base_send,
            self.user_id,
            probe=write_backlog_probe(self.base_send),
            on_access_change=self._access_changed,
            direct=direct_writer(self.base_send),
        )
        self.socket.push(protocol.welcome(self.user_id))

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if self.socket is not None:
            self.hub.detach(self.socket)
            self.socket = None
        if getattr(self, "revalidation", None) is not None and self.revalidation is not None:
            self.revalidation.cancel()
        raise StopConsumer

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        socket = self.socket
        if socket is None:
            return
        try:
            frame = protocol.parse(message.get("text"), message.get("bytes"))
        except ProtocolError as error:
            if self.others.allow():
                socket.push_if_room(error.frame())
            return
        window = self.commands if isinstance(frame, Command) else self.others
        if not window.allow():
            socket.push_if_room(protocol.error(
                "rate_limited", "Too many frames: this one was ignored.",
                id=frame.id if isinstance(frame, Command) else None,
                stream=frame.stream if isinstance(frame, Subscribe | Unsubscribe) else None,
            ))
            return
        try:
            if isinstance(frame, Subscribe):
                await self.subscribe(socket, frame)
            elif isinstance(frame, Unsubscribe):
                self.unsubscribe(socket, frame)
            elif isinstance(frame, Command):
                await self.command(socket, frame)
            elif isinstance(frame, Ping):
                socket.push(protocol.pong(frame.id))
        except ProtocolError as error:
            socket.push(error.frame())

    # --- streams --------------------------------------------------------------------------------

    async def subscribe(self, socket: LocalSocket, frame: Subscribe) -> None:
        ref = access.parse_stream(frame.stream, self.user_id)
        if ref.stream not in socket.subscriptions and len(socket.subscriptions) >= protocol.MAX_SUBSCRIPTIONS:
            raise ProtocolError(
                "too_many_subscriptions",
                f"At most {protocol.MAX_SUBSCRIPTIONS} streams per socket.", stream=frame.stream,
            )
        # Registered first: live items are held back while the backlog is read.
        subscription = socket.begin(ref, frame.after)
        try:
            opening = await database_sync_to_async(backlog.open_stream)(self.user_id, ref, frame.after)
        except ProtocolError:
            socket.end(ref.stream, only=subscription)
            raise
        except DATABASE_UNAVAILABLE as error:
            socket.end(ref.stream, only=subscription)
            logger.warning("Subscribing to %s: the database is unavailable (%s)", ref.stream, error)
            raise ProtocolError("unavailable", UNAVAILABLE_DETAIL, stream=frame.stream) from None
        except Exception:
            socket.end(ref.stream, only=subscription)
            logger.exception("Subscribing to %s failed", ref.stream)
            raise ProtocolError("server_error", "The stream could not be read; try again.",
                                stream=frame.stream) from None

        async def read_page(after: int) -> list[backlog.StoredItem]:
            return await database_sync_to_async(backlog.items_after)(ref.stream, after, backlog.PAGE)

        await socket.catch_up(subscription, opening.latest, opening.items, read_page, backlog.PAGE)

    def unsubscribe(self, socket: LocalSocket, frame: Unsubscribe) -> None:
        socket.end(access.parse_stream(frame.stream, self.user_id).stream)
        socket.push(protocol.unsubscribed(frame.stream))

    # --- commands -------------------------------------------------------------------------------

    async def command(self, socket: LocalSocket, frame: Command) -> None:
        if frame.name == commands.TYPING:
            await self.typing(socket, frame)
            return
        if frame.name not in commands.COMMANDS:
            raise ProtocolError(
                "unknown_command", f"Unknown command: expected one of {', '.join(commands.NAMES)}.",
                id=frame.id,
            )
        try:
            result = await database_sync_to_async(commands.run)(
                self.user_id, frame.name, frame.id, frame.args
            )
        except DomainError as error:
            socket.push(protocol.error(error.code, error.detail, id=frame.id, errors=error.errors))
            return
        except DATABASE_UNAVAILABLE as error:
            logger.warning("Command %s: the database is unavailable (%s)", frame.name, error)
            socket.push(protocol.error("unavailable", UNAVAILABLE_DETAIL, id=frame.id))
            return
        except Exception:
            logger.exception("Command %s failed", frame.name)
            socket.push(protocol.error("server_error", "The command failed; sending it again is safe.",
                                       id=frame.id))
            return
        socket.push(protocol.ack(
            frame.id, result.position, kind=result.kind, object_id=str(result.id), version=result.version
        ))

    async def typing(self, socket: LocalSocket, frame: Command) -> None:
        unknown = sorted(set(frame.args) - {"thread_id"})
        if unknown:
            raise ProtocolError("invalid", "typing takes a thread_id only.", id=frame.id,
                                errors={name: ["Unknown argument."] for name in unknown})
        thread_id = frame.args.get("thread_id")
        stream = f"thread:{thread_id}"
        # Checked once per thread until this person's memberships change.
        if self.typing_checked.get(stream) != socket.access_generation:
            try:
                ref = await database_sync_to_async(access.check_typing)(self.user_id, thread_id)
            except ProtocolError as error:
                error.id = frame.id
                raise
            stream = ref.stream
            self.typing_checked[stream] = socket.access_generation
        self.hub.typing(socket, stream)
        socket.push(protocol.ack(frame.id, None))

    # --- losing access ------------------------------------------------------------------------------

    def _access_changed(self) -> None:
        """Called by the hub when a membership of this person changed."""
        if self.revalidation is None or self.revalidation.done():
            self.revalidation = asyncio.get_running_loop().create_task(self._check_access_again())

    async def _check_access_again(self) -> None:
        while self.socket is not None and self.socket.access_pending:
            socket = self.socket
            generation = socket.access_generation
            refs = [s.ref for s in socket.subscriptions.values() if s.ref.kind != "user"]
            try:
                _, allowed = await database_sync_to_async(access.readable)(self.user_id, refs)
            except Exception:
                logger.exception("Checking the access of %s again failed; retrying", self.user_id)
                await asyncio.sleep(1.0)
                continue
            if self.socket is socket:
                socket.settle(generation, {r.stream for r in refs}, allowed)
