"""python -m bench load: 1,000 sockets on two Daphne processes under a steady stream of commands.

Tawasul as in production, on one machine: PostgreSQL, the Redis channel layer, two
Daphne processes (``tawasul serve``) and a projector process (``tawasul
projector``). 1,000 WebSocket clients (the ``websockets`` library, token
authentication), half on each Daphne, each subscribed to its workspace and the
workspace's thread (one in a hundred, a secretariat account, also to
``feed:all``); writer sockets post 50 messages a second (``message.post``
commands) round-robin into the workspaces' threads, for ``--seconds`` (default
300). Reported:

- completeness: every socket received every item of each of its streams, counted
  against the stored stream items (the read model), in order, none twice;
- delivery latency, p50 and p99: from the moment the command was sent to the
  moment a subscribed socket received the item (command, append, projector,
  Redis, hub, socket);
- resident memory of each Daphne after the warm-up and at the end (target: the
  end within 10 % of the warm-up);
- a baseline measured in the same run: the same sockets, subscriptions and
  frames on a bare ``websockets`` broadcast server in one process, a publisher
  sending the same items at the same rate; latencies and memory as ratios.

Run from the repository root, with PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379 (TAWASUL_BENCH_PG and TAWASUL_BENCH_REDIS to change them). The
clients, the writers and the baseline publisher share this one process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.common import fresh_postgres_database, percentile, report, verdict

REDIS_URL = "redis://127.0.0.1:6379/13"
ITEM_TEXT = "load {seq} " + "نص تجريبي " * 4  # a short Arabic message, as most are


def raise_open_files_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard == resource.RLIM_INFINITY else max(soft, min(hard, needed))
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- the clients ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What all sockets received, and the send time of every item (by sequence number)."""

    sent_at: dict[int, float] = field(default_factory=dict)
    latencies: array[float] = field(default_factory=lambda: array("d"))
    measuring: bool = False
    frames: int = 0
    out_of_order: int = 0
    resubscribes: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Client:
    url: str
    streams: list[str]
    headers: dict[str, str]
    tally: Tally
    start: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    socket: Any = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    async def open(self, subscribe: Callable[[str], dict[str, Any]]) -> None:
        from websockets.asyncio.client import connect

        self.socket = await connect(self.url, additional_headers=self.headers, compression=None,
                                    ping_interval=None, open_timeout=60, max_queue=None)
        for stream in self.streams:
            await self.socket.send(json.dumps(subscribe(stream)))

    async def read(self, seq_of: Callable[[str, dict[str, Any]], int | None]) -> None:
        tally = self.tally
        waiting = set(self.streams)
        try:
            async for raw in self.socket:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "event":
                    now = time.time()
                    stream, position = frame["stream"], frame["position"]
                    if position <= self.last.get(stream, 0):
                        tally.out_of_order += 1
                        continue
                    self.last[stream] = position
                    self.count[stream] = self.count.get(stream, 0) + 1
                    tally.frames += 1
                    if tally.measuring:
                        seq = seq_of(stream, frame["data"])
                        sent = tally.sent_at.get(seq) if seq is not None else None
                        if sent is not None:
                            tally.latencies.append(now - sent)
                elif kind == "subscribed":
                    stream = frame["stream"]
                    if stream not in self.start:
                        self.start[stream] = self.last[stream] = int(frame.get("position") or 0)
                    waiting.discard(stream)
                    if not waiting:
                        self.ready.set()
                elif kind == "resubscribe":
                    tally.resubscribes += 1
                    stream = frame["stream"]
                    await self.socket.send(json.dumps(
                        {"type": "subscribe", "stream": stream, "after": self.last[stream]}))
                elif kind == "error":
                    tally.errors.append(json.dumps(frame)[:300])
        except Exception as error:  # a closed socket ends the reading
            if not self.closed:
                tally.errors.append(f"socket closed: {type(error).__name__}: {error}")


