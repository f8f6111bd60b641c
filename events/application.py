"""The eventsourcing Application that every use case of Tawasul runs in.

One application, one event store, one global order: the use cases of each
bounded context (events/commissions.py, events/workspaces.py, ...) are mixins of
:class:`EventStoreApplication`, composed in events/platform.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, Recording

from events import policy
from events.base import CommandResult, Outcome, TawasulAggregate, require
from events.errors import ConcurrencyConflict, DomainError, IdempotencyKeyReused, NotFound
from events.roles import Actor
from events.store.ledger import CommandRecord, DuplicateCommandError, EventLedger
from events.store.sqlite import wake_subscribers

# The aggregates a running command has loaded, id -> version: their version is checked
# again inside the append, so a command never acts on a stale read.
_loaded: ContextVar[dict[UUID, int] | None] = ContextVar("loaded", default=None)


A = TypeVar("A", bound=TawasulAggregate)


class EventStoreApplication(Application[UUID]):
    name = "Tawasul"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.ledger = cast(EventLedger, self.recorder)

    # --- running a command ------------------------------------------------------------

    def execute(
        self,
        actor: Actor,
        *,
        name: str,
        command_id: str,
        fingerprint: str,
        body: Callable[[], Outcome],
    ) -> CommandResult:
        """Run a use case body once per command id and save what it changed atomically.

        Aggregates come from this process's cache without a round trip to the
        store; the append checks that each of them is still at the version the
        body saw. When one is not (another process wrote meanwhile), the body runs
        once more on fresh aggregates; a second conflict is reported.
        """
        require(
            policy.may_write(actor),
            "Auditors and the public cannot change anything.",
        )
        for attempt in (1, 2):
            loaded: dict[UUID, int] = {}
            token = _loaded.set(loaded)
            try:
                outcome = body()
            except DomainError:
                # A repeat of a command that succeeded before may now be refused by
                # the domain (the thread was closed since, say): its first result stands.
                earlier = self.ledger.find_command(command_id)
                if earlier is not None:
                    return self._repeat(earlier, actor, name, fingerprint)
                raise
            finally:
                _loaded.reset(token)
            try:
                return self._commit(outcome, loaded, actor, name, command_id, fingerprint)
            except ConcurrencyConflict:
                self._evict(loaded)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _commit(
        self,
        outcome: Outcome,
        loaded: dict[UUID, int],
        actor: Actor,
        name: str,
        command_id: str,
        fingerprint: str,
    ) -> CommandResult:
        subject = outcome.subject
        changed = [a for a in (subject, *outcome.also) if a.pending_events]
        if not changed:
            # Nothing to change (an edit that changes nothing): no event, no log entry.
            return CommandResult(
                command_id=command_id,
                name=name,
                kind=subject.KIND,
                id=subject.id,
                version=subject.version,
                position=self.position_of(subject.id, subject.version),
                data=dict(outcome.data),
            )
        expected = {a.id: (a, a.pending_events[0].originator_version - 1) for a in changed}
        reads = [(i, version) for i, version in loaded.items() if i not in expected]
        result = {
            "kind": subject.KIND,
            "id": str(subject.id),
            "version": subject.version,
            "data": dict(outcome.data),
        }
        record = CommandRecord(command_id, actor.id, name, fingerprint, result)
        try:
            recordings = self.save(*changed, command=record, reads=reads)
        except DuplicateCommandError:
            earlier = self.ledger.find_command(command_id)
            assert earlier is not None
            return self._repeat(earlier, actor, name, fingerprint)
        except IntegrityError:
            raise self._conflict(expected, reads) from None
        return CommandResult(
            command_id=command_id,
            name=name,
            kind=subject.KIND,
            id=subject.id,
            version=subject.version,
            position=recordings[-1].notification.id,
            data=dict(outcome.data),
        )

    def _evict(self, loaded: dict[UUID, int]) -> None:
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate_id in loaded:
            with contextlib.suppress(KeyError):
                cache.get(aggregate_id, evict=True)

    @staticmethod
    def _repeat(earlier: CommandRecord, actor: Actor, name: str, fingerprint: str) -> CommandResult:
        if earlier.actor != actor.id or earlier.name != name or earlier.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "This command id was used before for a different command; use a new id for a new command."
            )
        result = earlier.result
        return CommandResult(
            command_id=earlier.command_id,
            name=earlier.name,
            kind=result["kind"],
            id=UUID(result["id"]),
            version=result["version"],
            position=earlier.last_position or 0,
            data=result.get("data", {}),
            repeated=True,
        )

    def _conflict(
        self,
        expected: dict[UUID, tuple[TawasulAggregate, int]],
        reads: list[tuple[UUID, int]],
    ) -> ConcurrencyConflict:
        for aggregate_id, version in reads:
            actual = self.ledger.current_version(aggregate_id)
            if actual != version:
                return ConcurrencyConflict("resource", aggregate_id, version, actual)
        for aggregate_id, (aggregate, version) in expected.items():
            actual = self.ledger.current_version(aggregate_id)
            if actual != (version if version > 0 else None):
                return ConcurrencyConflict(aggregate.KIND, aggregate_id, version, actual)
        aggregate_id, (aggregate, version) = next(iter(expected.items()))
        return ConcurrencyConflict(aggregate.KIND, aggregate_id, version, version)

    # --- loading -------------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        """The aggregate, or NotFound; ConcurrencyConflict when ``expected_version``
        (an If-Match) is not the current version."""
        aggregate = self._get(cls, aggregate_id)
        if expected_version is not None and aggregate.version != expected_version:
            # This process's cache may be behind the store: look again before refusing.
            self._evict({aggregate_id: aggregate.version})
            aggregate = self._get(cls, aggregate_id)
            if aggregate.version != expected_version:
                raise ConcurrencyConflict(cls.KIND, aggregate_id, expected_version, aggregate.version)
        loaded = _loaded.get()
        if loaded is not None:
            loaded[aggregate.id] = aggregate.version
        return aggregate

    def read(self, cls: type[A], aggregate_id: UUID) -> A:
        """An aggregate the command only checks and never changes: this process's
        cached instance itself, not a copy. Its version is checked at the append."""
        aggregate = self._get(cls, aggregate_id, copy=False)
        loaded = _loaded.get()
        if loaded is not None:
            loaded[aggregate.id] = aggregate.version
        return aggregate

    def _get(self, cls: type[A], aggregate_id: UUID, copy: bool = True) -> A:
        try:
            aggregate: Any = self.repository.get(aggregate_id, deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            raise NotFound(cls.KIND, aggregate_id) from None
        if not isinstance(aggregate, cls):
            raise NotFound(cls.KIND, aggregate_id)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository

    def position_of(self, aggregate_id: UUID, version: int) -> int:
        """Global position of one stored event (what a no-op command reports)."""
        return self.ledger.position_of(aggregate_id, version)

    # --- after a save ----------------------------------------------------------------------

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        events: list[Any] = list(processing_event.events)
        processing_event.saved_kwargs.setdefault("timestamps", [e.timestamp for e in events])
        return super()._record(processing_event)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        # The embedded projector polls SQLite: wake it at once after a save here.
        wake_subscribers()
