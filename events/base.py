"""What every aggregate and every use case share.

- :class:`TawasulAggregate`: the aggregate base. Each command method takes
  ``actor`` and ``command_id`` as its last keyword arguments, so every stored
  event records who acted and which command caused it.
- :func:`command`: the decorator of a use case. It refuses writes by auditors
  and the public, makes the command idempotent on its ``command_id`` (through
  the command log of events/store/), turns a stale save into
  :class:`~events.errors.ConcurrencyConflict` and returns a :class:`CommandResult`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Concatenate, ParamSpec, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.errors import FieldCode, PermissionDenied, ValidationFailed
from events.roles import Actor

COMMAND_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def _copy_state(value: Any) -> Any:
    # Aggregate state is made of JSON-like values, UUIDs, enums and datetimes.
    if isinstance(value, dict):
        return {k: _copy_state(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_state(v) for v in value]
    if isinstance(value, set):
        return set(value)
    return value


class TawasulAggregate(Aggregate):
    """Base of every aggregate: a kind name used in results, feeds and the audit."""

    KIND: ClassVar[str] = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> TawasulAggregate:
        # The repository copies cached aggregates for every command; a copy that
        # knows the shape of aggregate state is several times faster than the
        # generic deepcopy.
        clone = object.__new__(type(self))
        clone.__dict__.update({k: _copy_state(v) for k, v in self.__dict__.items()})
        return clone


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a use case body returns: the aggregate it is about, and any others
    changed in the same atomic save (an index aggregate, a parent...)."""

    subject: TawasulAggregate
    also: tuple[TawasulAggregate, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommandResult:
    """The result of a command, the same every time the command id is repeated."""

    command_id: str
    name: str
    kind: str
    id: UUID
    version: int
    # Global position of the command's last event: what a reader waits for.
    position: int
    data: Mapping[str, Any] = field(default_factory=dict)
    # True when this command id had already run and this is its first result.
    repeated: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "command_id": self.command_id,
            "name": self.name,
            "kind": self.kind,
            "id": str(self.id),
            "version": self.version,
            "position": self.position,
            "data": dict(self.data),
        }


def check_command_id(command_id: Any) -> str:
    if not isinstance(command_id, str) or not COMMAND_ID_PATTERN.match(command_id):
        raise ValidationFailed.field(
            "command_id",
            "A command id of 1 to 128 letters, digits or ._:- is required (a UUID is ideal).",
        )
    return command_id


def scoped_command_id(actor_id: str, key: str) -> str:
    """The command id of a client's idempotency key (an Idempotency-Key header, a
    WebSocket command id): scoped to its sender, so two people's keys never meet.
    Raises ValidationFailed for a key that is empty, too long or of odd characters."""
    if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9._:\-]{1,80}", key):
        raise ValidationFailed.field(
            "idempotency_key", "An idempotency key of 1 to 80 letters, digits or ._:- (a UUID)."
        )
    digest = hashlib.sha256(f"{actor_id}\x00{key}".encode()).hexdigest()[:32]
    return f"k.{digest}"


def as_uuid(value: Any, field_name: str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed.field(field_name, "Must be a valid UUID.", FieldCode.NOT_A_UUID) from None


def _canonical(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_canonical(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    # File objects and other opaque values do not take part in the fingerprint.
    return type(value).__name__


def fingerprint(name: str, arguments: Mapping[str, Any]) -> str:
    """A digest of the command and its arguments: the same command id sent again
    with other arguments is refused instead of answered with the first result."""
    payload = json.dumps({"name": name, "args": _canonical(arguments)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class CommandRunner(Protocol):
    """What :func:`command` needs of the application it decorates a method of
    (events/application.py's EventStoreApplication)."""

    def execute(
        self,
        actor: Actor,
        *,
        name: str,
        command_id: str,
        fingerprint: str,
        body: Callable[[], Outcome],
    ) -> CommandResult: ...


App = TypeVar("App", bound=CommandRunner)
P = ParamSpec("P")


def command(
    name: str,
) -> Callable[
    [Callable[Concatenate[App, Actor, P], Outcome]],
    Callable[Concatenate[App, Actor, P], CommandResult],
]:
    """Make a use case body (which loads, checks and changes aggregates, and
    returns an :class:`Outcome`) into an idempotent, conflict-safe command."""

    def decorate(
        body: Callable[Concatenate[App, Actor, P], Outcome],
    ) -> Callable[Concatenate[App, Actor, P], CommandResult]:
        @functools.wraps(body)
        def run(self: App, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> CommandResult:
            if args:
                raise TypeError(f"{body.__name__}() takes keyword arguments only")
            command_id = check_command_id(kwargs.get("command_id"))
            arguments = {k: v for k, v in kwargs.items() if k != "command_id"}
            digest = fingerprint(name, arguments)
            return self.execute(
                actor,
                name=name,
                command_id=command_id,
                fingerprint=digest,
                body=lambda: body(self, actor, *args, **kwargs),
            )

        run.command_name = name  # type: ignore[attr-defined]
        return run

    return decorate


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied unless ``allowed``: the use cases' permission check."""
    if not allowed:
        raise PermissionDenied(message)