async def open_all(clients: list[Client], subscribe: Callable[[str], dict[str, Any]],
                   seq_of: Callable[[str, dict[str, Any]], int | None]) -> list[asyncio.Task[None]]:
    """Connect every client (a few dozen handshakes at a time) and wait for its subscriptions."""
    gate = asyncio.Semaphore(40)
    readers: list[asyncio.Task[None]] = []

    async def one(client: Client) -> None:
        async with gate:
            await client.open(subscribe)
            readers.append(asyncio.create_task(client.read(seq_of)))
            await asyncio.wait_for(client.ready.wait(), 300)

    await asyncio.gather(*(one(client) for client in clients))
    return readers


async def close_all(clients: list[Client], readers: list[asyncio.Task[None]]) -> None:
    for client in clients:
        client.closed = True
    await asyncio.gather(*(c.socket.close() for c in clients if c.socket), return_exceptions=True)
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)


def seq_in(text: Any) -> int | None:
    if isinstance(text, str) and text.startswith("load "):
        with contextlib.suppress(ValueError, IndexError):
            return int(text.split(" ", 2)[1])
    return None


def tawasul_seq(stream: str, data: dict[str, Any]) -> int | None:
    if stream.startswith("feed:"):
        return seq_in((data.get("object") or {}).get("label"))
    return seq_in(data.get("text"))


# --- pacing --------------------------------------------------------------------------------------------


@dataclass
class Phase:
    """A measured run: warm-up, then measurement; memory sampled at both ends."""

    seconds: float
    warmup: float
    rss: Callable[[], dict[str, int]]
    rss_warm: dict[str, int] = field(default_factory=dict)
    rss_end: dict[str, int] = field(default_factory=dict)
    rss_peak: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    async def drive(self, tally: Tally, rate: float, send: Callable[[int], Any]) -> None:
        """Call ``send(seq)`` ``rate`` times a second for ``seconds`` (warm-up included)."""
        started = time.monotonic()
        seq = 0
        next_sample = started + 5
        while True:
            now = time.monotonic()
            elapsed = now - started
            if elapsed >= self.seconds:
                break
            if not tally.measuring and elapsed >= self.warmup:
                self.rss_warm = self.rss()
                tally.measuring = True
            if now >= next_sample:
                for name, kib in self.rss().items():
                    self.rss_peak[name] = max(self.rss_peak.get(name, 0), kib)
                next_sample = now + 5
            due = int(elapsed * rate)
            while seq < due:
                seq += 1
                tally.sent_at[seq] = time.time()
                await send(seq)
            await asyncio.sleep(min(0.01, 1 / rate))
        self.sent = seq
        self.rss_end = self.rss()


# --- the baseline: a bare websockets broadcast server ------------------------------------------------------


def serve_baseline(port: int) -> None:
    """The baseline server (a child process): subscribe frames register a socket on a
    stream; a publish frame carries one item and its streams; each subscribed socket
    gets the item's frame labelled with its stream."""
    from websockets.asyncio.server import broadcast, serve

    subscribers: dict[str, set[Any]] = {}

    async def handler(socket: Any) -> None:
        mine: list[str] = []
        try:
            async for raw in socket:
                frame = json.loads(raw)
                if frame["type"] == "subscribe":
                    subscribers.setdefault(frame["stream"], set()).add(socket)
                    mine.append(frame["stream"])
                    answer = {"type": "subscribed", "stream": frame["stream"], "position": 0}
                    await socket.send(json.dumps(answer))
                elif frame["type"] == "publish":
                    for stream in frame["streams"]:
                        text = json.dumps({"type": "event", "stream": stream, "position": frame["position"],
                                           "kind": frame["kind"], "data": frame["data"]}, ensure_ascii=False)
                        broadcast(subscribers.get(stream, ()), text)
        finally:
            for stream in mine:
                subscribers.get(stream, set()).discard(socket)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None, max_queue=None):
            await asyncio.Future()

    asyncio.run(main())


