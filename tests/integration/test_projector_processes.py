"""Two `tawasul projector` processes on one PostgreSQL: one leads, the other takes over."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from core.cli.cluster import leader_application_name
from events.platform import Tawasul
from projections.rebuild import check
from tests import processes
from tests.builders import build_world, cid

pytestmark = pytest.mark.postgres


def database_url() -> str:
    database = settings.DATABASES["default"]
    return processes.database_url(
        database["NAME"],
        host=database["HOST"] or "127.0.0.1",
        port=int(database["PORT"] or 5432),
        user=database["USER"],
    )


def wait_until_projected(head: int, timeout: float) -> float:
    return processes.wait_until_projected(database_url(), head, timeout)


def leader() -> str | None:
    """application_name of the session holding the projector's advisory lock in this
    test's database (other databases' projectors hold theirs)."""
    return leader_application_name(database_url())


@pytest.fixture
def projectors() -> Iterator[dict[str, processes.Service]]:
    logs = Path(tempfile.mkdtemp(prefix="projectors-"))
    env = processes.service_env(database_url())
    with processes.services() as started:
        for name in ("projector-a", "projector-b"):
            # libpq names the connections after the process: we can tell who holds the lock.
            started.append(processes.start_projector(env, logs, name))
        yield {service.name: service for service in started}


def test_two_projectors_one_leads_and_the_other_takes_over_within_five_seconds(
    tawasul: Tawasul, projectors: dict[str, processes.Service]
) -> None:
    world = build_world(tawasul)
    for index in range(30):
        tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=str(index))
    wait_until_projected(tawasul.recorder.max_notification_id() or 0, timeout=60)
    first = leader()
    assert first in projectors
    assert check() is None  # two processes together wrote what one replay writes

    projectors[first].kill()
    for index in range(30):
        tawasul.post_message(
            world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=f"after {index}"
        )
    took = wait_until_projected(tawasul.recorder.max_notification_id() or 0, timeout=5)
    second = leader()
    assert second is not None and second != first
    assert took < 5
    assert check() is None
