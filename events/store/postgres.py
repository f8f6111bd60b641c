"""The PostgreSQL recorder of production.

Its append is one call of a PL/pgSQL function (append.sql, shipped beside this
module): one round trip, the events table locked in EXCLUSIVE mode as
eventsourcing does (so commit order equals position order), the stale-read
check, the chain links and the command log in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from importlib.resources import files
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

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

# pg_advisory_xact_lock key serialising the creation of the event store tables.
DDL_LOCK_KEY = 746177617375
APPEND_SQL = files("events.store").joinpath("append.sql").read_text(encoding="utf-8")
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

        append = APPEND_SQL.replace("@lock_timeout@", str(self.datastore.lock_timeout)).replace(
            "@stale_message@", STALE_READ_MESSAGE
        )

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
            SQL(append).format(**names),
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
        return record_from_row(row) if row else None

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
