"""``tawasul replay --until``: every read model as it stood at a moment, in its own file.

The events up to the last position recorded at or before the moment are
replayed through every projector into a fresh SQLite file (the live read
models are not touched), and an ``audit_replay`` table in that file says what
it holds: the moment asked for, the last position replayed, that position's
digest in the hash chain (to hold against a checkpoint or a bundle) and when
the file was made. Read models keep the events' timestamps, so the file shows
what the platform showed then, not when it was rebuilt.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from events.platform import Tawasul
from projections.projectors import all_projectors
from projections.rebuild import Progress, replay_into, scratch_database

INFO_TABLE = "audit_replay"


def replay_until(
    app: Tawasul,
    moment: datetime,
    path: Path,
    *,
    position: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replay every projector up to ``moment`` into the SQLite file ``path`` (which
    must not exist); return what the file's audit_replay table records."""
    if position is None:
        position = app.ledger.last_position_at(moment)
    with scratch_database(path) as alias:
        if position:
            replay_into(alias, all_projectors(), position, progress)
        links = app.ledger.select_chained(position, position) if position else []
        link = links[0] if links else None
        info: dict[str, Any] = {
            "until": moment.isoformat(),
            "position": position,
            "digest": link.digest.hex() if link and link.digest else None,
            "recorded_at": link.recorded_at.isoformat() if link and link.recorded_at else None,
            "organisation": str(settings.HOST_ORGANISATION),
            "made_at": datetime.now(UTC).isoformat(),
        }
        with connections[alias].cursor() as cursor:
            cursor.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
            cursor.executemany(
                f"INSERT INTO {INFO_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                [(key, None if value is None else str(value)) for key, value in info.items()],
            )
    return info
