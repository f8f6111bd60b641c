"""Real processes for the tests that need them (and for the benchmarks).

- databases: ``database_url``, ``dsn_of``, ``dedicated_database`` (a new database
  on the shared server, dropped afterwards), ``stored_head`` and
  ``projected_position`` read straight from PostgreSQL;
- ``service_env``: the environment of a Tawasul process on a database (and Redis);
- ``populate``: accounts with tokens and a world built through the commands, in a
  child process on that environment (migrations applied first);
- ``start_daphne`` (`tawasul serve`), ``start_projector`` (`tawasul projector`):
  a :class:`Service` each, logged to a file; ``services()`` stops what was started;
- ``RedisServer``: a private redis-server on a free port, never the shared one,
  that a test may kill and start again;
- ``request``: one HTTP request with a token; ``tawasul``: one CLI command.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("TAWASUL_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


# --- ports and processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], timeout: float, log: Path | None = None
) -> None:
    """Until ``process`` listens on ``port``; AssertionError (with its log) if it dies or is late."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise AssertionError(f"{process.args} not listening on {port} after {timeout:.0f} s:\n{tail(log)}")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it lingers; reaped either way."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@dataclass
class Service:
    """A Tawasul process of a test: its name, process, log and (for Daphne) port."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    @property
    def origin(self) -> str:
        """An Origin this server accepts (a served host)."""
        return self.url

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return f"--- {self.name} ---\n{tail(self.log, lines)}\n"

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash."""
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)


def _start(env: Mapping[str, str], logs: Path, name: str, arguments: list[str]) -> subprocess.Popen[bytes]:
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{name}.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "core.cli", *arguments],
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


def start_daphne(
    env: Mapping[str, str],
    logs: Path,
    name: str = "daphne",
    *,
    port: int | None = None,
    timeout: float = 90.0,
) -> Service:
    """`tawasul serve` (Daphne, no projector of its own, no seed) on a free port; returns
    once it listens."""
    port = port or free_port()
    process = _start(
        {**env, "TAWASUL_PROJECTOR": "external"},
        logs,
        name,
        ["serve", "--no-seed", "--host", "127.0.0.1", "--port", str(port)],
    )
    service = Service(name, process, logs / f"{name}.log", port)
    try:
        wait_for_port(port, process, timeout, service.log)
    except AssertionError:
        service.stop()
        raise
    return service


def start_projector(env: Mapping[str, str], logs: Path, name: str = "projector") -> Service:
    """`tawasul projector`: the projector as its own process."""
    process = _start({"PGAPPNAME": name, **env, "TAWASUL_PROJECTOR": "external"}, logs, name, ["projector"])
    return Service(name, process, logs / f"{name}.log")


@contextlib.contextmanager
def services() -> Iterator[list[Service]]:
    """A list to put started services in; each is stopped (and reaped) at the end."""
    started: list[Service] = []
    try:
        yield started
    finally:
        for service in reversed(started):
            with contextlib.suppress(Exception):
                service.stop()


