"""A Daphne process killed under its clients: they reconnect to the other Daphne and
resume every stream from their last position, missing nothing and receiving
nothing twice.

Two Daphne processes on the Redis channel layer and a projector process; clients
are plain ``websockets`` programs with token authentication that follow
docs/protocol.md's resume rules (subscribe with ``after`` = the last position they
hold; answer ``resubscribe`` the same way). Messages are posted over HTTP to the
Daphne that survives while the other one is killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import websockets

from tests.processes import (
    Population,
    dsn_of,
    populate,
    request,
    service_env,
    services,
    start_daphne,
    start_projector,
    wait_until_projected,
)
from tests.reliability.conftest import assert_history_whole

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

CLIENTS_PER_SERVER = 10
MESSAGES = 160
KILL_AFTER = 60


@dataclass
class ResumingClient:
    """A socket client that keeps, per stream, the positions it received (in order)."""

    name: str
    token: str
    streams: list[str]
    servers: list[str]  # WebSocket URLs: the first is its own, then where to go instead
    last: dict[str, int | None] = field(default_factory=dict)
    received: dict[str, list[int]] = field(default_factory=dict)
    connections: int = 0
    resubscribes: int = 0
    resumed_at: float | None = None  # when it was subscribed again after its first connection
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.last = dict.fromkeys(self.streams)
        self.received = {stream: [] for stream in self.streams}

    def subscribe(self, stream: str) -> str:
        """From the last position held (docs/protocol.md, "Resuming")."""
        return json.dumps({"type": "subscribe", "stream": stream, "after": self.last[stream]})

    async def run(self, stopping: asyncio.Event) -> None:
        server = 0
        while not stopping.is_set():
            url = self.servers[server % len(self.servers)]
            try:
                await self._session(url, stopping)
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError):
                server += 1  # that server is gone: the next one
                await asyncio.sleep(random.uniform(0.1, 0.4))

    async def _session(self, url: str, stopping: asyncio.Event) -> None:
        headers = {"Authorization": f"Token {self.token}"}
        async with websockets.connect(url, additional_headers=headers, open_timeout=15) as socket:
            self.connections += 1
            welcome = json.loads(await socket.recv())
            assert welcome["type"] == "welcome", welcome
            for stream in self.streams:
                await socket.send(self.subscribe(stream))
            pending = set(self.streams)
            while not stopping.is_set():
                try:
                    raw = await asyncio.wait_for(socket.recv(), 0.5)
                except TimeoutError:
                    continue
                frame = json.loads(raw)
                kind, stream = frame.get("type"), frame.get("stream")
                if kind == "subscribed":
                    if self.last[stream] is None:
                        self.last[stream] = int(frame["position"])
                    pending.discard(stream)
                    if not pending:
                        if self.connections > 1 and self.resumed_at is None:
                            self.resumed_at = time.monotonic()
                        self.ready.set()
                elif kind == "event":
                    self.received[stream].append(int(frame["position"]))
                    self.last[stream] = max(self.last[stream] or 0, int(frame["position"]))
                elif kind == "resubscribe":
                    self.resubscribes += 1
                    await socket.send(self.subscribe(stream))
                elif kind == "error":
                    raise AssertionError(f"{self.name}: {frame}")


def stream_positions(database: str, stream: str, after: int) -> list[int]:
    with psycopg.connect(dsn_of(database)) as conn:
        rows = conn.execute(
            "SELECT position FROM rm_stream_item WHERE stream = %s AND position > %s ORDER BY position",
            (stream, after),
        ).fetchall()
    return [int(position) for (position,) in rows]


def clients_for(people: Population, servers: list[str]) -> list[ResumingClient]:
    members = people.workspaces[0]["members"]
    member_streams = [f"thread:{people.thread}", f"workspace:{people.workspace}"]
    clients = []
    for index in range(2 * CLIENTS_PER_SERVER):
        own = servers[index % 2]
        order = [own, *[s for s in servers if s != own]]
        if index < 2:  # one secretariat socket on each server, on the whole platform's feed
            clients.append(
                ResumingClient(
                    f"secretariat-{index}",
                    people.tokens[people.secretariat],
                    ["feed:all", *member_streams],
                    order,
                )
            )
        else:
            user = members[index % len(members)]
            clients.append(ResumingClient(f"member-{index}", people.tokens[user], member_streams, order))
    return clients


async def post_messages(base: str, thread: str, token: str, count: int, posted: list[int]) -> None:
    for number in range(count):
        status, _, body = await asyncio.to_thread(
            request,
            base,
            "POST",
            f"/api/v1/threads/{thread}/messages/",
            token=token,
            body={"text": f"message {number}"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert status in {201, 202}, body
        posted.append(int(body["command"]["position"] if status == 201 else body["position"]))
        await asyncio.sleep(0.05)


async def test_clients_of_a_killed_daphne_resume_on_the_other_missing_nothing_and_nothing_twice(
    shared_database: str, redis_url: str, tmp_path: Path
) -> None:
    env = service_env(shared_database, redis_url=redis_url, var_dir=tmp_path / "var")
    people = await asyncio.to_thread(populate, env, workspaces=1, members=4)
    logs = tmp_path / "logs"
    with services() as started:
        projector = start_projector(env, logs)
        doomed, survivor = await asyncio.gather(
            asyncio.to_thread(start_daphne, env, logs, "daphne-a"),
            asyncio.to_thread(start_daphne, env, logs, "daphne-b"),
        )
        started += [projector, doomed, survivor]
        await asyncio.to_thread(wait_until_projected, shared_database, people.head, 60)
        clients = clients_for(people, [doomed.ws_url, survivor.ws_url])
        stopping = asyncio.Event()
        running = [asyncio.create_task(client.run(stopping)) for client in clients]
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), 60)
        starts = {(c.name, s): c.last[s] or 0 for c in clients for s in c.streams}

        posted: list[int] = []
        writer = asyncio.create_task(
            post_messages(survivor.url, people.thread, people.tokens[people.staff], MESSAGES, posted)
        )
        while len(posted) < KILL_AFTER:
            await asyncio.sleep(0.05)
        killed_at = time.monotonic()
        await asyncio.to_thread(doomed.kill)
        await asyncio.wait_for(writer, 180)

        # Everyone holds the stream's last item, then stops.
        expected = {
            (c.name, s): await asyncio.to_thread(stream_positions, shared_database, s, starts[(c.name, s)])
            for c in clients
            for s in c.streams
        }
        deadline = time.monotonic() + 60
        while any((c.last[s] or 0) < (expected[(c.name, s)] or [0])[-1] for c in clients for s in c.streams):
            assert time.monotonic() < deadline, "some clients did not catch up within 60 s"
            await asyncio.sleep(0.1)
        stopping.set()
        await asyncio.gather(*running)
        assert survivor.alive(), survivor.log_tail()

    moved = [c for c in clients if c.servers[0] == doomed.ws_url]
    for client in clients:
        for stream in client.streams:
            # Nothing missed, nothing twice, in order: exactly the stored items after its start.
            assert client.received[stream] == expected[(client.name, stream)], (client.name, stream)
    for client in moved:
        assert client.connections >= 2 and client.resumed_at is not None, client.name
    await asyncio.to_thread(assert_history_whole, shared_database, env)
    resumed = sorted(c.resumed_at - killed_at for c in moved if c.resumed_at)
    frames = sum(len(positions) for c in clients for positions in c.received.values())
    print(
        f"\nFIGURE daphne-kill: {len(clients)} sockets on two Daphne, {MESSAGES} messages posted; "
        f"Daphne A killed after {KILL_AFTER}: its {len(moved)} clients resumed on Daphne B in "
        f"{resumed[0]:.2f}-{resumed[-1]:.2f} s; {frames} events received, 0 missed, 0 doubled "
        f"({sum(c.resubscribes for c in clients)} resubscribe frames answered)"
    )
