"""python -m bench append: the cost of a command on PostgreSQL.

1. Single-event commands per second (posting a message: load the thread and the
   workspace from the cache, check, append the event with its command-log entry
   and chain link, one round trip) against raw psycopg INSERT + COMMIT of the
   same stored-event rows into a table of the same shape, measured in
   alternating rounds in the same run. Target ratio >= 0.5.
2. Posting into a thread that already holds 10,000 messages against posting
   into an empty thread. Target ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

import psycopg

from bench.common import (
    content_store,
    fresh_postgres_database,
    median,
    postgres_env,
    report,
    setup_django,
    verdict,
)


def _fill_thread(app: Any, world: Any, thread_id: Any, count: int) -> None:
    """Put ``count`` messages in a thread quickly: many events per append."""
    from events.workspaces import Message

    batch: list[Any] = []
    for index in range(count):
        batch.append(
            Message(
                id=uuid.uuid4(),
                thread_id=thread_id,
                workspace_id=world.workspace_id,
                text=f"message {index}",
                mentions=[],
                actor=world.staff_tn.id,
                command_id=f"fill-{index}",
            )
        )
        if len(batch) == 500:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)


def _raw_rows(app: Any, world: Any, count: int) -> list[tuple[Any, ...]]:
    """The stored-event rows that posting ``count`` messages writes."""
    from events.workspaces import Message

    rows = []
    for index in range(count):
        message = Message(
            id=uuid.uuid4(),
            thread_id=world.thread_id,
            workspace_id=world.workspace_id,
            text="bench message",
            mentions=[],
            actor=world.staff_tn.id,
            command_id=f"raw-{index}",
        )
        stored = app.mapper.to_stored_event(message.collect_events()[0])
        rows.append((stored.originator_id, stored.originator_version, stored.topic, stored.state))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench append")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=400)
    parser.add_argument("--fill", type=int, default=10_000)
    args = parser.parse_args(argv)

    setup_django()
    from events.platform import Tawasul
    from tests.builders import build_world

    dbname = fresh_postgres_database("tawasul_bench_append")
    app = Tawasul(postgres_env(dbname), content_store=content_store())
    world = build_world(app)
    thread_id = world.thread_id
    raw = psycopg.connect(f"host=127.0.0.1 dbname={dbname} user=postgres", autocommit=True)
    raw.execute(
        "CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
        "topic text, state bytea, notification_id bigserial, "
        "PRIMARY KEY (originator_id, originator_version))"
    )
    raw.execute("CREATE UNIQUE INDEX ON raw_events (notification_id)")

    # Warm up both paths (connections, prepared statements, caches).
    for index in range(50):
        app.post_message(world.staff_tn, command_id=f"warm-{index}", thread_id=thread_id, text="warm")
    insert = "INSERT INTO raw_events (originator_id, originator_version, topic, state) VALUES (%s,%s,%s,%s)"
    for row in _raw_rows(app, world, 50):
        raw.execute(insert, row, prepare=True)

    command_rates, raw_rates = [], []
    for round_index in range(args.rounds):
        rows = _raw_rows(app, world, args.per_round)
        started = time.perf_counter()
        for row in rows:
            raw.execute(insert, row, prepare=True)
        raw_rates.append(args.per_round / (time.perf_counter() - started))
        started = time.perf_counter()
        for index in range(args.per_round):
            app.post_message(
                world.staff_tn, command_id=f"r{round_index}-{index}", thread_id=thread_id,
                text="bench message",
            )
        command_rates.append(args.per_round / (time.perf_counter() - started))
    ratio = median(command_rates) / median(raw_rates)
    report(
        "Single-event commands against raw INSERT+COMMIT (PostgreSQL, same rows, alternating rounds)",
        [
            ("raw psycopg INSERT+COMMIT per second (median)", median(raw_rates)),
            ("message.post commands per second (median)", median(command_rates)),
            ("ratio commands / raw", verdict(ratio, 0.5)),
        ],
    )

    # Posting into a long thread versus an empty one.
    full_thread = app.start_thread(
        world.staff_tn, command_id="full-thread", workspace_id=world.workspace_id, title="full"
    ).id
    empty_thread = app.start_thread(
        world.staff_tn, command_id="empty-thread", workspace_id=world.workspace_id, title="empty"
    ).id
    started = time.perf_counter()
    _fill_thread(app, world, full_thread, args.fill)
    fill_seconds = time.perf_counter() - started
    full_times, empty_times = [], []
    for round_index in range(args.rounds):
        for target, sink in ((full_thread, full_times), (empty_thread, empty_times)):
            started = time.perf_counter()
            for index in range(args.per_round // 4):
                app.post_message(
                    world.staff_tn, command_id=f"t{target}-{round_index}-{index}", thread_id=target, text="x"
                )
            sink.append((time.perf_counter() - started) / (args.per_round // 4))
    long_ratio = median(full_times) / median(empty_times)
    report(
        f"Posting into a thread of {args.fill:,} messages against an empty thread",
        [
            ("filled the thread in (s)", fill_seconds),
            ("per post, full thread (ms, median)", median(full_times) * 1000),
            ("per post, empty thread (ms, median)", median(empty_times) * 1000),
            ("ratio full / empty", verdict(long_ratio, 1.2, higher_is_better=False)),
        ],
    )
    app.close()
    raw.close()
    return 0
