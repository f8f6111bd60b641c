"""The SQLite recorder of the embedded default, and its polling subscription.

The append's extra steps (stale-read check, chain links, command log) run in
Python inside eventsourcing's write transaction: the first insert takes
SQLite's write lock, so every check sees the store as it will be at commit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent, Subscription
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from events.chain import GENESIS, next_digest
from events.store.ledger import (
    CHAIN_TABLE,
    COMMANDS_TABLE,
    STALE_READ_MESSAGE,
    ChainedEvent,
    ChainLink,
    CommandRecord,
    DuplicateCommandError,
    StaleReadError,
    record_from_row,
)


class SQLiteEventRecorder(SQLiteApplicationRecorder):
    """SQLite recorder with the command log and the event chain."""

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements += [
            f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
            "command_id TEXT PRIMARY KEY, actor TEXT NOT NULL, name TEXT NOT NULL, "
            "fingerprint TEXT NOT NULL, result TEXT NOT NULL, "
            "first_position INTEGER, last_position INTEGER)",
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
            "position INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, digest BLOB NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {CHAIN_TABLE}_recorded_at ON {CHAIN_TABLE} (recorded_at)",
        ]
        return statements

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # The first insert takes SQLite's write lock: every check below sees the
        # store as it will be when this transaction commits.
        positions = list(super()._insert_events(c, stored_events, **kwargs) or [])
        for originator_id, version in kwargs.get("reads") or ():
            c.execute(
                f"SELECT MAX(originator_version) FROM {self.events_table_name} "  # noqa: S608
                "WHERE originator_id=?",
                (originator_id.hex,),
            )
            if c.fetchone()[0] != version:
                raise StaleReadError(f"{STALE_READ_MESSAGE} of {originator_id}")
        timestamps: Sequence[datetime] = kwargs.get("timestamps") or []
        c.execute(f"SELECT digest FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")  # noqa: S608
        row = c.fetchone()
        previous = bytes(row[0]) if row else GENESIS
        links = []
        for index, (position, stored) in enumerate(zip(positions, stored_events, strict=True)):
            previous = next_digest(
                previous,
                position,
                UUID(str(stored.originator_id)),
                stored.originator_version,
                stored.topic,
                stored.state,
            )
            moment = timestamps[index] if index < len(timestamps) else None
            links.append((position, moment.isoformat() if moment else "", previous))
        c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?,?,?)", links)  # noqa: S608
        command: CommandRecord | None = kwargs.get("command")
        if command is not None:
            try:
                c.execute(
                    f"INSERT INTO {COMMANDS_TABLE} VALUES (?,?,?,?,?,?,?)",  # noqa: S608
                    (
                        command.command_id,
                        command.actor,
                        command.name,
                        command.fingerprint,
                        json.dumps(command.result),
                        positions[0] if positions else None,
                        positions[-1] if positions else None,
                    ),
                )
            except Exception as error:
                if "UNIQUE" in str(error) and COMMANDS_TABLE in str(error):
                    raise DuplicateCommandError(str(error)) from error
                raise
        return positions

    def find_command(self, command_id: str) -> CommandRecord | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {COMMANDS_TABLE} WHERE command_id=?", (command_id,))  # noqa: S608
            row = c.fetchone()
        return record_from_row(row) if row else None

    def current_version(self, originator_id: UUID) -> int | None:
        events = self.select_events(originator_id, desc=True, limit=1)
        return events[0].originator_version if events else None

    def position_of(self, originator_id: UUID, version: int) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid FROM {self.events_table_name} "  # noqa: S608
                "WHERE originator_id=? AND originator_version=?",
                (originator_id.hex, version),
            )
            row = c.fetchone()
        return int(row[0]) if row else 0

    def select_chain(self, start: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, recorded_at, digest FROM {CHAIN_TABLE} "  # noqa: S608
                "WHERE position >= ? ORDER BY position LIMIT ?",
                (start, limit),
            )
            return [ChainLink(row[0], datetime.fromisoformat(row[1]), bytes(row[2])) for row in c.fetchall()]

    def last_position_at(self, moment: datetime) -> int:
        # recorded_at is ISO text in UTC: compare with the moment in UTC too, or
        # a moment given with another offset would compare as the wrong text.
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT MAX(position) FROM {CHAIN_TABLE} WHERE recorded_at <= ?",  # noqa: S608
                (moment.astimezone(UTC).isoformat(),),
            )
            row = c.fetchone()
        return int(row[0] or 0)

    def chain_head(self) -> ChainLink | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, recorded_at, digest FROM {CHAIN_TABLE} "  # noqa: S608
                "ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
        return ChainLink(row[0], datetime.fromisoformat(row[1]), bytes(row[2])) if row else None

    def select_chained(self, first: int, last: int) -> Sequence[ChainedEvent]:
        events, chain = self.events_table_name, CHAIN_TABLE
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "  # noqa: S608
                f"c.recorded_at, c.digest FROM {events} e LEFT JOIN {chain} c ON c.position = e.rowid "
                "WHERE e.rowid BETWEEN ? AND ? "
                "UNION ALL SELECT c.position, NULL, NULL, NULL, NULL, c.recorded_at, c.digest "
                f"FROM {chain} c WHERE c.position BETWEEN ? AND ? "
                f"AND NOT EXISTS (SELECT 1 FROM {events} e WHERE e.rowid = c.position) ORDER BY 1",
                (first, last, first, last),
            )
            return [_sqlite_chained(row) for row in c.fetchall()]

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[ChainedEvent]:
        events, chain = self.events_table_name, CHAIN_TABLE
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "  # noqa: S608
                f"c.recorded_at, c.digest, (SELECT p.digest FROM {chain} p WHERE p.position < e.rowid "
                f"ORDER BY p.position DESC LIMIT 1) FROM {events} e "
                f"LEFT JOIN {chain} c ON c.position = e.rowid "
                "WHERE e.originator_id = ? AND e.originator_version <= ? ORDER BY e.originator_version",
                (originator_id.hex, lte if lte is not None else 2**62),
            )
            return [_sqlite_chained(row) for row in c.fetchall()]

    def truncate_for_tests(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for table in (self.events_table_name, COMMANDS_TABLE, CHAIN_TABLE):
                c.execute(f"DELETE FROM {table}")  # noqa: S608

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[Any]:
        return PollingSubscription(recorder=self, gt=gt, topics=topics)


def _blob(value: Any) -> bytes | None:
    # A row edited by hand may hold text where a blob was: read it, do not fail.
    if value is None or type(value) is bytes:
        return value
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _sqlite_chained(row: Any) -> ChainedEvent:
    # Runs once per event when the whole chain is verified: kept lean.
    originator_id, recorded_at = row[1], row[5]
    return ChainedEvent(
        row[0],
        bytes.fromhex(originator_id) if originator_id is not None else None,
        row[2],
        row[3],
        _blob(row[4]),
        datetime.fromisoformat(recorded_at) if recorded_at else None,
        _blob(row[6]),
        _blob(row[7]) if len(row) > 7 else None,
    )


# --- the subscription ------------------------------------------------------------------------


class PollingSubscription(Subscription[Any]):
    """eventsourcing has no subscription for SQLite: this one polls every
    ``interval`` seconds, and at once when :func:`wake_subscribers` is called by
    a save in the same process (the embedded default), so the projector sees a
    new event within a few milliseconds."""

    interval = 0.25

    def __init__(
        self, recorder: SQLiteEventRecorder, gt: int | None = None, topics: Sequence[str] = ()
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._buffer: list[Notification] = []
        _subscribers.add(self)
        self._wake = threading.Event()

    def stop(self) -> None:
        super().stop()
        self._wake.set()
        _subscribers.discard(self)

    def __next__(self) -> Notification:
        while not self._buffer:
            if self._has_been_stopped:
                raise StopIteration
            self._wake.clear()
            found = self._recorder.select_notifications(
                start=self._last_notification_id or 0,
                limit=500,
                topics=self._topics,
                inclusive_of_start=False,
            )
            if found:
                self._buffer.extend(found)
                self._last_notification_id = found[-1].id
            else:
                self._wake.wait(self.interval)
        return self._buffer.pop(0)


_subscribers: set[PollingSubscription] = set()


def wake_subscribers() -> None:
    for subscription in list(_subscribers):
        subscription._wake.set()
