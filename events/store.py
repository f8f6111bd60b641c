"""Persistence wiring: eventsourcing's recorders, extended with two ledgers.

Every append writes, in the same transaction as the events:

- one row of the **command log** (``tawasul_commands``): the command id is its
  primary key, so a command repeated after a crash, a retry or a double click
  fails on that key and its first result is read back instead (idempotency that
  holds across any number of server processes);
- one row per event of the **event chain** (``tawasul_event_chain``): the
  event's position, its timestamp (indexed, for as-of queries) and its digest
  in the hash chain of events/chain.py.

On PostgreSQL the append is one call of a PL/pgSQL function (one round trip,
the events table locked in EXCLUSIVE mode as eventsourcing does, so commit order
equals position order); on SQLite the same steps run in Python inside
eventsourcing's write transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    Notification,
    OperationalError,
    StoredEvent,
    Subscription,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from events.chain import GENESIS, next_digest

COMMANDS_TABLE = "tawasul_commands"
CHAIN_TABLE = "tawasul_event_chain"
# pg_advisory_xact_lock key serialising the creation of the event store tables.
DDL_LOCK_KEY = 746177617375


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


def _record_from_row(row: Any) -> CommandRecord:
    return CommandRecord(
        command_id=row["command_id"],
        actor=row["actor"],
        name=row["name"],
        fingerprint=row["fingerprint"],
        result=json.loads(row["result"]),
        first_position=row["first_position"],
        last_position=row["last_position"],
    )


# --- SQLite -------------------------------------------------------------------------------


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
        return _record_from_row(row) if row else None

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


# --- PostgreSQL ----------------------------------------------------------------------------

# The PL/pgSQL of the append. {schema}, {events}, {chain}, {commands} and
# {channel} are identifiers filled in by psycopg.sql; the rest is plain text.
_APPEND_PROLOGUE = """
    SET LOCAL lock_timeout = '@lock_timeout@s';
    -- As eventsourcing does: appends are serialised, so commit order is position order.
    LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
    -- Aggregates the command read without changing them must be unchanged.
    IF cardinality(read_ids) > 0 THEN
        SELECT r.id INTO stale FROM unnest(read_ids, read_versions) AS r(id, version)
            WHERE r.version IS DISTINCT FROM (
                SELECT max(e.originator_version) FROM {schema}.{events} e
                WHERE e.originator_id = r.id)
            LIMIT 1;
        IF stale IS NOT NULL THEN
            RAISE EXCEPTION '@stale_message@ of %', stale
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    NOTIFY {channel};
    SELECT digest INTO previous FROM {schema}.{chain} ORDER BY position DESC LIMIT 1;
    previous := coalesce(previous, decode(repeat('00', 32), 'hex'));
"""
_APPEND_ONE_EVENT = """
    INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state)
        VALUES (@id@, @version@, @topic@, @state@) RETURNING notification_id INTO pos;
    -- events/chain.py computes the same digest in Python.
    previous := sha256(previous || int8send(pos) || uuid_send(@id@)
        || int8send(@version@) || convert_to(@topic@, 'UTF8') || '\\x00'::bytea || @state@);
    INSERT INTO {schema}.{chain} (position, recorded_at, digest) VALUES (pos, @moment@, previous);
    first_pos := coalesce(first_pos, pos);
"""
_APPEND_EPILOGUE = """
    IF p_command_id IS NOT NULL THEN
        INSERT INTO {schema}.{commands}
            (command_id, actor, name, fingerprint, result, first_position, last_position)
        VALUES (p_command_id, p_actor, p_name, p_fingerprint, p_result, first_pos, pos);
    END IF;
"""
_COMMAND_PARAMS = """read_ids uuid[], read_versions bigint[],
    p_command_id text, p_actor text, p_name text, p_fingerprint text, p_result text"""
_DECLARE = """DECLARE
    previous bytea;
    first_pos bigint;
    pos bigint;
    stale uuid;
