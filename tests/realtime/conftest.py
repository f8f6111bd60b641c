"""Fixtures of the realtime tests.

- ``people``: a world built through the commands (two commissions, a partner
  school, a Tunisian workspace with a thread) whose every person is a real
  account with an API token; projected synchronously.
- ``projector``: the projector running in a thread of this process, publishing
  through realtime/publisher.py (to the hub directly on the in-memory layer, to
  Redis when TAWASUL_REDIS_URL is set).
- ``connect``: opens sockets through the real ASGI stack (origin check, session,
  token) with channels' WebsocketCommunicator; closes them and the hub after the test.
- ``stored_head`` and ``rest``: the event store's last position, and a REST call
  with a person's token, from async tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from events.ids import commission_id
from events.platform import Tawasul
from events.roles import Actor, Role
from projections.projectors import all_projectors
from projections.runner import ProjectionRunner
from tests.conftest import unreachable

PASSWORD = "a-long-enough-Pa55word"
ROLES = ("secretariat", "auditor", "sg_tn", "staff_tn", "staff_ma", "partner_tn", "outsider")
TIMEOUT = 5.0


def cid() -> str:
    return str(uuid.uuid4())


def redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure means unreachable
        unreachable("Redis", error)


@dataclass
class People:
    app: Tawasul
    project: Callable[[], int]
    users: dict[str, Any] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)

    def user_id(self, role: str) -> str:
        return str(self.users[role].pk)

    @property
    def thread(self) -> str:
        return f"thread:{self.ids['thread']}"

    @property
    def workspace(self) -> str:
        return f"workspace:{self.ids['workspace']}"

    def post(self, role: str, text: str, thread: UUID | None = None) -> int:
        """A message posted through the use case (as another client would)."""
        return self.app.post_message(
            self.actors[role], command_id=cid(), thread_id=thread or self.ids["thread"], text=text
        ).position


@pytest.fixture
def people(tawasul: Tawasul) -> People:
    app = tawasul
    runner = ProjectionRunner(app, all_projectors())
    world = People(app=app, project=runner.catch_up)
    for role in ROLES:
        user = get_user_model().objects.create_user(
            username=role.replace("_", "."), password=PASSWORD, email=f"{role}@example.org"
        )
        world.users[role] = user
        world.tokens[role] = Token.objects.create(user=user).key
    system = Actor.system()
    tn, ma = commission_id("TN"), commission_id("MA")
    world.ids.update(tn=tn, ma=ma)
    app.register_organisation(system, command_id=cid(), acronym="ALECSO", name={"en": "ALECSO"})
    app.add_organisation_member(
        system, command_id=cid(), user_id=world.user_id("secretariat"), role="secretariat"
    )
    app.add_organisation_member(system, command_id=cid(), user_id=world.user_id("auditor"), role="auditor")
    app.register_commission(system, command_id=cid(), country="TN", name={"ar": "تونس"})
    app.register_commission(system, command_id=cid(), country="MA", name={"ar": "المغرب"})
    for role, commission, kind in (
        ("staff_tn", tn, "staff"),
        ("staff_ma", ma, "staff"),
        ("sg_tn", tn, "secretary_general"),
    ):
        app.add_commission_member(
            system, command_id=cid(), commission_id=commission, user_id=world.user_id(role), role=kind
        )
    world.actors = {
        "secretariat": Actor.holding(world.user_id("secretariat"), Role.SECRETARIAT),
        "auditor": Actor.holding(world.user_id("auditor"), Role.AUDITOR),
        "sg_tn": Actor.holding(world.user_id("sg_tn"), Role.SECRETARY_GENERAL, commission_id=tn),
        "staff_tn": Actor.holding(world.user_id("staff_tn"), Role.STAFF, commission_id=tn),
        "staff_ma": Actor.holding(world.user_id("staff_ma"), Role.STAFF, commission_id=ma),
        "outsider": Actor.holding(world.user_id("outsider"), Role.PUBLIC),
    }
    staff_tn = world.actors["staff_tn"]
    partner = app.register_partner(
        staff_tn, command_id=cid(), kind="school", country="TN", name={"ar": "مدرسة"}, commission_id=tn
    )
    world.ids["partner"] = partner.id
    app.add_partner_member(
        Actor.system(), command_id=cid(), partner_id=partner.id, user_id=world.user_id("partner_tn")
    )
    world.actors["partner_tn"] = Actor.holding(
        world.user_id("partner_tn"), Role.PARTNER, partner_id=partner.id
    )
    workspace = app.create_workspace(staff_tn, command_id=cid(), name="Digital education", commission_id=tn)
    world.ids["workspace"] = workspace.id
    app.add_workspace_member(
        staff_tn, command_id=cid(), workspace_id=workspace.id, user_id=world.user_id("partner_tn")
    )
    world.ids["thread"] = app.start_thread(
        staff_tn, command_id=cid(), workspace_id=workspace.id, title="Kickoff"
    ).id
    world.project()
    return world


async def stored_head(people: People) -> int:
    """The position of the last stored event (to show that nothing was stored)."""
    return int(await database_sync_to_async(people.app.recorder.max_notification_id)() or 0)


async def rest(people: People, role: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """A REST call as ``role`` (token auth), run off the event loop like a request."""
    from rest_framework.test import APIClient

    def call() -> Any:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {people.tokens[role]}")
        return getattr(client, method)(path, body, format="json")

    return await database_sync_to_async(call)()


@pytest.fixture
def projector(tawasul: Tawasul, people: People) -> Iterator[ProjectionRunner]:
    """The projector, following the store in a thread and publishing live items."""
    from realtime.publisher import publisher

    if redis_configured():
        require_redis(settings.REDIS_URL)
    publish = publisher()
    runner = ProjectionRunner(tawasul, all_projectors(), publish=publish)
    publish.leading = runner.is_leader.is_set
    stopping = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stopping,), name="test-projector", daemon=True)
    thread.start()
    yield runner
    stopping.set()
    thread.join(10)
    publish.close()


class Live:
    """One socket of a test, with helpers that read frames by type."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.seen: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.communicator.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def frame(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        frame = json.loads(await self.communicator.receive_from(timeout))
        self.seen.append(frame)
        return frame

    async def next(self, type_: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next frame of this type (and these fields), skipping others."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {type_} frame {match} within {timeout}s; seen {self.seen[-5:]}")
            frame = await self.frame(remaining)
            if frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def subscribe(self, stream: str, after: int | None = None) -> dict[str, Any]:
        await self.send({"type": "subscribe", "stream": stream, "after": after})
        deadline = asyncio.get_running_loop().time() + TIMEOUT
        while True:
            frame = await self.frame(deadline - asyncio.get_running_loop().time())
            if frame.get("stream") == stream and frame["type"] in {"subscribed", "error"}:
                return frame

    async def command(self, name: str, args: dict[str, Any], id: str | None = None) -> dict[str, Any]:
        command_id = id or cid()
        await self.send({"type": "command", "id": command_id, "name": name, "args": args})
        deadline = asyncio.get_running_loop().time() + TIMEOUT
        while True:
            frame = await self.frame(deadline - asyncio.get_running_loop().time())
            if frame.get("id") == command_id and frame["type"] in {"ack", "error"}:
                return frame

    async def events(self, stream: str, count: int, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while len(found) < count:
            found.append(await self.next("event", timeout, stream=stream))
        return found

    async def nothing(self, timeout: float = 0.3) -> bool:
        return bool(await self.communicator.receive_nothing(timeout))

    async def close(self) -> None:
        await self.communicator.disconnect()


Connect = Callable[..., Awaitable[Live]]


def headers_for(
    people: People,
    role: str | None,
    *,
    origin: str | None = "http://testserver",
    session: str | None = None,
    token: str | None = None,
) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if role is not None:
        headers.append((b"authorization", f"Token {people.tokens[role]}".encode()))
    if token is not None:
        headers.append((b"authorization", token.encode()))
    if session is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    return headers


@pytest.fixture
async def connect(people: People) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """``await connect("staff_tn")`` -> Live (after its welcome frame); with
    ``expect_refusal=True`` -> the (connected, code) of a refused handshake."""
    from realtime.hub import close_hub
    from realtime.routing import websocket_application

    application = websocket_application()
    opened: list[WebsocketCommunicator] = []

    async def open_socket(role: str | None = None, *, expect_refusal: bool = False, **options: Any) -> Any:
        headers = headers_for(people, role, **options)
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        opened.append(communicator)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        if expect_refusal:
            return connected, code
        assert connected, f"the socket of {role} was refused ({code})"
        live = Live(communicator)
        welcome = await live.frame()
        assert welcome["type"] == "welcome"
        return live

    yield open_socket
    for communicator in opened:
        with contextlib.suppress(Exception):  # already closed
            await communicator.disconnect(timeout=1)
    await close_hub()