def message_data(seq: int, thread: str, workspace: str, author: str) -> dict[str, Any]:
    """An item the size and shape of a posted message, as Tawasul renders it."""
    moment = "2026-05-04T09:12:44.120391+00:00"
    return {"id": "c1f0a3e2-6a4b-4d55-9a8e-0b7e5c1a8c55", "thread_id": thread, "workspace_id": workspace,
            "author": author, "text": ITEM_TEXT.format(seq=seq), "mentions": [], "retracted": False,
            "edited": False, "posted_at": moment, "edited_at": None, "version": 1, "position": seq}


async def run_baseline(args: argparse.Namespace, plan: list[tuple[str, list[str]]],
                       threads: list[tuple[str, str]]) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    from tests.processes import free_port

    port = free_port()
    code = f"from bench.load import serve_baseline; serve_baseline({port})"
    server = subprocess.Popen([sys.executable, "-c", code])
    try:
        await wait_port(port)
        tally = Tally()
        clients = [Client(f"ws://127.0.0.1:{port}/", streams, {}, tally) for _, streams in plan]
        readers = await open_all(clients, lambda s: {"type": "subscribe", "stream": s}, tawasul_seq)
        publisher = await connect(f"ws://127.0.0.1:{port}/", compression=None, ping_interval=None)

        async def publish(seq: int) -> None:
            thread, workspace = threads[seq % len(threads)]
            data = message_data(seq, thread, workspace, "5b1c0d1e-0000-4000-8000-000000000000")
            await publisher.send(json.dumps({
                "type": "publish", "position": seq, "kind": "message.posted", "data": data,
                "streams": [f"thread:{thread}", f"workspace:{workspace}", "feed:all"],
            }, ensure_ascii=False))

        phase = Phase(args.baseline_seconds, min(args.warmup, args.baseline_seconds / 3),
                      lambda: {"baseline": rss_kib(server.pid)})
        await phase.drive(tally, args.rate, publish)
        await asyncio.sleep(3)
        await publisher.close()
        await close_all(clients, readers)
        return {"phase": phase, "tally": tally}
    finally:
        server.terminate()
        server.wait(10)


async def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- Tawasul ----------------------------------------------------------------------------------------------


def stream_totals(database: str, starts: set[tuple[str, int]]) -> dict[tuple[str, int], tuple[int, int]]:
    """For each (stream, start): how many stored items came after start, and the last position."""
    from tests.processes import dsn_of

    totals = {}
    with psycopg.connect(dsn_of(database)) as conn:
        for stream, start in starts:
            count, last = conn.execute(
                "SELECT count(*), coalesce(max(position), 0) FROM rm_stream_item "
                "WHERE stream = %s AND position > %s", (stream, start),
            ).fetchone()
            totals[(stream, start)] = (int(count), int(last))
    return totals


