"""python -m bench audit: the cost of the audit.

1. ``tawasul audit verify`` over 100,000 events (reading them from the store,
   recomputing the chain, checking the time index) in events per second,
   against a bare SHA-256 over the same bytes, already in memory, measured in
   the same run: the ratio says what the store reads and the chain cost on top
   of the hashing itself.
2. The history of one aggregate with 1,000 events (every event decoded,
   applied, and diffed field by field), target under 100 ms: a message edited
   999 times (a field that grows: its edit history) and a commission whose
   profile changed 999 times.

A scratch SQLite store by default; ``--backend postgres`` uses a dedicated
database (tawasul_bench_audit), dropped and created for the run.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import (
    content_store,
    fresh_postgres_database,
    median,
    postgres_env,
    rate,
    report,
    setup_django,
    sqlite_env,
    verdict,
)

SAVE_BATCH = 1000


def _fill(app: Any, world: Any, events: int) -> None:
    """Messages in the world's thread, ``SAVE_BATCH`` aggregates per atomic save."""
    from events.workspaces import Message

    batch: list[Any] = []
    for index in range(events):
        batch.append(
            Message(
                id=uuid.uuid4(),
                thread_id=world.thread_id,
                workspace_id=world.workspace_id,
                text=f"message {index} — رسالة رقم {index}",
                mentions=[],
                actor=world.staff_tn.id,
                command_id=f"fill-{index}",
            )
        )
        if len(batch) == SAVE_BATCH:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)


def _long_message(app: Any, world: Any, events: int) -> uuid.UUID:
    from events.workspaces import Message

    message = Message(
        id=uuid.uuid4(),
        thread_id=world.thread_id,
        workspace_id=world.workspace_id,
        text="draft 0",
        mentions=[],
        actor=world.staff_tn.id,
        command_id="long-0",
    )
    for index in range(1, events):
        message.edit(f"draft {index}: " + "نص " * 20, actor=world.staff_tn.id, command_id=f"long-{index}")
    app.save(message)
    return message.id  # type: ignore[no-any-return]


def _long_commission(app: Any, world: Any, events: int) -> uuid.UUID:
    commission = app.repository.get(world.tn)
    for index in range(events - commission.version):
        commission.update_profile(
            {"phone": f"+216 71 {index:06d}"}, actor=world.sg_tn.id, command_id=f"profile-{index}"
        )
    app.save(commission)
    return commission.id  # type: ignore[no-any-return]


def _bare_sha256(app: Any, head: int) -> float:
    """Seconds to SHA-256 every event's bytes once, from memory (no chaining, no store)."""
    from events.chain import event_bytes

    payloads = []
    for first in range(1, head + 1, 5000):
        for entry in app.ledger.select_chained(first, min(first + 4999, head)):
            if entry.state is not None:
                payloads.append(
                    event_bytes(
                        entry.position,
                        entry.originator_id,
                        entry.originator_version,
                        entry.topic,
                        entry.state,
                    )
                )
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for payload in payloads:
        sha256(payload).digest()
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench audit")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=100_000, help="events in the store")
    parser.add_argument("--history", type=int, default=1000, help="events of the one aggregate")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    setup_django()
    from events.audit import service
    from events.platform import Tawasul
    from tests.builders import build_world

    if args.backend == "postgres":
        env = postgres_env(fresh_postgres_database("tawasul_bench_audit"))
    else:
        env = sqlite_env(str(Path(tempfile.mkdtemp(prefix="tawasul-bench-audit-")) / "events.sqlite3"))
    app = Tawasul(env, content_store=content_store())
    world = build_world(app)
    message_id = _long_message(app, world, args.history)
    commission_id = _long_commission(app, world, args.history)
    started = time.perf_counter()
    _fill(app, world, args.events - (app.recorder.max_notification_id() or 0))
    fill_seconds = time.perf_counter() - started
    head = service.store_head(app)

    verify_rates, plain_rates, bare_rates = [], [], []
    for _ in range(args.rounds):
        result = service.verify_store(app)
        assert result.ok, result.as_json()
        verify_rates.append(rate(result.chain.events, result.seconds))
        plain = service.verify_store(app, check_times=False)
        plain_rates.append(rate(plain.chain.events, plain.seconds))
        bare_rates.append(rate(head, _bare_sha256(app, head)))
    ratio = median(verify_rates) / median(bare_rates)
    report(
        f"Verifying the chain of {head:,} events ({args.backend}) against a bare SHA-256 of the same bytes",
        [
            ("store filled in (s)", fill_seconds),
            ("bare SHA-256 from memory, events/s (median)", median(bare_rates)),
            ("audit verify, events/s (median)", median(verify_rates)),
            ("audit verify without the time index check, events/s", median(plain_rates)),
            ("ratio verify / bare SHA-256", f"{ratio:.3f}"),
            ("100,000 events verified in (s)", 100_000 / median(verify_rates)),
        ],
    )

    rows = []
    for label, kind, aggregate_id in (
        ("a message edited 999 times", "message", message_id),
        ("a commission whose profile changed 999 times", "commission", commission_id),
    ):
        found = service.aggregate_history(app, kind, aggregate_id)
        assert len(found.entries) == args.history
        assert found.linked
        times = []
        for _ in range(max(args.rounds, 5)):
            started = time.perf_counter()
            service.aggregate_history(app, kind, aggregate_id)
            times.append(time.perf_counter() - started)
        milliseconds = median(times) * 1000
        rows.append((f"history of {label} (ms, median)", milliseconds))
        rows.append(("  under 100 ms", verdict(milliseconds, 100.0, higher_is_better=False)))
        started = time.perf_counter()
        service.aggregate_state(app, kind, aggregate_id, version=args.history // 2)
        rows.append(("  its state at the middle version (ms)", (time.perf_counter() - started) * 1000))
    report(f"History of one aggregate with {args.history:,} events", rows)
    app.close()
    return 0
