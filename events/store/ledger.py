"""What both recorders add to eventsourcing's, and what events/ and the audit read.

Every append writes, in the same transaction as the events:

- one row of the **command log** (``tawasul_commands``): the command id is its
  primary key, so a command repeated after a crash, a retry or a double click
  fails on that key and its first result is read back instead (idempotency that
  holds across any number of server processes);
- one row per event of the **event chain** (``tawasul_event_chain``): the
  event's position, its timestamp (indexed, for as-of queries) and its digest
  in the hash chain of events/chain.py.

:class:`EventLedger` is what the recorders of events/store/sqlite.py and
events/store/postgres.py offer beyond eventsourcing's API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError

COMMANDS_TABLE = "tawasul_commands"
CHAIN_TABLE = "tawasul_event_chain"


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """What the command log keeps of a command that stored events."""

    command_id: str
    actor: str
    name: str
    fingerprint: str
    result: dict[str, Any]
    first_position: int | None = None
    last_position: int | None = None


@dataclass(frozen=True, slots=True)
class ChainLink:
    position: int
    recorded_at: datetime
    digest: bytes


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """One position of the global order as the audit reads it: the stored event
    joined with its chain link. Either side is None where it is missing (a
    deleted event, a chain row deleted or never written), which is what the
    audit must see rather than have a join hide it."""

    position: int
    # The originator id's 16 bytes, as the chain hashes them: a verification of
    # the whole store need not build a UUID per event (see originator_id).
    originator_key: bytes | None
    originator_version: int | None
    topic: str | None
    state: bytes | None
    recorded_at: datetime | None
    digest: bytes | None
    # The digest of the link before this one (None for the first): only
    # select_stream fills it, so that one aggregate's events can be checked
    # against the chain without reading the whole store.
    previous_digest: bytes | None = None

    @property
    def originator_id(self) -> UUID | None:
        return UUID(bytes=self.originator_key) if self.originator_key is not None else None


class DuplicateCommandError(IntegrityError):
    """The command id is already in the command log: the command ran before."""


class StaleReadError(IntegrityError):
    """An aggregate the command read (without changing it) changed before the append."""


STALE_READ_MESSAGE = "tawasul: stale read"


class EventLedger(Protocol):
    """What events/ and the audit need from a recorder beyond eventsourcing's API."""

    def find_command(self, command_id: str) -> CommandRecord | None: ...

    def current_version(self, originator_id: UUID) -> int | None: ...

    def position_of(self, originator_id: UUID, version: int) -> int: ...

    def select_chain(self, start: int, limit: int) -> Sequence[ChainLink]: ...

    def last_position_at(self, moment: datetime) -> int: ...

    def chain_head(self) -> ChainLink | None: ...

    def select_chained(self, first: int, last: int) -> Sequence[ChainedEvent]: ...

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[ChainedEvent]: ...

    def truncate_for_tests(self) -> None: ...


def record_from_row(row: Any) -> CommandRecord:
    return CommandRecord(
        command_id=row["command_id"],
        actor=row["actor"],
        name=row["name"],
        fingerprint=row["fingerprint"],
        result=json.loads(row["result"]),
        first_position=row["first_position"],
        last_position=row["last_position"],
    )


def iter_chain(ledger: EventLedger, start: int = 1, batch: int = 5000) -> Iterator[ChainLink]:
    """Every link of the chain in position order, read in batches."""
    position = start
    while True:
        links = ledger.select_chain(position, batch)
        if not links:
            return
        yield from links
        position = links[-1].position + 1
