"""`tawasul cluster up` on the real PostgreSQL and Redis: two Daphne workers and two
projectors as separate processes. A socket on one worker receives what a socket
on the other posts; killing the leading projector hands over to the other within
five seconds, and the read models still equal a rebuild.

The cluster has a database of its own (created fresh) and a Redis database
number of its own, and is always stopped with `tawasul cluster down`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from websockets.asyncio.client import ClientConnection, connect

from core.cli.cluster import leader_application_name
from tests.conftest import PG_DSN, REDIS_URL, unreachable

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

DATABASE = os.environ.get("TAWASUL_CLUSTER_TEST_DB", "tawasul_cluster_test")
REDIS_DB = int(os.environ.get("TAWASUL_CLUSTER_TEST_REDIS_DB", "11"))
PASSWORD = "tawasul-demo"  # the demo accounts of `cluster up --seed`
TAKEOVER_LIMIT = 5.0
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    env: dict[str, str]
    database_url: str
    ports: list[int]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def tawasul(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "core.cli", *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def status(self) -> list[dict[str, Any]]:
        done = self.tawasul("cluster", "status", "--json", timeout=60)
        return list(json.loads(done.stdout))

    def url(self, worker: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[worker]}{path}"

    def ws(self, worker: int) -> str:
        return f"ws://127.0.0.1:{self.ports[worker]}/ws/"

    def call(
        self, worker: int, path: str, *, token: str | None = None, body: dict[str, Any] | None = None
    ) -> Any:
        request = urllib.request.Request(self.url(worker, path))
        if token:
            request.add_header("Authorization", f"Token {token}")
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if response.headers.get_content_type() == "application/json" else raw


def _reachable() -> None:
    import redis

    try:
        psycopg.connect(PG_DSN, connect_timeout=3).close()
    except psycopg.Error as error:
        unreachable("PostgreSQL", error)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure means unreachable
        unreachable("Redis", error)


def _fresh_database() -> str:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    info = psycopg.conninfo.conninfo_to_dict(PG_DSN)
    user, host, port = info.get("user", "postgres"), info.get("host", "127.0.0.1"), info.get("port", 5432)
    password = f":{info['password']}" if info.get("password") else ""
    return f"postgres://{user}{password}@{host}:{port}/{DATABASE}"


def _fresh_redis() -> str:
    import redis

    parts = urllib.parse.urlsplit(REDIS_URL)
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _reachable()
    database_url, redis_url = _fresh_database(), _fresh_redis()
    var_dir: Path = tmp_path_factory.mktemp("cluster-var")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TAWASUL_")}
    env.update(
        {
            "TAWASUL_DATABASE_URL": database_url,
            "TAWASUL_REDIS_URL": redis_url,
            "TAWASUL_VAR_DIR": str(var_dir),
            "TAWASUL_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
    )
    started = Cluster(env, database_url, [free_port(), free_port()])
    try:
        up = started.tawasul(
            "cluster",
            "up",
            "--seed",
            "--ports",
            ",".join(map(str, started.ports)),
            "--timeout",
            "150",
            timeout=240,
        )
        print(up.stdout, up.stderr, sep="\n")
        assert up.returncode == 0, up.stderr
        started.members = {row["name"]: row for row in started.status()}
        yield started
    finally:
        down = started.tawasul("cluster", "down", timeout=60)
        print(down.stdout, down.stderr)
        state = var_dir / "cluster" / "cluster.json"
        leftovers = json.loads(state.read_text())["members"] if state.exists() else []
        for member in leftovers:  # `down` failed: do not leave processes behind
            with contextlib.suppress(ProcessLookupError):
                os.killpg(member["pid"], signal.SIGKILL)
        still = [name for name, member in started.members.items() if running(member["pid"])]
        assert not still, f"still running after `cluster down`: {still}"


def running(pid: int) -> bool:
    """Alive and not a zombie (a killed process may wait for a reaper that never comes)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# --- a client of the protocol (docs/protocol.md) ----------------------------------------------


