"""Recomputing the hash chain: pure functions over stored events and chain links.

The store keeps, for every position of the global order, the stored event
(originator id, version, topic, state bytes) and its chain link (the event's
timestamp and digest, see events/chain.py). :class:`ChainVerifier` walks
positions in order, recomputes each digest from the previous one and the
event's bytes, and records every place where what is stored disagrees:

- ``edited``: the event's bytes do not hash to its stored digest. The event was
  changed, or moved here from another position (positions are hashed too).
- ``missing_event``: a chain link has no event: the event was deleted.
- ``missing_link``: an event has no chain link: it was inserted outside the
  append, or its link was deleted.
- ``time_index``: the link's ``recorded_at`` (the index that as-of queries and
  ``replay --until`` read) differs from the timestamp inside the event itself.

After a break the walk continues from the *stored* digest, so that each
altered position is reported once and the first break is the first altered
position. The same verifier runs over the live store, over an exported bundle
(offline, no database) and up to a signed checkpoint.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from hashlib import sha256
from typing import Protocol

from events.chain import GENESIS


class BreakKind(StrEnum):
    EDITED = "edited"
    MISSING_EVENT = "missing_event"
    MISSING_LINK = "missing_link"
    TIME_INDEX = "time_index"
    CHECKPOINT = "checkpoint"


EXPLANATIONS = {
    BreakKind.EDITED: "the stored event does not hash to its chain digest: it was changed, "
    "or moved here from another position",
    BreakKind.MISSING_EVENT: "the chain has a link here but the event is gone: it was deleted",
    BreakKind.MISSING_LINK: "the event has no chain link: it was inserted outside the append, "
    "or its link was deleted",
    BreakKind.TIME_INDEX: "the time index (recorded_at) differs from the event's own timestamp",
    BreakKind.CHECKPOINT: "the history up to a signed checkpoint differs from what was signed",
}


@dataclass(frozen=True, slots=True)
class Break:
    """One place where the stored history disagrees with its chain."""

    position: int
    kind: BreakKind
    detail: str

    def describe(self) -> str:
        return f"position {self.position}: {self.detail}"

    def as_json(self) -> dict[str, object]:
        return {"position": self.position, "kind": self.kind.value, "detail": self.detail}


class ChainEntry(Protocol):
    """One position as read from the store or a bundle (events.store.ledger.ChainedEvent)."""

    @property
    def position(self) -> int: ...

    @property
    def originator_key(self) -> bytes | None: ...

    @property
    def originator_version(self) -> int | None: ...

    @property
    def topic(self) -> str | None: ...

    @property
    def state(self) -> bytes | None: ...

    @property
    def recorded_at(self) -> datetime | None: ...

    @property
    def digest(self) -> bytes | None: ...


# eventsourcing's JSON transcoder writes the timestamp first, as
# {"timestamp":{"_type_":"datetime_iso","_data_":"2026-01-01T10:00:00.123456+00:00"},...}
_TIMESTAMP_PREFIX = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'


def stored_timestamp(state: bytes) -> datetime | None:
    """The timestamp recorded inside a stored event's state, or None when the
    state is not plain JSON (a store with compression or encryption)."""
    if state.startswith(_TIMESTAMP_PREFIX):
        end = state.find(b'"', len(_TIMESTAMP_PREFIX))
        try:
            return datetime.fromisoformat(state[len(_TIMESTAMP_PREFIX) : end].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return None
    try:
        value = json.loads(state)["timestamp"]["_data_"]
        return datetime.fromisoformat(value)
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True, slots=True)
class ChainHead:
    position: int
    digest: bytes
    recorded_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "digest": self.digest.hex(),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """What a walk over the chain found."""

    events: int
    first_position: int | None
    head: ChainHead | None
    breaks: tuple[Break, ...]
    # True when more breaks were found than were kept.
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        return min(self.breaks, key=lambda b: b.position) if self.breaks else None

    def as_json(self) -> dict[str, object]:
        first = self.first_break
        return {
            "ok": self.ok,
            "events": self.events,
            "first_position": self.first_position,
            "head": self.head.as_json() if self.head else None,
            "first_break": first.as_json() if first else None,
            "breaks": [b.as_json() for b in self.breaks],
            "breaks_truncated": self.truncated,
        }


@dataclass
class ChainVerifier:
    """Feed it positions in increasing order; read :meth:`result` at the end.

    ``watch``: positions whose recomputed digest to keep (checkpoints to check).
    ``check_times``: compare each link's recorded_at with the event's timestamp.
    """

    watch: frozenset[int] = frozenset()
    check_times: bool = True
    max_breaks: int = 1000
    previous: bytes = GENESIS
    pure: bytes = GENESIS
    last_position: int = 0
    events: int = 0
    first_position: int | None = None
    last_recorded_at: datetime | None = None
    breaks: list[Break] = field(default_factory=list)
    truncated: bool = False
    digests_at: dict[int, bytes] = field(default_factory=dict)

    def _break(self, position: int, kind: BreakKind, detail: str = "") -> None:
        if len(self.breaks) >= self.max_breaks:
            self.truncated = True
            return
        self.breaks.append(Break(position, kind, detail or EXPLANATIONS[kind]))

    def feed(self, entries: Iterable[ChainEntry]) -> None:
        # Two running digests: ``previous`` restarts from the stored digest after
        # a break, so that the next positions are judged on their own; ``pure``
        # never does, and is what a checkpoint is compared with (the digest of
        # exactly the events present). They are the same object until a break.
        # Local names: this loop runs once per event of the store.
        watch = self.watch
        check_times = self.check_times
        prefix_length = len(_TIMESTAMP_PREFIX)
        previous = self.previous
        pure = self.pure
        last = self.last_position
        for entry in entries:
            position = entry.position
            if position <= last:
                self._break(
                    position,
                    BreakKind.EDITED,
                    f"position {position} appears after position {last}: the order was changed",
                )
                continue
            if self.first_position is None:
                self.first_position = position
            stored = entry.digest
            state = entry.state
            if state is None:
                # A link without its event.
                self._break(position, BreakKind.MISSING_EVENT)
                if stored is not None:
                    previous = stored
            else:
                self.events += 1
                key, version, topic = entry.originator_key, entry.originator_version, entry.topic
                if key is None or version is None or topic is None:
                    raise ValueError(f"position {position}: an event without its id, version or topic")
                tail = b"".join(
                    (
                        position.to_bytes(8, "big", signed=True),
                        key,
                        version.to_bytes(8, "big", signed=True),
                        topic.encode("utf-8"),
                        b"\x00",
                        state,
                    )
                )
                computed = sha256(previous + tail).digest()
                pure = computed if pure is previous else sha256(pure + tail).digest()
                if stored is None:
                    self._break(position, BreakKind.MISSING_LINK)
                    previous = computed
                elif stored != computed:
                    detail = EXPLANATIONS[BreakKind.EDITED]
                    if position > last + 1:
                        detail += (
                            f" (positions {last + 1}..{position - 1} are absent: events may have "
                            "been removed together with their links)"
                        )
                    self._break(position, BreakKind.EDITED, detail)
                    previous = stored
                else:
                    previous = computed
                if pure is not previous and pure == previous:
                    pure = previous
                recorded_at = entry.recorded_at
                if check_times and recorded_at is not None:
                    # stored_timestamp's common case, inline: this runs once per event.
                    moment: datetime | None = None
                    if state.startswith(_TIMESTAMP_PREFIX):
                        end = state.find(b'"', prefix_length)
                        with contextlib.suppress(UnicodeDecodeError, ValueError):
                            moment = datetime.fromisoformat(state[prefix_length:end].decode("ascii"))
                    else:
                        moment = stored_timestamp(state)
                    if moment is not None and moment != recorded_at:
                        self._break(
                            position,
                            BreakKind.TIME_INDEX,
                            f"{EXPLANATIONS[BreakKind.TIME_INDEX]} "
                            f"({recorded_at.isoformat()} recorded, {moment.isoformat()} in the event)",
                        )
            self.last_recorded_at = entry.recorded_at
            if position in watch:
                self.digests_at[position] = pure
            last = position
        self.previous, self.pure, self.last_position = previous, pure, last

    def result(self) -> VerificationResult:
        head = (
            ChainHead(self.last_position, self.previous, self.last_recorded_at)
            if self.last_position
            else None
        )
        ordered = tuple(sorted(self.breaks, key=lambda b: (b.position, b.kind.value)))
        return VerificationResult(self.events, self.first_position, head, ordered, self.truncated)


def in_batches(first: int, last: int, size: int) -> Iterator[tuple[int, int]]:
    """Position ranges [a, b] covering first..last, ``size`` positions each."""
    start = first
    while start <= last:
        yield start, min(start + size - 1, last)
        start += size