BEGIN"""

# Any number of events, as arrays.
_APPEND_MANY = (
    "CREATE OR REPLACE FUNCTION {schema}.tawasul_append(\n"
    "    ids uuid[], versions bigint[], topics text[], states bytea[], moments timestamptz[],\n"
    f"    {_COMMAND_PARAMS})\n"
    "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$\n"
    f"{_DECLARE}{_APPEND_PROLOGUE}"
    "    FOR i IN 1 .. coalesce(cardinality(ids), 0) LOOP"
    + _APPEND_ONE_EVENT.replace("@id@", "ids[i]")
    .replace("@version@", "versions[i]")
    .replace("@topic@", "topics[i]")
    .replace("@state@", "states[i]")
    .replace("@moment@", "moments[i]")
    + "        RETURN NEXT pos;\n    END LOOP;\n"
    f"{_APPEND_EPILOGUE}    RETURN;\nEND;\n$BODY$"
)
# One event, as scalars: most commands, and the parameters cost less to send.
_APPEND_ONE = (
    "CREATE OR REPLACE FUNCTION {schema}.tawasul_append_one(\n"
    "    p_id uuid, p_version bigint, p_topic text, p_state bytea, p_moment timestamptz,\n"
    f"    {_COMMAND_PARAMS})\n"
    "RETURNS bigint LANGUAGE plpgsql AS $BODY$\n"
    f"{_DECLARE}{_APPEND_PROLOGUE}"
    + _APPEND_ONE_EVENT.replace("@id@", "p_id")
    .replace("@version@", "p_version")
    .replace("@topic@", "p_topic")
    .replace("@state@", "p_state")
    .replace("@moment@", "p_moment")
    + f"{_APPEND_EPILOGUE}    RETURN pos;\nEND;\n$BODY$"
)
APPEND_FUNCTIONS = ("tawasul_append", "tawasul_append_one")


class PostgresEventRecorder(PostgresApplicationRecorder):
    """PostgreSQL recorder whose append also writes the command log and the chain,
    in one round trip to one PL/pgSQL function."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        names = {
            "schema": schema,
            "events": Identifier(self.events_table_name),
            "commands": Identifier(COMMANDS_TABLE),
            "chain": Identifier(CHAIN_TABLE),
            "channel": Identifier(self.channel_name),
        }

        def plpgsql(template: str) -> Composed:
            text = template.replace("@lock_timeout@", str(self.datastore.lock_timeout))
            return SQL(text.replace("@stale_message@", STALE_READ_MESSAGE)).format(**names)

        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{commands} ("
                "command_id text PRIMARY KEY, actor text NOT NULL, name text NOT NULL, "
                "fingerprint text NOT NULL, result text NOT NULL, "
                "first_position bigint, last_position bigint)"
            ).format(**names),
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{chain} ("
                "position bigint PRIMARY KEY, recorded_at timestamptz, digest bytea NOT NULL)"
            ).format(**names),
            SQL("CREATE INDEX IF NOT EXISTS {index} ON {schema}.{chain} (recorded_at)").format(
                index=Identifier(f"{CHAIN_TABLE}_recorded_at"), **names
            ),
            plpgsql(_APPEND_MANY),
            plpgsql(_APPEND_ONE),
        ]
        self._append_many = SQL(
            "SELECT * FROM {schema}.tawasul_append(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        ).format(schema=schema)
        self._append_one = SQL(
            "SELECT {schema}.tawasul_append_one(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) AS position"
        ).format(schema=schema)

    def create_table(self) -> None:
        # Several processes may start at once: serialise the DDL on an advisory lock.
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SELECT pg_advisory_xact_lock(%s)", (DDL_LOCK_KEY,))
            # An upgrade may change the append functions' parameters: drop older
            # overloads so that exactly one of each remains.
            curs.execute(
                "SELECT p.oid::regprocedure::text AS signature FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE p.proname = ANY(%s) AND n.nspname = %s",
                (list(APPEND_FUNCTIONS), self.datastore.schema),
            )
            for row in curs.fetchall():
                curs.execute(SQL("DROP FUNCTION {}").format(SQL(row["signature"])))
            for statement in self.sql_create_statements:
                try:
                    with curs.connection.transaction():
                        curs.execute(statement, prepare=False)
                except psycopg.errors.DuplicateObject:
                    pass  # the composite type exists already
        self.datastore.register_type_adapters()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        command: CommandRecord | None = kwargs.get("command")
        timestamps: Sequence[datetime | None] = kwargs.get("timestamps") or [None] * len(stored_events)
        reads: Sequence[tuple[UUID, int]] = kwargs.get("reads") or ()
        command_params = (
            [originator_id for originator_id, _ in reads],
            [version for _, version in reads],
            command.command_id if command else None,
            command.actor if command else None,
            command.name if command else None,
            command.fingerprint if command else None,
            json.dumps(command.result) if command else None,
        )
        try:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                if len(stored_events) == 1:
                    event = stored_events[0]
                    curs.execute(
                        self._append_one,
                        (
                            UUID(str(event.originator_id)),
                            event.originator_version,
                            event.topic,
                            event.state,
                            timestamps[0],
                            *command_params,
                        ),
                        prepare=True,
                    )
                    return [row["position"] for row in curs.fetchall()]
                curs.execute(
                    self._append_many,
                    (
                        [UUID(str(e.originator_id)) for e in stored_events],
                        [e.originator_version for e in stored_events],
                        [e.topic for e in stored_events],
                        [e.state for e in stored_events],
                        list(timestamps),
                        *command_params,
                    ),
                    prepare=True,
                )
                return [row["tawasul_append"] for row in curs.fetchall()]
        except IntegrityError as error:
            cause = error.__cause__
            constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
            if constraint == f"{COMMANDS_TABLE}_pkey":
                raise DuplicateCommandError(str(error)) from error
            if STALE_READ_MESSAGE in str(error):
                raise StaleReadError(str(error)) from error
            raise

    def find_command(self, command_id: str) -> CommandRecord | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL("SELECT * FROM {schema}.{commands} WHERE command_id = %s").format(
                    schema=Identifier(self.datastore.schema), commands=Identifier(COMMANDS_TABLE)
                ),
                (command_id,),
                prepare=True,
            )
            row = curs.fetchone()
        return _record_from_row(row) if row else None

    def current_version(self, originator_id: UUID) -> int | None:
        events = self.select_events(originator_id, desc=True, limit=1)
        return events[0].originator_version if events else None

    def position_of(self, originator_id: UUID, version: int) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL(
                    "SELECT notification_id FROM {schema}.{events} "
                    "WHERE originator_id = %s AND originator_version = %s"
                ).format(
                    schema=Identifier(self.datastore.schema),
                    events=Identifier(self.events_table_name),
                ),
                (originator_id, version),
            )
            row = curs.fetchone()
        return int(row["notification_id"]) if row else 0

    def select_chain(self, start: int, limit: int) -> Sequence[ChainLink]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL(
                    "SELECT position, recorded_at, digest FROM {schema}.{chain} "
                    "WHERE position >= %s ORDER BY position LIMIT %s"
                ).format(schema=Identifier(self.datastore.schema), chain=Identifier(CHAIN_TABLE)),
                (start, limit),
            )
            return [
                ChainLink(row["position"], row["recorded_at"], bytes(row["digest"]))
                for row in curs.fetchall()
            ]

    def last_position_at(self, moment: datetime) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL("SELECT MAX(position) AS p FROM {schema}.{chain} WHERE recorded_at <= %s").format(
                    schema=Identifier(self.datastore.schema), chain=Identifier(CHAIN_TABLE)
                ),
                (moment,),
            )
            row = curs.fetchone()
        return int(row["p"] or 0) if row else 0

    def _audit_names(self) -> dict[str, Identifier]:
        return {
            "schema": Identifier(self.datastore.schema),
            "events": Identifier(self.events_table_name),
            "chain": Identifier(CHAIN_TABLE),
        }

    def chain_head(self) -> ChainLink | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                SQL(
                    "SELECT position, recorded_at, digest FROM {schema}.{chain} "
                    "ORDER BY position DESC LIMIT 1"
                ).format(**self._audit_names())
            )
            row = curs.fetchone()
        return ChainLink(row["position"], row["recorded_at"], bytes(row["digest"])) if row else None

    def select_chained(self, first: int, last: int) -> Sequence[ChainedEvent]:
        # A full join of two range scans; tuples in binary (bytea as bytes, no hex):
        # this runs over the whole store when the chain is verified.
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row, binary=True) as curs,
        ):
            curs.execute(
                SQL(
                    "SELECT coalesce(e.notification_id, c.position), uuid_send(e.originator_id), "
                    "e.originator_version, e.topic, e.state, c.recorded_at, c.digest "
                    "FROM (SELECT * FROM {schema}.{events} "
                    "WHERE notification_id BETWEEN %(first)s AND %(last)s) e "
                    "FULL JOIN (SELECT * FROM {schema}.{chain} "
                    "WHERE position BETWEEN %(first)s AND %(last)s) c "
                    "ON c.position = e.notification_id ORDER BY 1"
                ).format(**self._audit_names()),
                {"first": first, "last": last},
            )
            # The columns are ChainedEvent's fields, in order.
            return [ChainedEvent(*row) for row in curs.fetchall()]

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[ChainedEvent]:
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row, binary=True) as curs,
        ):
            curs.execute(
                SQL(
                    "SELECT e.notification_id, uuid_send(e.originator_id), e.originator_version, "
                    "e.topic, e.state, c.recorded_at, c.digest, (SELECT p.digest FROM {schema}.{chain} p "
                    "WHERE p.position < e.notification_id ORDER BY p.position DESC LIMIT 1) "
                    "FROM {schema}.{events} e "
                    "LEFT JOIN {schema}.{chain} c ON c.position = e.notification_id "
                    "WHERE e.originator_id = %s AND e.originator_version <= %s "
                    "ORDER BY e.originator_version"
                ).format(**self._audit_names()),
                (originator_id, lte if lte is not None else 2**62),
            )
            # The columns are ChainedEvent's fields, in order.
            return [ChainedEvent(*row) for row in curs.fetchall()]

    def truncate_for_tests(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL(
                    "TRUNCATE {schema}.{events}, {schema}.{commands}, {schema}.{chain} RESTART IDENTITY"
                ).format(
                    schema=Identifier(self.datastore.schema),
                    events=Identifier(self.events_table_name),
                    commands=Identifier(COMMANDS_TABLE),
                    chain=Identifier(CHAIN_TABLE),
                )
            )


# --- subscriptions on SQLite -----------------------------------------------------------------


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


def iter_chain(ledger: EventLedger, start: int = 1, batch: int = 5000) -> Iterator[ChainLink]:
    """Every link of the chain in position order, read in batches."""
    position = start
    while True:
        links = ledger.select_chain(position, batch)
        if not links:
            return
        yield from links
        position = links[-1].position + 1


def datastore_of(recorder: Any) -> SQLiteDatastore | PostgresDatastore:
    return recorder.datastore  # type: ignore[no-any-return]
