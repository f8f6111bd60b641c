"""The live streams across real processes: two Daphne processes on the Redis layer,
the projector as its own process, clients written with the ``websockets`` library
(token authentication, an Origin the servers serve), as in production.

Every test runs on a redis-server of its own (a free port, no persistence), never
the shared one, so that it may kill it; and on a database of its own on the
shared PostgreSQL server. Under CI=true a missing redis-server or PostgreSQL
fails these tests; elsewhere they are skipped (tests/conftest.py, ``unreachable``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import websockets
from websockets.asyncio.client import ClientConnection, connect

from events.files import ContentStore
from events.platform import Tawasul
from events.roles import Actor, Role
from tests.conftest import postgres_available, postgres_env, unreachable
from tests.processes import (
    Population,
    RedisServer,
    Service,
    database_url,
    dedicated_database,
    populate,
    service_env,
    services,
    start_daphne,
    start_projector,
    wait_until_projected,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

MESSAGES = 1_000
TIMEOUT = 60.0


@dataclass
class Stack:
    """Two Daphne processes and a projector on one database and one private Redis."""

    database: str
    redis: RedisServer
    people: Population
    daphnes: list[Service]
    projector: Service

    def everyone_alive(self) -> bool:
        return all(s.alive() for s in (*self.daphnes, self.projector))

    def logs(self) -> str:
        return "".join(s.log_tail() for s in (*self.daphnes, self.projector))


def private_redis(logs: Path) -> RedisServer:
    try:
        server = RedisServer(logs)
        server.start()
    except (FileNotFoundError, AssertionError) as error:
        unreachable("redis-server", error)
    return server


@contextlib.contextmanager
def running_stack(logs: Path) -> Iterator[Stack]:
    postgres_available()
    redis = private_redis(logs)
    try:
        with dedicated_database("tawasul_realtime") as name, services() as started:
            database = database_url(name)
            env = service_env(database, redis_url=redis.url, var_dir=logs / "var")
            people = populate(env, workspaces=1, members=2)
            projector = start_projector(env, logs)
            started.append(projector)
            daphnes: list[Service] = []
            starting = [
                threading.Thread(target=lambda n=n: daphnes.append(start_daphne(env, logs, n)))
                for n in ("daphne-a", "daphne-b")
            ]
            for thread in starting:
                thread.start()
            for thread in starting:
                thread.join()
            started.extend(daphnes)
            assert len(daphnes) == 2, "".join(s.log_tail() for s in started)
            wait_until_projected(database, people.head, TIMEOUT)
            yield Stack(database, redis, people, sorted(daphnes, key=lambda s: s.name), projector)
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the tests that leave it as they found it."""
    with running_stack(tmp_path_factory.mktemp("realtime-processes")) as started:
        yield started


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack of this test alone (it kills its Redis)."""
    with running_stack(tmp_path) as started:
        yield started


@contextlib.asynccontextmanager
async def socket_of(
    stack: Stack, server: int, user: str | None, **options: Any
) -> AsyncIterator[ClientConnection]:
    daphne = stack.daphnes[server]
    headers = {"Authorization": f"Token {stack.people.tokens[user]}"} if user else {}
    headers.update(options.pop("headers", {}))
    options.setdefault("origin", daphne.origin)
    async with connect(daphne.ws_url, additional_headers=headers, open_timeout=30, **options) as socket:
        welcome = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
        assert welcome["type"] == "welcome"
        yield socket


async def next_frame(socket: ClientConnection, type_: str, **match: Any) -> dict[str, Any]:
    async def find() -> dict[str, Any]:
        while True:
            frame = json.loads(await socket.recv())
            assert frame["type"] != "error" or type_ == "error", frame
            if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                return dict(frame)

    return await asyncio.wait_for(find(), TIMEOUT)


async def test_a_client_on_one_daphne_receives_what_a_client_on_the_other_posts(stack: Stack) -> None:
    people = stack.people
    reader_id, writer_id = people.workspaces[0]["members"][1], people.staff
    stream = f"thread:{people.thread}"
    async with socket_of(stack, 0, reader_id) as reader, socket_of(stack, 1, writer_id) as writer:
        for socket in (reader, writer):
            await socket.send(json.dumps({"type": "subscribe", "stream": stream, "after": None}))
            await next_frame(socket, "subscribed", stream=stream)
        command = {
            "type": "command",
            "id": str(uuid.uuid4()),
            "name": "message.post",
            "args": {"thread_id": people.thread, "text": "من دافني ب إلى دافني أ"},
        }
        await writer.send(json.dumps(command))
        ack = await next_frame(writer, "ack", id=command["id"])
        on_a = await next_frame(reader, "event", stream=stream)
        on_b = await next_frame(writer, "event", stream=stream)
    assert on_a["position"] == on_b["position"] == ack["position"]
    assert on_a["data"]["text"] == "من دافني ب إلى دافني أ"
    assert on_a["data"]["id"] == ack["object_id"]


@pytest.mark.parametrize("refused", ["anonymous", "foreign origin", "unknown token"])
async def test_daphne_refuses_these_handshakes_with_http_403(stack: Stack, refused: str) -> None:
    options: dict[str, Any] = {
        "anonymous": {"user": None},
        "foreign origin": {"user": stack.people.staff, "origin": "https://evil.example"},
        "unknown token": {"user": None, "headers": {"Authorization": "Token " + "0" * 40}},
    }[refused]
    with pytest.raises(websockets.InvalidStatus) as refusal:
        async with socket_of(stack, 0, **options):
            pass
    assert refusal.value.response.status_code == 403


async def test_daphne_drops_a_socket_that_sends_a_frame_over_256_kib_and_serves_the_next(
    stack: Stack,
) -> None:
    async with socket_of(stack, 0, stack.people.staff) as socket:
        await socket.send("x" * (300 * 1024))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), TIMEOUT)
    # Dropped unread (autobahn's failByDrop): no close frame, the client sees 1006.
    assert closed.value.rcvd is None
    async with socket_of(stack, 0, stack.people.staff) as socket:
        await socket.send(json.dumps({"type": "ping", "id": "next"}))
        assert (await next_frame(socket, "pong"))["id"] == "next"


@dataclass
class Follower:
    """A client following one stream as docs/protocol.md says: it subscribes after the
    last position it holds, again on ``resubscribe``, and again after reconnecting."""

    name: str
    url: str
    origin: str
    token: str
    stream: str
    last: int | None = None
    received: list[int] = field(default_factory=list)  # every event position, as it came
    resubscribes: int = 0
    connections: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def subscribe(self) -> str:
        return json.dumps({"type": "subscribe", "stream": self.stream, "after": self.last})

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await self._session(stopping)
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError):
                await asyncio.sleep(0.2)  # reconnect, and resume from self.last

    async def _session(self, stopping: asyncio.Event) -> None:
        headers = {"Authorization": f"Token {self.token}"}
        async with connect(
            self.url,
            additional_headers=headers,
            origin=self.origin,  # type: ignore[arg-type]
            open_timeout=15,
        ) as socket:
            self.connections += 1
            await socket.send(self.subscribe())
            while not stopping.is_set():
                try:
                    frame = json.loads(await asyncio.wait_for(socket.recv(), 0.5))
                except TimeoutError:
                    continue
                if frame["type"] == "subscribed" and frame["stream"] == self.stream:
                    if self.last is None:
                        self.last = int(frame["position"])
                    self.ready.set()
                elif frame["type"] == "event" and frame["stream"] == self.stream:
                    self.received.append(int(frame["position"]))
                    self.last = max(self.last or 0, int(frame["position"]))
                elif frame["type"] == "resubscribe" and frame["stream"] == self.stream:
                    self.resubscribes += 1
                    await socket.send(self.subscribe())
                elif frame["type"] == "error":
                    raise AssertionError(f"{self.name}: {frame}")


def post_messages(app: Tawasul, staff: Actor, thread: UUID, redis: RedisServer, posted: list[int]) -> None:
    """1,000 messages, as other clients post them; Redis killed and started again halfway."""
    for number in range(MESSAGES):
        if number == MESSAGES // 2:
            redis.restart()
        posted.append(
            app.post_message(
                staff, command_id=str(uuid.uuid4()), thread_id=thread, text=f"message {number}"
            ).position
        )
        time.sleep(0.003)


async def test_clients_resuming_from_their_last_position_across_a_redis_restart_get_all_1000_in_order_once(
    own_stack: Stack, content_store: ContentStore
) -> None:
    stack, people = own_stack, own_stack.people
    stream = f"thread:{people.thread}"
    readers = [people.staff, *people.workspaces[0]["members"][1:]]
    followers = [
        Follower(f"{daphne.name}-{index}", daphne.ws_url, daphne.origin, people.tokens[user], stream)
        for daphne in stack.daphnes
        for index, user in enumerate(readers)
    ]
    stopping = asyncio.Event()
    running = [asyncio.create_task(f.run(stopping)) for f in followers]
    app = Tawasul(postgres_env(stack.database.rsplit("/", 1)[1]), content_store=content_store)
    try:
        await asyncio.wait_for(asyncio.gather(*(f.ready.wait() for f in followers)), TIMEOUT)
        staff = Actor.holding(people.staff, Role.STAFF, commission_id=UUID(people.commission))
        posted: list[int] = []
        await asyncio.to_thread(post_messages, app, staff, UUID(people.thread), stack.redis, posted)

        deadline = time.monotonic() + TIMEOUT
        while any((f.last or 0) < posted[-1] for f in followers):
            assert time.monotonic() < deadline, (
                {f.name: (len(f.received), f.last) for f in followers},
                stack.logs(),
            )
            await asyncio.sleep(0.1)
    finally:
        stopping.set()
        await asyncio.gather(*running)
        app.close()

    assert stack.redis.starts == 2
    for follower in followers:
        # All of them, in order, none twice: exactly what was posted.
        assert follower.received == posted, follower.name
    # The restart was noticed and answered by resuming, not by losing items.
    assert sum(f.resubscribes + f.connections - 1 for f in followers) >= 1
    assert stack.everyone_alive(), stack.logs()
