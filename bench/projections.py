"""python -m bench projections: the read side on PostgreSQL.

1. Replay rate: every projector rebuilt from the first of 100,000 events, in
   events per second, against a raw SELECT scan of the events table (the same
   rows, fetched in batches) measured in the same run. Target >= 0.25.
   The same run times the floor under any replay: PostgreSQL alone writing the
   rows the rebuild wrote (INSERT ... SELECT from each read-model table into an
   empty copy with the same indexes, no Python, no decoding), and the same with
   the indexes built after the load, as a bulk loader would.

   Figures of a run (2 cores, machine otherwise quiet, PostgreSQL 15): scan
   173,000-272,000 events/s; replay 5,600-7,200 events/s (0.03); PostgreSQL
   alone writing the rebuilt rows (about 505,000: three stream items, an
   activity item and a message per posted message) 38,000-41,500 events/s
   (0.14-0.24 of the scan) and 64,500 events/s with the indexes built after the
   load (0.24-0.37). So 0.25 is beyond any replay that writes these read models
   row by row under their indexes, and even a bulk loader would have 10-15 us of
   Python per event, against about 150 us today, running beside PostgreSQL.
2. Latency from a command's return to its item being visible in the read model,
   p50 and p99 over 1,000 commands, with the projector running as its own
   process (`tawasul projector`), as in production. Target p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from typing import Any

from bench.common import fresh_postgres_database, median, percentile, report, verdict

DATABASE = "tawasul_bench_projections"


def _populate(app: Any, world: Any, total: int) -> None:
    """``total`` events, mostly messages across threads, many per append."""
    from events.workspaces import Message, Thread

    threads = [world.thread_id]
    for index in range(19):
        thread = Thread(
            id=uuid.uuid4(), workspace_id=world.workspace_id, title=f"thread {index}",
            actor=world.staff_tn.id, command_id=f"bench-thread-{index}",
        )
        app.save(thread)
        threads.append(thread.id)
    batch: list[Any] = []
    remaining = total - (app.recorder.max_notification_id() or 0)
    for index in range(remaining):
        author = world.staff_tn if index % 3 else world.partner_tn
        batch.append(
            Message(
                id=uuid.uuid4(), thread_id=threads[index % len(threads)], workspace_id=world.workspace_id,
                text=f"رسالة {index} message", mentions=[], actor=author.id, command_id=f"bench-{index}",
            )
        )
        if len(batch) == 1000:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)


def _raw_scan(dbname: str) -> tuple[int, float]:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(f"host=127.0.0.1 dbname={dbname} user=postgres", row_factory=dict_row) as conn:
        started = time.perf_counter()
        count, last = 0, 0
        while True:
            rows = conn.execute(
                "SELECT * FROM tawasul_events WHERE notification_id > %s ORDER BY notification_id LIMIT 2000",
                (last,),
            ).fetchall()
            if not rows:
                break
            count += len(rows)
            last = rows[-1]["notification_id"]
        return count, time.perf_counter() - started


def _write_floor(dbname: str, build_indexes_after: bool) -> float:
    """Seconds PostgreSQL alone takes to write every read-model row again."""
    import psycopg
    from django.apps import apps

    tables = [model._meta.db_table for model in apps.get_app_config("projections").get_models()]
    include = "INCLUDING DEFAULTS" if build_indexes_after else "INCLUDING ALL"
    elapsed = 0.0
    with psycopg.connect(f"host=127.0.0.1 dbname={dbname} user=postgres", autocommit=True) as conn:
        for table in tables:
            copy = f"bench_floor_{table}"
            conn.execute(f'DROP TABLE IF EXISTS "{copy}"')
            conn.execute(f'CREATE TABLE "{copy}" (LIKE "{table}" {include})')
            # The table's index definitions, renamed onto the copy.
            indexes = [
                row[0]
                for row in conn.execute(
                    "SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', "
                    "'CREATE \\1INDEX ON ' || quote_ident(%s) || ' ') "
                    "FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s",
                    (copy, table),
                )
            ]
            started = time.perf_counter()
            conn.execute(f'INSERT INTO "{copy}" SELECT * FROM "{table}"')
            if build_indexes_after:
                for statement in indexes:
                    conn.execute(statement)
            elapsed += time.perf_counter() - started
            conn.execute(f'DROP TABLE "{copy}"')
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench projections")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--commands", type=int, default=1_000)
    args = parser.parse_args(argv)

    fresh_postgres_database(DATABASE)
    os.environ["TAWASUL_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.pop("TAWASUL_REDIS_URL", None)
    from bench.common import setup_django

    setup_django()
    from django.core.management import call_command

    from events.platform import application
    from projections.rebuild import rebuild
    from tests.builders import build_world

    call_command("migrate", verbosity=0, interactive=False)
    app = application()
    world = build_world(app)
    started = time.perf_counter()
    _populate(app, world, args.events)
    total = app.recorder.max_notification_id() or 0
    print(f"stored {total:,} events in {time.perf_counter() - started:.1f} s")

    scans, replays, floors, bulk_floors = [], [], [], []
    for _ in range(2):
        count, seconds = _raw_scan(DATABASE)
        scans.append(count / seconds)
        started = time.perf_counter()
        rebuild()
        replays.append(total / (time.perf_counter() - started))
        floors.append(total / _write_floor(DATABASE, build_indexes_after=False))
        bulk_floors.append(total / _write_floor(DATABASE, build_indexes_after=True))
    report(
        f"Replay of {total:,} events into every read model against a raw SELECT scan",
        [
            ("raw SELECT scan, events per second (median)", median(scans)),
            ("replay, events per second (median)", median(replays)),
            ("ratio replay / scan", verdict(median(replays) / median(scans), 0.25)),
            ("PostgreSQL alone writing the rebuilt rows, events per second", median(floors)),
            ("  ratio to the scan: ceiling of a replay into these tables", median(floors) / median(scans)),
            ("  the same, indexes built after the load", median(bulk_floors)),
            ("  ratio to the scan", median(bulk_floors) / median(scans)),
        ],
    )

    # Latency with the projector as its own process, as in production.
    env = {**os.environ, "TAWASUL_PROJECTOR": "external", "TAWASUL_LOG_LEVEL": "WARNING"}
    projector = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "projector"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        from django.db import connection

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT min(position) FROM projection_position")
                (position,) = cursor.fetchone()
            if position and position >= total:
                break
            time.sleep(0.1)
        latencies = []
        for index in range(args.commands):
            result = app.post_message(
                world.staff_tn, command_id=f"latency-{index}", thread_id=world.thread_id, text="ping"
            )
            returned = time.perf_counter()
            with connection.cursor() as cursor:
                while True:
                    cursor.execute("SELECT 1 FROM rm_message WHERE id = %s", [result.id])
                    if cursor.fetchone():
                        break
                    time.sleep(0.0005)
            latencies.append((time.perf_counter() - returned) * 1000)
            time.sleep(0.005)
    finally:
        projector.terminate()
        projector.wait(timeout=10)
    p99 = percentile(latencies, 0.99)
    report(
        f"Command return -> visible in the read model, {len(latencies)} commands (projector process)",
        [
            ("p50 (ms)", percentile(latencies, 0.50)),
            ("p99 (ms)", p99),
            ("p99 under 50 ms", "met" if p99 < 50 else "NOT met"),
        ],
    )
    return 0
