"""Editing the stored history directly in the database, as someone with write
access to it could: the audit must notice every one of these."""

from __future__ import annotations

from typing import Any

from events.platform import Tawasul
from events.store.ledger import CHAIN_TABLE
from events.store.postgres import PostgresEventRecorder


def _is_postgres(app: Tawasul) -> bool:
    return isinstance(app.recorder, PostgresEventRecorder)


def _sql(app: Tawasul, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run ``statement`` ({events}, {pos} and ? placeholders) on the event store."""
    postgres = _is_postgres(app)
    text = statement.format(
        events=app.recorder.events_table_name,
        chain=CHAIN_TABLE,
        pos="notification_id" if postgres else "rowid",
    )
    if postgres:
        text = text.replace("?", "%s")
    with app.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(text, params)
        if not text.lstrip().upper().startswith("SELECT"):
            return []
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in cursor.fetchall()]


def stored_row(app: Tawasul, position: int) -> tuple[Any, int, str, bytes]:
    rows = _sql(
        app,
        "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {pos} = ?",
        (position,),
    )
    row = rows[0]
    return row[0], row[1], row[2], bytes(row[3])


def change_one_byte(app: Tawasul, position: int) -> None:
    """Turn one letter of the stored state into another (the JSON stays valid)."""
    *_, state = stored_row(app, position)
    index = state.rindex(b'"command_id":"') + len(b'"command_id":"')
    changed = state[:index] + bytes([state[index] ^ 0x01]) + state[index + 1 :]
    _sql(app, "UPDATE {events} SET state = ? WHERE {pos} = ?", (changed, position))


def delete_event(app: Tawasul, position: int) -> None:
    _sql(app, "DELETE FROM {events} WHERE {pos} = ?", (position,))


def delete_link(app: Tawasul, position: int) -> None:
    _sql(app, "DELETE FROM {chain} WHERE position = ?", (position,))


def swap_events(app: Tawasul, first: int, second: int) -> None:
    """Exchange the stored contents of two positions (a reordering)."""
    a, b = stored_row(app, first), stored_row(app, second)
    update = (
        "UPDATE {events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? WHERE {pos} = ?"
    )
    # The (originator_id, version) key is unique: move one aside first.
    _sql(app, "UPDATE {events} SET originator_version = ? WHERE {pos} = ?", (-first, first))
    _sql(app, update, (*a, second))
    _sql(app, update, (*b, first))


def shift_time_index(app: Tawasul, position: int) -> None:
    """Move an event's recorded_at (the index as-of queries read) a day back."""
    if _is_postgres(app):
        _sql(
            app,
            "UPDATE {chain} SET recorded_at = recorded_at - interval '1 day' WHERE position = ?",
            (position,),
        )
    else:
        (moment,) = _sql(app, "SELECT recorded_at FROM {chain} WHERE position = ?", (position,))[0]
        _sql(app, "UPDATE {chain} SET recorded_at = ? WHERE position = ?", ("2000" + moment[4:], position))


def rewrite_and_rehash(app: Tawasul, position: int) -> None:
    """What someone with write access and the code could do: edit an event and
    recompute every digest after it, so that the chain is consistent again."""
    from uuid import UUID

    from events.chain import GENESIS, next_digest

    change_one_byte(app, position)
    previous = GENESIS
    rows = _sql(
        app, "SELECT {pos}, originator_id, originator_version, topic, state FROM {events} ORDER BY {pos}"
    )
    for pos, originator_id, version, topic, state in rows:
        previous = next_digest(previous, pos, UUID(str(originator_id)), version, topic, bytes(state))
        if pos >= position:
            _sql(app, "UPDATE {chain} SET digest = ? WHERE position = ?", (previous, pos))


def delete_last(app: Tawasul) -> int:
    """Delete the last event and its link: the chain that remains is consistent."""
    (last,) = _sql(app, "SELECT MAX({pos}) FROM {events}")[0]
    delete_event(app, last)
    delete_link(app, last)
    return int(last)
