"""Two `tawasul projector` processes on one PostgreSQL: one leads, the other takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.cluster import leader_application_name
from events.platform import Tawasul
from projections.rebuild import check
from tests.builders import build_world, cid

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    database = settings.DATABASES["default"]
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"


def start_projector(name: str, logs: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TAWASUL_DATABASE_URL": database_url(),
        "TAWASUL_PROJECTOR": "external",
        "PGAPPNAME": name,  # libpq names the connections: we can tell who holds the lock
        "PYTHONPATH": str(ROOT),
    }
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "projector"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def lowest_position() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(min(position), 0) FROM projection_position")
        return int(cursor.fetchone()[0])


def wait_until_projected(head: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if lowest_position() >= head:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"read models stuck at {lowest_position()}, head {head}")


def leader() -> str | None:
    """application_name of the session holding the projector's advisory lock in this
    test's database (other databases' projectors hold theirs)."""
    return leader_application_name(database_url())


@pytest.fixture
def projectors() -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    logs = Path(tempfile.mkdtemp(prefix="projectors-"))
    started = {name: start_projector(name, logs) for name in ("projector-a", "projector-b")}
    yield started
    for process in started.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_two_projectors_one_leads_and_the_other_takes_over_within_five_seconds(
    tawasul: Tawasul, projectors: dict[str, subprocess.Popen[bytes]]
) -> None:
    world = build_world(tawasul)
    for index in range(30):
        tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=str(index))
    wait_until_projected(tawasul.recorder.max_notification_id() or 0, timeout=60)
    first = leader()
    assert first in projectors
    assert check() is None  # two processes together wrote what one replay writes

    projectors[first].send_signal(signal.SIGKILL)
    projectors[first].wait(timeout=10)
    for index in range(30):
        tawasul.post_message(
            world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=f"after {index}"
        )
    took = wait_until_projected(tawasul.recorder.max_notification_id() or 0, timeout=5)
    second = leader()
    assert second is not None and second != first
    assert took < 5
    assert check() is None