async def run_tawasul(args: argparse.Namespace, env: dict[str, str], database: str, people: Any,
                      plan: list[tuple[str, list[str]]], logs: Path) -> dict[str, Any]:
    from tests.processes import services, start_daphne, start_projector, wait_until_projected

    with services() as started:
        projector = start_projector(env, logs)
        started.append(projector)
        daphnes = list(await asyncio.gather(
            asyncio.to_thread(start_daphne, env, logs, "daphne-a"),
            asyncio.to_thread(start_daphne, env, logs, "daphne-b"),
        ))
        started += daphnes
        await asyncio.to_thread(wait_until_projected, database, people.head, 120)
        tally = Tally()
        clients = [
            Client(daphnes[index % 2].ws_url, streams, token_header(people.tokens[user]), tally)
            for index, (user, streams) in enumerate(plan)
        ]
        began = time.monotonic()
        readers = await open_all(clients, lambda s: {"type": "subscribe", "stream": s, "after": None},
                                 tawasul_seq)
        connected_in = time.monotonic() - began

        staff = token_header(people.tokens[people.staff])
        writers = [Client(daphnes[i % 2].ws_url, [], staff, Tally()) for i in range(args.writers)]
        for writer in writers:
            await writer.open(lambda s: {})
        acks: dict[str, int] = {"ack": 0, "error": 0}
        stored = Tally()  # command sent -> its ack (the events stored)

        async def read_acks(writer: Client) -> None:
            with contextlib.suppress(Exception):
                async for raw in writer.socket:
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind in acks:
                        acks[kind] += 1
                        if kind == "error":
                            tally.errors.append(f"command: {raw[:300]!s}")
                        elif tally.measuring:
                            sent = tally.sent_at.get(int(str(frame.get("id", "load-0"))[5:] or 0))
                            if sent is not None:
                                stored.latencies.append(time.time() - sent)

        ack_readers = [asyncio.create_task(read_acks(w)) for w in writers]
        threads = [w["thread"] for w in people.workspaces]

        async def post(seq: int) -> None:
            writer = writers[seq % len(writers)]
            await writer.socket.send(json.dumps({
                "type": "command", "id": f"load-{seq}", "name": "message.post",
                "args": {"thread_id": threads[seq % len(threads)], "text": ITEM_TEXT.format(seq=seq)},
            }, ensure_ascii=False))

        phase = Phase(args.seconds, args.warmup, lambda: {d.name: rss_kib(d.process.pid) for d in daphnes})
        await phase.drive(tally, args.rate, post)

        # Let everything arrive, then count against the stored stream items.
        deadline = time.monotonic() + 180
        while acks["ack"] + acks["error"] < phase.sent and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        head = await asyncio.to_thread(_head, database)
        await asyncio.to_thread(wait_until_projected, database, head, 180)
        starts = {(s, c.start[s]) for c in clients for s in c.streams}
        totals = await asyncio.to_thread(stream_totals, database, starts)
        while time.monotonic() < deadline and any(
            c.last.get(s, 0) < totals[(s, c.start[s])][1] for c in clients for s in c.streams
        ):
            await asyncio.sleep(0.2)
        complete = sum(
            1 for c in clients
            if all(c.count.get(s, 0) == totals[(s, c.start[s])][0] for s in c.streams)
        )
        expected_frames = sum(totals[(s, c.start[s])][0] for c in clients for s in c.streams)
        alive = all(d.alive() for d in daphnes) and projector.alive()
        for writer in writers:
            writer.closed = True
            await writer.socket.close()
        for task in ack_readers:
            task.cancel()
        await close_all(clients, readers)
        return {"phase": phase, "tally": tally, "stored": stored, "complete": complete,
                "clients": len(clients), "expected_frames": expected_frames, "acks": acks,
                "connected_in": connected_in, "alive": alive, "logs": logs}


def token_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def _head(database: str) -> int:
    from tests.processes import stored_head

    return stored_head(database)