def tawasul(
    env: Mapping[str, str], *arguments: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """One `tawasul` command on ``env``, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *arguments],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# --- PostgreSQL ----------------------------------------------------------------------------------


def database_url(name: str, *, host: str = "127.0.0.1", port: int = 5432, user: str = "postgres") -> str:
    return f"postgres://{user}@{host}:{port}/{name}"


def dsn_of(url: str) -> str:
    """The libpq DSN of a postgres:// URL."""
    parts = urlsplit(url)
    dsn = (
        f"host={parts.hostname or '127.0.0.1'} port={parts.port or 5432} "
        f"user={parts.username or 'postgres'} dbname={parts.path.lstrip('/')}"
    )
    return f"{dsn} password={parts.password}" if parts.password else dsn


@contextlib.contextmanager
def dedicated_database(prefix: str) -> Iterator[str]:
    """A new database (``<prefix>_<random>``) on the shared server, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def stored_head(database: str) -> int:
    """The position of the last stored event."""
    with psycopg.connect(dsn_of(database)) as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM tawasul_events").fetchone()
    return int(row[0]) if row else 0


def projected_position(database: str) -> int:
    """The position every read model has reached (the lowest tracking position)."""
    with psycopg.connect(dsn_of(database)) as conn:
        row = conn.execute("SELECT coalesce(min(position), 0) FROM projection_position").fetchone()
    return int(row[0]) if row else 0


def wait_until_projected(database: str, head: int, timeout: float) -> float:
    """Seconds until the read models reach ``head``; AssertionError after ``timeout``."""
    started = time.monotonic()
    while True:
        with contextlib.suppress(psycopg.Error):
            if projected_position(database) >= head:
                return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"read models short of {head} after {timeout:.0f} s")
        time.sleep(0.05)


def service_env(
    database: str,
    *,
    redis_url: str | None = None,
    var_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a Tawasul process on ``database`` (and ``redis_url``)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TAWASUL_", "PYTEST_", "DJANGO_"))
    }
    var = var_dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"tawasul-var-{uuid.uuid4().hex[:8]}"
    var.mkdir(parents=True, exist_ok=True)
    env.update(
        TAWASUL_DATABASE_URL=database,
        TAWASUL_VAR_DIR=str(var),
        TAWASUL_PROJECTOR="external",
        TAWASUL_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="core.settings",
    )
    if redis_url:
        env["TAWASUL_REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


# --- people ------------------------------------------------------------------------------------------


@dataclass
class Population:
    """Accounts (user ids, with tokens) and the world ``populate`` built."""

    secretariat: str
    staff: str
    commission: str
    workspaces: list[dict[str, Any]]  # {"id", "thread", "members": [user ids]}
    tokens: dict[str, str]
    head: int
    auditor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def workspace(self) -> str:
        return str(self.workspaces[0]["id"])

    @property
    def thread(self) -> str:
        return str(self.workspaces[0]["thread"])


def populate(env: Mapping[str, str], *, workspaces: int = 1, members: int = 2) -> Population:
    """Migrate the database of ``env`` and build, through the commands, a commission
    whose staff member created ``workspaces`` workspaces (a thread each) with
    ``members`` more members each (people of a partner school); every person has an
    account and a token."""
    code = f"from tests.processes import populate_here; populate_here({workspaces}, {members})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"populate failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return Population(**json.loads(done.stdout.strip().splitlines()[-1]))


def populate_here(workspaces: int, members: int) -> None:
    """The child of :func:`populate`: prints the population as JSON on its last line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from events.ids import commission_id
    from events.platform import application
    from events.roles import Actor, Role

    call_command("migrate", interactive=False, verbosity=0)
    app = application()
    tokens: dict[str, str] = {}

    def account(username: str) -> str:
        user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
        tokens[str(user.pk)] = Token.objects.create(user=user).key
        return str(user.pk)

    def command() -> str:
        return str(uuid.uuid4())

    system = Actor.system()
    secretariat, auditor, staff = account("secretariat"), account("auditor"), account("staff")
    app.register_organisation(system, command_id=command(), acronym="ALECSO", name={"en": "ALECSO"})
    app.add_organisation_member(system, command_id=command(), user_id=secretariat, role="secretariat")
    app.add_organisation_member(system, command_id=command(), user_id=auditor, role="auditor")
    app.register_commission(system, command_id=command(), country="TN", name={"ar": "تونس"})
    tn = commission_id("TN")
    app.add_commission_member(system, command_id=command(), commission_id=tn, user_id=staff, role="staff")
    creator = Actor.holding(staff, Role.STAFF, commission_id=tn)
    # Members belong to a partner school of the commission: a person with no
    # affiliation at all may not take part in a workspace (events/policy.py).
    partner = app.register_partner(
        creator, command_id=command(), kind="school", country="TN", name={"ar": "مدرسة"}, commission_id=tn
    )
    built = []
    for number in range(workspaces):
        workspace = app.create_workspace(
            creator, command_id=command(), name=f"Workspace {number}", commission_id=tn
        )
        people = [staff]
        for member in range(members):
            user = account(f"member-{number}-{member}")
            app.add_partner_member(Actor.system(), command_id=command(), partner_id=partner.id, user_id=user)
            app.add_workspace_member(creator, command_id=command(), workspace_id=workspace.id, user_id=user)
            people.append(user)
        thread = app.start_thread(
            creator, command_id=command(), workspace_id=workspace.id, title=f"Thread {number}"
        )
        built.append({"id": str(workspace.id), "thread": str(thread.id), "members": people})
    head = int(app.recorder.max_notification_id() or 0)
    print(
        json.dumps(
            {
                "secretariat": secretariat,
                "auditor": auditor,
                "staff": staff,
                "commission": str(tn),
                "workspaces": built,
                "tokens": tokens,
                "head": head,
            }
        )
    )


# --- HTTP ---------------------------------------------------------------------------------------------


def request(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], Any]:
    """One HTTP request: (status, headers with lower-case names, the JSON body or the text)."""
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        sent["Content-Type"] = "application/json"
    if token:
        sent["Authorization"] = f"Token {token}"
    call = urllib.request.Request(base.rstrip("/") + path, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            status, received, raw = response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        status, received, raw = error.code, dict(error.headers.items()), error.read()
    lowered = {name.lower(): value for name, value in received.items()}
    text = raw.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, lowered, parsed


# --- Redis ----------------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a free port, without persistence: killing it loses
    everything it held (channels, groups, messages), as a crashed Redis does."""

    def __init__(self, logs: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.logs = logs
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.starts += 1
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"redis-{self.starts}.log"
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, 15, log)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
