"""python -m bench append: the cost of a command on PostgreSQL.

1. Single-event commands per second (posting a message: load the thread and the
   workspace from the cache, check, append the event with its command-log entry
   and chain link, one round trip) against raw psycopg INSERT + COMMIT of the
   same stored-event rows into a table of the same shape, measured in
   alternating rounds in the same run. Target ratio >= 0.5.
   The same rounds also time where a command's cost lies, against the same raw
   rate: the store's append function called alone with the parameters of a real
   post (no Python around it: the floor of the guarantees the append keeps, the
   lock, stale-read check, chain link, command log and NOTIFY), and a PL/pgSQL
   function of the same parameters that only inserts the event row (the floor of
   any one-round-trip append through a function).
2. Posting into a thread that already holds 10,000 messages against posting
   into an empty thread. Target ratio <= 1.2.

Figures of a run (2 cores, machine otherwise quiet, PostgreSQL 15), per call:
raw INSERT+COMMIT 0.18-0.20 ms; the bare insert function 0.25 ms (0.8 of raw);
the append function alone 0.31 ms (0.6 of raw); message.post 0.55-0.62 ms (0.31-
0.39 of raw), of which about 0.09 ms is Python (domain, mapper, eventsourcing's
save) and 0.39 ms the append's execute in the application (slower than in the
tight loop: the server is no longer hot between calls).
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
    rate,
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


# A function with the append's parameters that only inserts the event row.
_INSERT_ONLY = """
CREATE FUNCTION bench_insert_only(p_id uuid, p_version bigint, p_topic text, p_state bytea,
    p_moment timestamptz, read_ids uuid[], read_versions bigint[], p_command_id text,
    p_actor text, p_name text, p_fingerprint text, p_result text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE pos bigint;
BEGIN
    INSERT INTO raw_events (originator_id, originator_version, topic, state)
        VALUES (p_id, p_version, p_topic, p_state) RETURNING notification_id INTO pos;
    RETURN pos;
END $$"""


class _AppendCall:
    """Calls of the append functions with the parameters of one real post, each
    with a fresh event id and command id (a post of the same message again)."""

    def __init__(self, app: Any, world: Any, raw: psycopg.Connection[Any]) -> None:
        captured: list[tuple[Any, ...]] = []
        cursor_class = psycopg.Cursor
        original = cursor_class.execute

        def capture(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
            if params is not None and len(params) == 12:
                captured.append(tuple(params))
            return original(self, query, params, **kwargs)

        cursor_class.execute = capture  # type: ignore[method-assign]
        try:
            app.post_message(
                world.staff_tn, command_id="captured", thread_id=world.thread_id, text="bench message"
            )
        finally:
            cursor_class.execute = original  # type: ignore[method-assign]
        self.params = captured[0]
        self.raw = raw
        self.count = 0
        raw.execute(_INSERT_ONLY)

    def __call__(self, function: str) -> None:
        self.count += 1
        params = (uuid.uuid4(), *self.params[1:7], f"floor-{self.count}", *self.params[8:])
        self.raw.execute(f"SELECT {function}(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", params, prepare=True)


def _per_second(count: int, call: Any) -> float:
    started = time.perf_counter()
    for _ in range(count):
        call()
    return rate(count, time.perf_counter() - started)


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

    append_call = _AppendCall(app, world, raw)
    for function in ("tawasul_append_one", "bench_insert_only"):
        for _ in range(50):
            append_call(function)

    command_rates, raw_rates, function_rates, insert_only_rates = [], [], [], []
    for round_index in range(args.rounds):
        function_rates.append(_per_second(args.per_round, lambda: append_call("tawasul_append_one")))
        insert_only_rates.append(_per_second(args.per_round, lambda: append_call("bench_insert_only")))
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
    floor = median(function_rates) / median(raw_rates)
    report(
        "Where a command's cost lies: the append's SQL alone, without Python (same rounds, same raw rate)",
        [
            ("append function alone, calls per second (median)", median(function_rates)),
            ("  ratio to raw: the floor with the append's guarantees", floor),
            ("insert-only function, same parameters (median)", median(insert_only_rates)),
            ("  ratio to raw: the floor of any append through a function",
             median(insert_only_rates) / median(raw_rates)),
            ("message.post: ms per command beyond the append function alone",
             (1 / median(command_rates) - 1 / median(function_rates)) * 1000),
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
