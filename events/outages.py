"""What counts as the database being away for a moment (a restart, a failover, a
pool that could not connect in time), as opposed to a bug: the errors that the
event store and the read models raise then.

The edges answer them as ``unavailable`` (HTTP 503 with Retry-After in
api/problems.py, an error frame in realtime/consumers.py). Either way the command
may or may not be stored (a connection can break as it commits): sending it again
with the same id makes it take effect exactly once."""

from __future__ import annotations

from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from eventsourcing import persistence
from psycopg import OperationalError as PsycopgOperationalError

# Seconds after which a client should try again.
RETRY_AFTER_SECONDS = 2

DATABASE_UNAVAILABLE = (
    DjangoOperationalError,
    DjangoInterfaceError,
    persistence.OperationalError,
    persistence.InterfaceError,
    PsycopgOperationalError,
)
