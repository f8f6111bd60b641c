"""The hash chain over the global order of events.

Each event's digest is SHA-256 over the previous digest and the stored event's
bytes at its position::

    digest(n) = SHA256( digest(n-1) || position(8, big-endian) || originator_id(16)
                        || originator_version(8, big-endian) || topic(UTF-8) || 0x00 || state )

The first event chains from 32 zero bytes. Including the position makes a
reordering visible; chaining makes a deletion or an edit visible at the first
position that depends on it. The same formula is computed in SQL inside the
PostgreSQL append function (events/sql/append.sql) and in Python here, and the
tests check that both agree.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

GENESIS = bytes(32)


def event_bytes(
    position: int, originator_id: UUID, originator_version: int, topic: str, state: bytes
) -> bytes:
    return b"".join(
        (
            position.to_bytes(8, "big", signed=True),
            originator_id.bytes,
            originator_version.to_bytes(8, "big", signed=True),
            topic.encode("utf-8"),
            b"\x00",
            state,
        )
    )


def next_digest(
    previous: bytes,
    position: int,
    originator_id: UUID,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    digest = hashlib.sha256(previous)
    digest.update(event_bytes(position, originator_id, originator_version, topic, state))
    return digest.digest()