class Client:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.last: dict[str, int] = {}

    @classmethod
    async def open(cls, url: str, token: str) -> Client:
        opened = await connect(url, additional_headers={"Authorization": f"Token {token}"}, open_timeout=WAIT)
        client = cls(opened)
        assert (await client.next_frame())["type"] == "welcome"
        return client

    async def send(self, frame: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(frame))

    async def next_frame(self, timeout: float = WAIT) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        return frame

    async def subscribe(self, stream: str) -> None:
        await self.send({"type": "subscribe", "stream": stream, "after": self.last.get(stream)})
        while True:
            frame = await self.next_frame()
            if frame["type"] == "subscribed":
                self.last.setdefault(stream, frame["position"])
                return

    async def event_with_text(self, stream: str, text: str, timeout: float = WAIT) -> dict[str, Any]:
        """The event carrying ``text``, resubscribing when the server asks (a new projector
        leader starts a new term: the hubs cannot know what they missed)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.next_frame(max(deadline - time.monotonic(), 0.01))
            if frame["type"] == "resubscribe":
                await self.send(
                    {
                        "type": "subscribe",
                        "stream": frame["stream"],
                        "after": self.last.get(frame["stream"], frame["after"]),
                    }
                )
            elif frame["type"] == "event" and frame["stream"] == stream:
                self.last[stream] = max(self.last.get(stream, 0), frame["position"])
                if frame["data"].get("text") == text:
                    return frame

    async def command(self, name: str, **args: Any) -> dict[str, Any]:
        command_id = str(uuid.uuid4())
        await self.send({"type": "command", "id": command_id, "name": name, "args": args})
        while True:
            frame = await self.next_frame()
            if frame.get("id") == command_id:
                assert frame["type"] == "ack", frame
                return frame

    async def close(self) -> None:
        await self.socket.close()


def token(cluster: Cluster, worker: int, username: str) -> str:
    answer = cluster.call(worker, "/api/v1/auth/token/", body={"username": username, "password": PASSWORD})
    return str(answer["token"])


def a_thread(cluster: Cluster, worker: int, member_token: str) -> str:
    workspaces = cluster.call(worker, "/api/v1/workspaces/", token=member_token)["results"]
    threads = cluster.call(worker, f"/api/v1/workspaces/{workspaces[0]['id']}/threads/", token=member_token)
    return str(threads["results"][0]["id"])


@contextlib.asynccontextmanager
async def two_workers(cluster: Cluster) -> AsyncIterator[tuple[Client, Client, str]]:
    """A reader on worker A (the secretariat) subscribed to a thread, a writer on
    worker B (a member of its workspace), and the thread's stream."""
    reader_token = token(cluster, 0, "secretariat")
    writer_token = token(cluster, 1, "staff.tn")
    thread = f"thread:{a_thread(cluster, 1, writer_token)}"
    reader = await Client.open(cluster.ws(0), reader_token)
    writer = await Client.open(cluster.ws(1), writer_token)
    try:
        await reader.subscribe(thread)
        yield reader, writer, thread
    finally:
        await reader.close()
        await writer.close()


def metrics(cluster: Cluster, worker: int) -> dict[str, float]:
    text = cluster.call(worker, "/metrics").decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def wait_until_caught_up(cluster: Cluster, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lags = {k: v for k, v in metrics(cluster, 0).items() if k.startswith("tawasul_projection_lag_events")}
        if lags and not any(lags.values()):
            return
        time.sleep(0.2)
    raise AssertionError(f"projections still behind: {lags}")


# --- the tests ------------------------------------------------------------------------------------


def test_cluster_runs_two_workers_and_two_projectors_one_of_which_leads(cluster: Cluster) -> None:
    rows = cluster.status()
    assert sorted(row["name"] for row in rows) == ["projector-1", "projector-2", "web-1", "web-2"]
    assert all(row["alive"] for row in rows)
    assert [row["health"] for row in rows if row["kind"] == "web"] == ["ok", "ok"]
    assert sorted(row["port"] for row in rows if row["kind"] == "web") == sorted(cluster.ports)
    assert sum(bool(row.get("leader")) for row in rows) == 1
    again = cluster.tawasul("cluster", "up", "--ports", ",".join(map(str, cluster.ports)))
    assert again.returncode == 0 and "already up" in again.stdout
    assert {row["pid"] for row in cluster.status()} == {row["pid"] for row in rows}


async def test_a_socket_on_worker_a_receives_what_a_socket_on_worker_b_posts(cluster: Cluster) -> None:
    async with two_workers(cluster) as (reader, writer, thread):
        assert metrics(cluster, 0)["tawasul_websockets_open"] >= 1
        text = f"across workers {uuid.uuid4()}"
        started = time.monotonic()
        ack = await writer.command("message.post", thread_id=thread.split(":", 1)[1], text=text)
        event = await reader.event_with_text(thread, text)
        print(f"\nworker B -> worker A: {1000 * (time.monotonic() - started):.0f} ms")
        assert event["position"] == ack["position"]
        assert event["kind"] == "message.posted"


async def test_the_standby_projector_takes_over_within_five_seconds_and_read_models_equal_a_rebuild(
    cluster: Cluster,
) -> None:
    rows = {row["name"]: row for row in cluster.status()}
    leading = next(name for name, row in rows.items() if row.get("leader"))
    standby = next(name for name, row in rows.items() if row["kind"] == "projector" and name != leading)
    async with two_workers(cluster) as (reader, writer, thread):
        killed = time.monotonic()
        os.kill(rows[leading]["pid"], signal.SIGKILL)
        while leader_application_name(cluster.database_url) != f"tawasul-{standby}":
            assert time.monotonic() - killed < TAKEOVER_LIMIT, "the standby projector did not take over"
            await asyncio.sleep(0.02)
        took = time.monotonic() - killed
        print(f"\nprojector takeover: {took:.2f} s ({leading} killed, {standby} leads)")
        assert took < TAKEOVER_LIMIT

        text = f"after the takeover {uuid.uuid4()}"
        await writer.command("message.post", thread_id=thread.split(":", 1)[1], text=text)
        await reader.event_with_text(thread, text)
        print(f"kill -> message delivered through the new leader: {time.monotonic() - killed:.2f} s")

    status = {row["name"]: row for row in cluster.status()}
    assert not status[leading]["alive"] and status[standby]["leader"]
    wait_until_caught_up(cluster)
    check = cluster.tawasul("rebuild", "--check", timeout=180)
    assert check.returncode == 0, check.stderr
