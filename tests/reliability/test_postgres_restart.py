"""PostgreSQL crashes and restarts under a stream of commands (a private cluster).

A Daphne process and a projector process run on a PostgreSQL cluster of this test
alone; four clients post messages over HTTP, each with its own Idempotency-Key.
The cluster is crashed (``pg_ctl stop -m immediate``) and started again, then
shut down cleanly (``-m fast``) and started again. Neither Tawasul process is
restarted.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.processes import (
    dsn_of,
    populate,
    request,
    service_env,
    services,
    start_daphne,
    start_projector,
    stored_head,
    wait_until_projected,
)
from tests.reliability.conftest import PrivateCluster, assert_history_whole

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SUCCESS = {200, 201, 202}


@dataclass
class Attempt:
    key: str
    text: str
    sent: float
    ended: float
    status: int
    content_type: str
    code: str | None
    retry_after: str | None


class Writers:
    """Clients posting messages as fast as they are answered, until stopped."""

    def __init__(self, base: str, thread: str, token: str, clients: int = 4) -> None:
        self.base = base
        self.path = f"/api/v1/threads/{thread}/messages/"
        self.token = token
        self.attempts: list[Attempt] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)]

    def post(self, key: str, text: str) -> Attempt:
        sent = time.monotonic()
        try:
            status, headers, body = request(
                self.base,
                "POST",
                self.path,
                token=self.token,
                body={"text": text},
                headers={"Idempotency-Key": key},
                timeout=120,
            )
        except OSError as error:  # the server itself failed: recorded, and the test fails
            return Attempt(key, text, sent, time.monotonic(), 0, type(error).__name__, None, None)
        code = body.get("code") if isinstance(body, dict) else None
        return Attempt(
            key,
            text,
            sent,
            time.monotonic(),
            status,
            headers.get("content-type", ""),
            code,
            headers.get("retry-after"),
        )

    def _run(self, client: int) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            attempt = self.post(str(uuid.uuid4()), f"client {client} message {number}")
            self.attempts.append(attempt)
            # As a client should: wait a little after a 503 (less than its Retry-After, to
            # meet the outage often).
            time.sleep(0.2 if attempt.status == 503 else 0.02)

    def first_success_after(self, moment: float, timeout: float = 60) -> float:
        """Seconds from ``moment`` to the end of the first successful request sent after it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ends = [a.ended for a in list(self.attempts) if a.sent >= moment and a.status in SUCCESS]
            if ends:
                return min(ends) - moment
            time.sleep(0.1)
        raise AssertionError(f"no command succeeded within {timeout}s after PostgreSQL came back")

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=180)


def test_commands_during_a_postgresql_restart_get_503_and_none_is_half_applied(
    private_postgres: PrivateCluster, tmp_path: Path
) -> None:
    database = private_postgres.create_database("tawasul")
    env = service_env(database, var_dir=tmp_path / "var")
    people = populate(env)
    token = people.tokens[people.staff]
    with services() as started:
        daphne = start_daphne(env, tmp_path / "logs")
        projector = start_projector(env, tmp_path / "logs")
        started += [daphne, projector]
        wait_until_projected(database, people.head, timeout=60)

        recovery: dict[str, float] = {}
        with Writers(daphne.url, people.thread, token) as writers:
            time.sleep(2)
            for mode, down_for in (("immediate", 3.0), ("fast", 2.0)):
                private_postgres.stop(mode)
                time.sleep(down_for)
                private_postgres.start()
                recovery[mode] = writers.first_success_after(time.monotonic())
                time.sleep(1)
        attempts = list(writers.attempts)

        # Every answer is a success or a 503 problem that says what to do; never a 500.
        statuses = Counter(a.status for a in attempts)
        unavailable = [a for a in attempts if a.status == 503]
        assert set(statuses) <= SUCCESS | {503}, statuses
        assert unavailable, "no request met the outage"
        for attempt in unavailable:
            assert attempt.content_type == "application/problem+json"
            assert attempt.code == "unavailable"
            assert attempt.retry_after

        # The refused ones, sent again with the same key, take effect once.
        last = {a.key: a for a in attempts}
        retried = [a for a in last.values() if a.status not in SUCCESS]
        for attempt in retried:
            again = writers.post(attempt.key, attempt.text)
            assert again.status in SUCCESS, again
        head = stored_head(database)
        caught_up = wait_until_projected(database, head, timeout=120)
        with psycopg.connect(dsn_of(database)) as conn:
            rows = conn.execute(
                "SELECT text FROM rm_message WHERE thread_id = %s", (uuid.UUID(people.thread),)
            ).fetchall()
        texts = Counter(text for (text,) in rows)
        assert set(texts) == {a.text for a in last.values()}
        assert max(texts.values()) == 1, texts.most_common(3)

        # Neither process was restarted: both recovered by themselves.
        assert daphne.alive() and projector.alive(), daphne.log_tail() + projector.log_tail()
        totals = assert_history_whole(database, env)

    latencies = sorted(a.ended - a.sent for a in unavailable)
    print(
        f"\nFIGURE postgres-restart: {len(attempts)} requests during two restarts "
        f"({statuses[201] + statuses[200]} created, {statuses[202]} accepted, "
        f"{len(unavailable)} answered 503 in {latencies[0]:.2f}-{latencies[-1]:.2f} s, 0 other); "
        f"{len(retried)} retried with the same key, all took effect once; "
        f"first success {recovery['immediate']:.2f} s after the crash recovery and "
        f"{recovery['fast']:.2f} s after the clean restart; read models caught up {caught_up:.2f} s "
        f"after the last command; {totals['events']} events, {totals['commands']} commands, chain and "
        f"rebuild check OK"
    )