def socket_plan(people: Any, sockets: int) -> list[tuple[str, list[str]]]:
    """(user id, streams) per socket: members on their workspace and its thread; one in a
    hundred a secretariat socket that also follows the whole platform's feed."""
    plan = []
    for index in range(sockets):
        workspace = people.workspaces[index % len(people.workspaces)]
        streams = [f"thread:{workspace['thread']}", f"workspace:{workspace['id']}"]
        if index % 100 == 0:
            plan.append((people.secretariat, ["feed:all", *streams]))
        else:
            members = workspace["members"]
            plan.append((members[(index // len(people.workspaces)) % len(members)], streams))
    return plan


# --- the report ------------------------------------------------------------------------------------------


def latency_ms(tally: Tally, fraction: float) -> float:
    return percentile(list(tally.latencies), fraction) * 1000


def print_report(args: argparse.Namespace, tawasul: dict[str, Any], baseline: dict[str, Any]) -> None:
    phase, tally = tawasul["phase"], tawasul["tally"]
    base_phase, base_tally = baseline["phase"], baseline["tally"]
    rows: list[tuple[str, Any]] = [
        ("duration (s), warm-up (s)", f"{args.seconds:.0f}, {args.warmup:.0f}"),
        ("sockets (two Daphne), connected in (s)", f"{tawasul['clients']}, {tawasul['connected_in']:.1f}"),
        ("commands sent / acked / refused",
         f"{phase.sent} / {tawasul['acks']['ack']} / {tawasul['acks']['error']}"),
        ("events received / stored items to deliver", f"{tally.frames} / {tawasul['expected_frames']}"),
        ("sockets that received every item of their streams",
         f"{tawasul['complete']} of {tawasul['clients']}"),
        ("items out of order or twice", tally.out_of_order),
        ("resubscribe frames", tally.resubscribes),
        ("errors", len(tally.errors)),
        ("command -> ack (stored) p50 / p99 (ms)",
         f"{latency_ms(tawasul['stored'], 0.5):.1f} / {latency_ms(tawasul['stored'], 0.99):.1f}"),
        ("delivery latency p50 (ms)", latency_ms(tally, 0.5)),
        ("delivery latency p99 (ms)", latency_ms(tally, 0.99)),
    ]
    for name in sorted(phase.rss_warm):
        warm, end = phase.rss_warm[name] / 1024, phase.rss_end[name] / 1024
        rows.append((f"{name} RSS after warm-up / at the end / peak (MiB)",
                     f"{warm:.1f} / {end:.1f} / {phase.rss_peak.get(name, 0) / 1024:.1f}"))
        rows.append((f"{name} RSS end / warm-up", verdict(end / warm, 1.10, higher_is_better=False)))
    report("Tawasul: 2 Daphne + projector, PostgreSQL + Redis", rows)
    base_warm = base_phase.rss_warm["baseline"] / 1024
    base_end = base_phase.rss_end["baseline"] / 1024
    report(f"Baseline: bare websockets broadcast server, one process, {args.baseline_seconds:.0f} s", [
        ("events received", base_tally.frames),
        ("delivery latency p50 (ms)", latency_ms(base_tally, 0.5)),
        ("delivery latency p99 (ms)", latency_ms(base_tally, 0.99)),
        ("RSS after warm-up / at the end (MiB)", f"{base_warm:.1f} / {base_end:.1f}"),
    ])
    daphne_end = sum(phase.rss_end.values()) / 1024
    report("Ratios (Tawasul / baseline)", [
        ("latency p50", latency_ms(tally, 0.5) / latency_ms(base_tally, 0.5)),
        ("latency p99", latency_ms(tally, 0.99) / latency_ms(base_tally, 0.99)),
        ("RSS at the end (both Daphne / the baseline server)", daphne_end / base_end),
    ])
    for line in tally.errors[:10]:
        print(f"  error: {line}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="duration of the Tawasul run")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before latency and memory count")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50, help="commands per second")
    parser.add_argument("--workspaces", type=int, default=10)
    parser.add_argument("--members", type=int, default=5, help="accounts per workspace")
    parser.add_argument("--writers", type=int, default=10, help="writer sockets (20 commands/s each at most)")
    parser.add_argument("--baseline-seconds", type=float, default=60)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.processes
    from tests.processes import database_url, populate, service_env

    limit = raise_open_files_limit(4 * args.sockets + 1024)
    print(f"open files limit: {limit}", flush=True)
    database = database_url(fresh_postgres_database("tawasul_bench_load"))
    redis_url = os.environ.get("TAWASUL_BENCH_REDIS", REDIS_URL)
    env = service_env(database, redis_url=redis_url, extra={"TAWASUL_DEBUG": "false"})
    people = populate(env, workspaces=args.workspaces, members=args.members)
    plan = socket_plan(people, args.sockets)
    threads = [(w["thread"], w["id"]) for w in people.workspaces]
    print(f"baseline: {args.sockets} sockets for {args.baseline_seconds:.0f} s...", flush=True)
    baseline = asyncio.run(run_baseline(args, plan, threads))
    print(f"Tawasul: {args.sockets} sockets for {args.seconds:.0f} s...", flush=True)
    logs = Path(tempfile.mkdtemp(prefix="tawasul-bench-load-"))
    tawasul = asyncio.run(run_tawasul(args, env, database, people, plan, logs))
    print_report(args, tawasul, baseline)
    print(f"\nlogs: {logs}; all processes alive at the end: {tawasul['alive']}")
    ok = tawasul["complete"] == tawasul["clients"] and not tawasul["tally"].out_of_order
    return 0 if ok else 1


if __name__ == "__main__":
    random.seed(1)
    sys.exit(main(sys.argv[1:]))
