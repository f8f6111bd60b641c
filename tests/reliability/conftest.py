"""Fixtures of the fault tests (real PostgreSQL, Redis and processes; see tests/processes.py).

- ``private_postgres``: a PostgreSQL cluster of this test alone (initdb in a temporary
  folder, its own port), which a test may crash and restart without touching the
  shared server on 5432;
- ``shared_database``: a dedicated database (unique name) on the shared server;
- ``redis_url``: the configured Redis, on a database number of its own, so that the
  channel-layer groups of this test meet no other test's;
- :func:`assert_history_whole`: what every fault test checks at its end — each event
  belongs to a logged command and each logged command to its events, the hash chain
  verifies (``tawasul audit verify``), the read models equal a replay
  (``tawasul rebuild --check``).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import postgres_available, unreachable
from tests.processes import database_url, dedicated_database, dsn_of, free_port, tawasul

PG_BIN = Path(os.environ.get("TAWASUL_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass
class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:``port``."""

    directory: Path
    port: int
    as_root: bool

    def _run(self, *arguments: str, timeout: float = 60) -> None:
        command = [str(PG_BIN / arguments[0]), *arguments[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown that ends every session; ``immediate``: a crash
        (no checkpoint; the next start recovers from the write-ahead log)."""
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return database_url(name, port=self.port)

    def create_database(self, name: str) -> str:
        with psycopg.connect(dsn_of(self.url("postgres")), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    if not (PG_BIN / "initdb").exists():
        unreachable("PostgreSQL's server programs", FileNotFoundError(str(PG_BIN / "initdb")))
    as_root = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="tawasul-private-pg-"))
    if as_root:
        shutil.chown(directory, "postgres", "postgres")
    cluster = PrivateCluster(directory, free_port(), as_root)
    cluster._run("initdb", "-D", str(directory / "data"), "-A", "trust", "-U", "postgres", timeout=120)
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def shared_database() -> Iterator[str]:
    """A postgres:// URL of a new database on the shared server, dropped afterwards."""
    postgres_available()
    with dedicated_database("tawasul_reliability") as name:
        yield database_url(name)


@pytest.fixture
def redis_url() -> str:
    import redis

    configured = os.environ.get("TAWASUL_REDIS_URL") or "redis://127.0.0.1:6379/0"
    base = configured.split(",")[0].rsplit("/", 1)[0]
    try:
        redis.Redis.from_url(configured, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure means unreachable
        unreachable("Redis", error)
    return f"{base}/{random.randint(8, 15)}"


def assert_history_whole(database: str, env: Mapping[str, str]) -> dict[str, int]:
    """Nothing half-applied, the chain intact, the read models equal to a replay."""
    with psycopg.connect(dsn_of(database)) as conn:
        events = conn.execute("SELECT count(*) FROM tawasul_events").fetchone()[0]
        commands = conn.execute("SELECT count(*) FROM tawasul_commands").fetchone()[0]
        orphan_events = conn.execute(
            "SELECT count(*) FROM tawasul_events e WHERE NOT EXISTS (SELECT 1 FROM tawasul_commands c "
            "WHERE e.notification_id BETWEEN c.first_position AND c.last_position)"
        ).fetchone()[0]
        empty_commands = conn.execute(
            "SELECT count(*) FROM tawasul_commands c WHERE NOT EXISTS (SELECT 1 FROM tawasul_events e "
            "WHERE e.notification_id = c.first_position) OR NOT EXISTS (SELECT 1 FROM tawasul_events e "
            "WHERE e.notification_id = c.last_position)"
        ).fetchone()[0]
        links = conn.execute("SELECT count(*) FROM tawasul_event_chain").fetchone()[0]
    assert orphan_events == 0, f"{orphan_events} events belong to no logged command"
    assert empty_commands == 0, f"{empty_commands} logged commands miss their events"
    assert links == events, f"{events} events but {links} links in the hash chain"
    verified = tawasul(env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    checked = tawasul(env, "rebuild", "--check")
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    return {"events": int(events), "commands": int(commands)}
