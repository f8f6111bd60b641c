"""``tawasul cluster up|down|status``: the production topology on one machine.

Two Daphne workers and two projectors as local processes, on the PostgreSQL and
Redis named by ``TAWASUL_DATABASE_URL`` and ``TAWASUL_REDIS_URL`` (both required:
the in-memory layer and SQLite cannot be shared between processes). ``up``
migrates once, then starts each process in a session of its own and records it
under ``$TAWASUL_VAR_DIR/cluster/``: ``<name>.pid``, ``<name>.log`` and
``cluster.json`` (what ``status`` and ``down`` read). The projectors elect
their leader with the runner's advisory lock (projections/runner.py); each one
names its database sessions ``tawasul-<name>`` so that ``status`` can tell
which one holds it.

This is the topology of deploy/ (compose, systemd) for development, tests and
small installations; it is no supervisor: a process that dies stays dead until
``down`` and ``up`` again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.cli.setup import prepare_store, setup

DEFAULT_PORTS = (8001, 8002)
STATE_FILE = "cluster.json"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
NEEDED = ("TAWASUL_DATABASE_URL", "TAWASUL_REDIS_URL")


@dataclass
class Member:
    """One process of the cluster, as recorded by ``up``."""

    name: str
    kind: str  # "web" or "projector"
    pid: int
    port: int | None
    log: str
    started: float  # the process's start time (from /proc), to tell a reused pid

    @property
    def application_name(self) -> str:
        return f"tawasul-{self.name}"


def cluster_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "cluster"


# --- processes ---------------------------------------------------------------------------------


def _start_time(pid: int) -> float:
    """The start time of ``pid`` in clock ticks since boot (0 where /proc is missing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: count from its closing parenthesis.
    fields = stat.rsplit(")", 1)[1].split()
    return float(fields[19])


def alive(member: Member) -> bool:
    try:
        os.kill(member.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{member.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    if state == "Z":
        return False
    return not member.started or _start_time(member.pid) == member.started


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _spawn(name: str, kind: str, arguments: list[str], port: int | None, directory: Path) -> Member:
    log_path = directory / f"{name}.log"
    env = {
        **os.environ,
        "TAWASUL_PROJECTOR": "external",
        "PGAPPNAME": f"tawasul-{name}",  # libpq names this process's database sessions
        "PYTHONUNBUFFERED": "1",
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            [sys.executable, "-m", "core.cli", *arguments],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: `down` signals it whole
        )
    (directory / f"{name}.pid").write_text(f"{process.pid}\n")
    return Member(name, kind, process.pid, port, str(log_path), _start_time(process.pid))


def _save(directory: Path, members: list[Member], host: str) -> None:
    state = {"host": host, "members": [asdict(m) for m in members]}
    temporary = directory / f"{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(state, indent=2))
    temporary.replace(directory / STATE_FILE)


def load(directory: Path) -> tuple[str, list[Member]]:
    try:
        state = json.loads((directory / STATE_FILE).read_text())
    except FileNotFoundError:
        return "127.0.0.1", []
    return state["host"], [Member(**m) for m in state["members"]]


def _signal(member: Member, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(member.pid, signum)


def stop(members: list[Member], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to every process group, then SIGKILL to those still there after ``timeout``."""
    running = [m for m in members if alive(m)]
    for member in running:
        _signal(member, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while running and time.monotonic() < deadline:
        time.sleep(0.1)
        running = [m for m in running if alive(m)]
    for member in running:
        _signal(member, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(alive(m) for m in running) and time.monotonic() < deadline:
        time.sleep(0.05)


# --- what each process says ----------------------------------------------------------------------


def health(host: str, port: int, timeout: float = 3.0) -> str:
    """``ok``, ``503`` (the worker answers but a dependency does not) or ``down``."""
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return "ok" if response.status == 200 else str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (OSError, urllib.error.URLError):
        return "down"


def leader_application_name(database_url: str | None = None) -> str | None:
    """The ``application_name`` of the session holding the projector's advisory lock."""
    import psycopg

    from projections.runner import LEADER_LOCK_KEY

    url = database_url or os.environ["TAWASUL_DATABASE_URL"]
    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s "
            # Advisory locks belong to a database: other databases' projectors hold theirs.
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (LEADER_LOCK_KEY >> 32, LEADER_LOCK_KEY & 0xFFFFFFFF),
        ).fetchone()
    return str(row[0]) if row else None


def projector_lag() -> str:
    """How far the read models are behind the store (``lag N``), for the projectors' health."""
    try:
        from projections.queries import projection_status

        return f"lag {max((s.lag for s in projection_status()), default=0)}"
    except Exception as error:
        return f"unknown ({type(error).__name__})"


def describe(host: str, members: list[Member]) -> list[dict[str, Any]]:
    try:
        leading: str | None = leader_application_name()
    except Exception as error:
        leading = f"unknown ({type(error).__name__})"
    lag = projector_lag() if any(m.kind == "projector" for m in members) else ""
    rows = []
    for member in members:
        is_alive = alive(member)
        row: dict[str, Any] = {**asdict(member), "alive": is_alive}
        if member.kind == "web":
            row["health"] = health(host, member.port) if is_alive and member.port else "down"
        else:
            row["leader"] = is_alive and leading == member.application_name
            row["health"] = lag if is_alive else "down"
        rows.append(row)
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'process':<13} {'pid':>8} {'alive':<6} {'port/leader':<12} {'health':<8} log")
    for row in rows:
        role = str(row["port"]) if row["kind"] == "web" else ("leader" if row.get("leader") else "standby")
        print(f"{row['name']:<13} {row['pid']:>8} {'yes' if row['alive'] else 'no':<6} "
              f"{role:<12} {row['health']:<8} {row['log']}")


# --- the commands ----------------------------------------------------------------------------------


def up(args: argparse.Namespace) -> int:
    missing = [name for name in NEEDED if not os.environ.get(name, "").strip()]
    if missing:
        print(
            f"tawasul cluster up needs {' and '.join(missing)}: the processes share PostgreSQL "
            "and Redis (e.g. TAWASUL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tawasul "
            "TAWASUL_REDIS_URL=redis://127.0.0.1:6379/0).",
            file=sys.stderr,
        )
        return 2
    setup()
    directory = cluster_dir()
    directory.mkdir(parents=True, exist_ok=True)
    host, members = load(directory)
    running = [m for m in members if alive(m)]
    if running:
        if len(running) == len(members):
            print("The cluster is already up:")
            _print_table(describe(host, members))
            return 0
        print("The cluster is partly up (some processes died): run `tawasul cluster down` first.",
              file=sys.stderr)
        _print_table(describe(host, members))
        return 1
    ports = list(args.ports)
    busy = [port for port in ports if not _port_free(args.host, port)]
    if busy:
        print(f"Port(s) {', '.join(map(str, busy))} on {args.host} already in use: choose others "
              "with --ports.", file=sys.stderr)
        return 1

    print("Migrating...", flush=True)
    prepare_store()
    if args.seed:
        from core.demo import seed

        print("Seeding the demo data...", flush=True)
        seed()
    started: list[Member] = []
    try:
        for index, port in enumerate(ports, start=1):
            serve = ["serve", "--host", args.host, "--port", str(port), "--no-seed"]
            started.append(_spawn(f"web-{index}", "web", serve, port, directory))
        for index in range(1, args.projectors + 1):
            started.append(_spawn(f"projector-{index}", "projector", ["projector"], None, directory))
        _save(directory, started, args.host)
        _wait_until_ready(args.host, started, args.timeout)
    except (RuntimeError, KeyboardInterrupt) as error:
        print(f"The cluster did not start: {error}", file=sys.stderr)
        for member in started:
            tail = Path(member.log).read_text(errors="replace")[-2000:]
            print(f"--- {member.name} ({member.log}) ---\n{tail}", file=sys.stderr)
        stop(started)
        (directory / STATE_FILE).unlink(missing_ok=True)
        return 1
    _print_table(describe(args.host, started))
    return 0


def _wait_until_ready(host: str, members: list[Member], timeout: float) -> None:
    """Every worker answers /healthz with 200, and one of the projectors leads."""
    deadline = time.monotonic() + timeout
    waiting = [m.name for m in members]
    while waiting:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready after {timeout:.0f} s: {', '.join(waiting)}")
        dead = [m.name for m in members if not alive(m)]
        if dead:
            raise RuntimeError(f"exited: {', '.join(dead)}")
        rows = describe(host, members)
        led = any(row.get("leader") for row in rows)
        waiting = [
            row["name"] for row in rows
            if not (row["health"] == "ok" if row["kind"] == "web" else led)
        ]
        if waiting:
            time.sleep(0.3)


def status(args: argparse.Namespace) -> int:
    setup()
    host, members = load(cluster_dir())
    if not members:
        print("[]" if args.json else f"The cluster is down (nothing recorded in {cluster_dir()}).")
        return 3
    rows = describe(host, members)
    if args.json:
        print(json.dumps(rows))
    else:
        _print_table(rows)
    return 0 if all(row["alive"] for row in rows) else 1


def down(args: argparse.Namespace) -> int:
    setup()
    directory = cluster_dir()
    _, members = load(directory)
    if not members:
        print("The cluster is not up.")
        return 0
    stop(members, args.timeout)
    for member in members:
        (directory / f"{member.name}.pid").unlink(missing_ok=True)
    (directory / STATE_FILE).unlink(missing_ok=True)
    print(f"Stopped {len(members)} processes (logs kept in {directory}).")
    return 0


def _ports(value: str) -> list[int]:
    try:
        ports = [int(item) for item in value.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("ports are numbers separated by commas, e.g. 8001,8002") from None
    if not ports or len(set(ports)) != len(ports):
        raise argparse.ArgumentTypeError("give one or more different ports, e.g. 8001,8002")
    return ports


def add_parsers(commands: Any) -> None:
    cluster = commands.add_parser("cluster", help="PostgreSQL + Redis topology as local processes")
    actions = cluster.add_subparsers(dest="action", required=True)
    up_parser = actions.add_parser("up", help="migrate, start two Daphne workers and two projectors")
    up_parser.add_argument("--host", default="127.0.0.1")
    up_parser.add_argument("--ports", type=_ports, default=list(DEFAULT_PORTS),
                           help="the workers' ports, comma-separated (default 8001,8002)")
    up_parser.add_argument("--projectors", type=int, default=2, help="how many projectors (default 2)")
    up_parser.add_argument("--seed", action="store_true", help="write the demo data after migrating")
    up_parser.add_argument("--timeout", type=float, default=START_TIMEOUT,
                           help="seconds to wait for every process to be ready")
    status_parser = actions.add_parser("status", help="each process: pid, alive, port or leader, health")
    status_parser.add_argument("--json", action="store_true", help="as JSON")
    down_parser = actions.add_parser("down", help="stop every process (SIGTERM, then SIGKILL)")
    down_parser.add_argument("--timeout", type=float, default=STOP_TIMEOUT,
                             help="seconds between SIGTERM and SIGKILL")
    cluster.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return {"up": up, "status": status, "down": down}[args.action](args)
