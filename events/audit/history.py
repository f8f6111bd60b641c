"""One aggregate's history, and its state as of a version or a moment, from its events.

Everything here is rebuilt from the stored events of one aggregate, never from
a read model and never from a snapshot (snapshots are a cache outside the
chain): the events are decoded, applied one by one as the repository would,
and the state is compared before and after each of them.

- :func:`history` gives every event with its actor, time, command id, kind,
  payload, position, chain digest, whether its bytes hash onto the chain
  (``linked``), and the field-by-field changes it made.
- :func:`state_as_of` gives the aggregate after a version, or after its last
  event at or before a moment, rendered with the field names the read models
  use (projections/render.py) wherever the two overlap, so that an auditor can
  hold one against the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from events.base import TawasulAggregate
from events.chain import GENESIS, next_digest
from events.store.ledger import ChainedEvent
from events.vocabulary import kind_of_event

Decode = Callable[[StoredEvent], Any]

# Attributes every event has; the rest is the event's payload.
_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "command_id"}
)


# --- values as JSON --------------------------------------------------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} is not JSON")


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def as_json(value: Any) -> Any:
    """Aggregate state and event payloads as plain JSON values (as _default
    encodes them: UUIDs and datetimes as text, enums as their values, sets sorted)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is UUID:
        return str(value)
    if kind is list or kind is tuple:
        return [as_json(item) for item in value]
    if kind is dict:
        return {str(key): as_json(item) for key, item in value.items()}
    return json.loads(_encode(value))


def _encode(value: Any) -> str:
    return json.dumps(_text_keys(value), default=_default, ensure_ascii=False, sort_keys=True)


def _text_keys(value: Any) -> Any:
    """Mappings keyed by UUIDs (a partner's grants per commission) with their keys as text,
    which JSON requires; everything else is left to _default."""
    kind = type(value)
    if kind is dict:
        return {key if type(key) is str else str(key): _text_keys(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_text_keys(item) for item in value]
    return value


def event_kind(event: Any) -> str:
    """The kind of an event, e.g. "proposal.accepted" (events/kinds.py)."""
    return kind_of_event(event)


def payload(event: Any) -> dict[str, Any]:
    """What the event says beyond who, when and which command."""
    return {k: as_json(v) for k, v in vars(event).items() if k not in _ENVELOPE}


def public_state(aggregate: Any) -> dict[str, Any]:
    """The aggregate's own attributes (eventsourcing keeps id, version and times
    in underscored attributes)."""
    return {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}


# --- diffs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One field's change. ``change`` is "set" (a value replaced), "added" or
    "removed" (a key of a mapping), "appended" (items added at the end of a list)
    or "changed" (a list whose items were added and/or removed elsewhere)."""

    field: str
    change: str
    before: Any = None
    after: Any = None
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"field": self.field, "change": self.change}
        if self.change in {"set", "added", "removed"}:
            body["before"] = self.before
            body["after"] = self.after
        else:
            body["added"] = list(self.added)
            body["removed"] = list(self.removed)
        return body


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """The changes from ``before`` to ``after`` (JSON values), field by field:
    mappings are compared key by key (``profile.phone``), lists by their items."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in sorted(set(before) | set(after), key=str):
            name = f"{path}.{key}" if path else str(key)
            if key not in before:
                changes.append(Change(name, "added", None, after[key]))
            elif key not in after:
                changes.append(Change(name, "removed", before[key], None))
            else:
                changes.extend(diff(before[key], after[key], name))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        if len(after) > len(before) and after[: len(before)] == before:
            return [Change(path, "appended", added=tuple(after[len(before) :]))]
        if all(_scalar(v) for v in before) and all(_scalar(v) for v in after):
            remaining = list(after)
            removed = []
            for item in before:
                if item in remaining:
                    remaining.remove(item)
                else:
                    removed.append(item)
            if remaining or removed:
                return [Change(path, "changed", added=tuple(remaining), removed=tuple(removed))]
            # Same items in another order.
            return [Change(path, "set", before, after)]
    return [Change(path, "set", before, after)]


# --- replaying one aggregate ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One stored event of an aggregate, decoded."""

    position: int
    version: int
    event: Any
    digest: bytes | None
    # Do the event's bytes hash, from the previous link, to its own link?
    linked: bool

    @property
    def timestamp(self) -> datetime:
        moment: datetime = self.event.timestamp
        return moment

    @property
    def name(self) -> str:
        return type(self.event).__name__


def decode_stream(records: Sequence[ChainedEvent], decode: Decode) -> list[Step]:
    """The aggregate's events in version order, decoded and checked against the chain."""
    steps = []
    for record in records:
        originator_id = record.originator_id
        if originator_id is None or record.state is None:
            raise ValueError(f"position {record.position}: not a stored event")
        if record.originator_version is None or record.topic is None:
            raise ValueError(f"position {record.position}: not a stored event")
        stored = StoredEvent(originator_id, record.originator_version, record.topic, record.state)
        linked = record.digest is not None and record.digest == next_digest(
            record.previous_digest or GENESIS,
            record.position,
            originator_id,
            record.originator_version,
            record.topic,
            record.state,
        )
        steps.append(Step(record.position, record.originator_version, decode(stored), record.digest, linked))
    return steps


def replay(steps: Sequence[Step]) -> TawasulAggregate | None:
    """The aggregate after ``steps``, applied as the repository applies them."""
    aggregate: Any = None
    for step in steps:
        aggregate = step.event.mutate(aggregate)
    return aggregate  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    position: int
    version: int
    kind: str
    timestamp: datetime
    actor: str
    command_id: str
    data: dict[str, Any]
    changes: tuple[Change, ...]
    digest: bytes | None
    linked: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "version": self.version,
            "kind": self.kind,
            "timestamp": self.timestamp.isoformat(),
            "actor": self.actor,
            "command_id": self.command_id,
            "data": self.data,
            "changes": [c.as_json() for c in self.changes],
            "digest": self.digest.hex() if self.digest is not None else None,
            "linked": self.linked,
        }


# Values that cannot change in place: kept as they are between two events.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), UUID, datetime})

Kept = tuple[str, Any]


def _keep(value: Any, before: Kept | None = None) -> Kept:
    """A field's value as it is now, safe from changes made in place by the next
    event: immutable values as they are, lists and mappings of immutable values as
    shallow copies (compared and diffed in C), anything else as its JSON text.
    ``before``: the same field kept after the previous event."""
    kind = type(value)
    if kind in _IMMUTABLE or isinstance(value, Enum):
        return ("value", value)
    if kind is list:
        # A list that grew at its end (members, edit histories): only the new
        # items need to be looked at.
        if before is not None and before[0] == "list":
            earlier: list[Any] = before[1]
            if len(value) >= len(earlier) and value[: len(earlier)] == earlier:
                if set(map(type, value[len(earlier) :])) <= _IMMUTABLE:
                    return ("list", list(value))
                return ("json", _encode(value))
        if set(map(type, value)) <= _IMMUTABLE:
            return ("list", list(value))
    if kind is dict and set(map(type, value)) <= {str} and set(map(type, value.values())) <= _IMMUTABLE:
        return ("dict", dict(value))
    return ("json", _encode(value))


def _plain(kept: Kept) -> Any:
    tag, value = kept
    return json.loads(value) if tag == "json" else as_json(value)


def _field_changes(name: str, old: Kept | None, new: Kept | None) -> list[Change]:
    if old is None or new is None:
        return diff(_plain(old) if old else None, _plain(new) if new else None, name)
    (old_tag, before), (new_tag, after) = old, new
    if old_tag == new_tag == "list" and len(after) > len(before) and after[: len(before)] == before:
        return [Change(name, "appended", added=tuple(as_json(after[len(before) :])))]
    if old_tag == new_tag == "dict":
        gained, lost = dict(after.items() - before.items()), dict(before.items() - after.items())
        changes = []
        for key in sorted(gained.keys() | lost.keys()):
            if key not in lost:
                changes.append(Change(f"{name}.{key}", "added", None, as_json(gained[key])))
            elif key not in gained:
                changes.append(Change(f"{name}.{key}", "removed", as_json(lost[key]), None))
            else:
                changes.append(Change(f"{name}.{key}", "set", as_json(lost[key]), as_json(gained[key])))
        return changes
    return diff(_plain(old), _plain(new), name)


def history(steps: Sequence[Step]) -> list[HistoryEntry]:
    """Every event with the changes it made to the aggregate's state.

    Each field is kept between two events (see _keep) and compared whole first;
    only fields that differ are diffed in detail, and growing lists and mappings
    (members, edit histories, decisions) are diffed by what was added or removed,
    so that a long history of a growing aggregate stays fast."""
    entries = []
    aggregate: Any = None
    kept: dict[str, Kept] = {}
    for step in steps:
        aggregate = step.event.mutate(aggregate)
        now = {name: _keep(value, kept.get(name)) for name, value in public_state(aggregate).items()}
        changes: list[Change] = []
        for name in sorted(kept.keys() | now.keys()):
            old, new = kept.get(name), now.get(name)
            if old != new:
                changes.extend(_field_changes(name, old, new))
        kept = now
        entries.append(
            HistoryEntry(
                position=step.position,
                version=step.version,
                kind=event_kind(step.event),
                timestamp=step.timestamp,
                actor=getattr(step.event, "actor", ""),
                command_id=getattr(step.event, "command_id", ""),
                data=payload(step.event),
                changes=tuple(changes),
                digest=step.digest,
                linked=step.linked,
            )
        )
    return entries


def steps_until(
    steps: Sequence[Step], *, version: int | None = None, moment: datetime | None = None
) -> list[Step]:
    """The steps up to a version, or up to the last event at or before a moment
    (the events' own timestamps, which the chain covers)."""
    if version is not None:
        return [s for s in steps if s.version <= version]
    if moment is not None:
        chosen = []
        for step in steps:
            if step.timestamp > moment:
                break
            chosen.append(step)
        return chosen
    return list(steps)


# --- the state, rendered as the read models render it --------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _last(steps: Sequence[Step], *names: str) -> Step | None:
    for step in reversed(steps):
        if step.name in names:
            return step
    return None


def _edits(steps: Sequence[Step]) -> list[dict[str, Any]]:
    """Earlier texts of a message or comment, as the read models keep them."""
    edits = []
    text = None
    for step in steps:
        if step.name == "Posted":
            text = step.event.text
        elif step.name == "Edited":
            edits.append({"text": text, "replaced_at": step.timestamp.isoformat(), "by": step.event.actor})
            text = step.event.text
    return edits


def render_state(aggregate: TawasulAggregate, steps: Sequence[Step]) -> dict[str, Any]:
    """The aggregate's state as JSON, under the read models' field names where
    they overlap (projections/render.py), plus what only the events know.

    ``steps`` are the events that built it (for the times of its changes)."""
    state = as_json(public_state(aggregate))
    first, last = steps[0], steps[-1]
    common = {"id": str(aggregate.id), "version": aggregate.version}
    created, modified = _iso(first.timestamp), _iso(last.timestamp)
    kind = aggregate.KIND
    if kind in {"organisation", "commission", "partner"}:
        rendered = {
            **state,
            "member_count": len(state["members"]),
            "registered_at": created,
            "updated_at": modified,
            "position": last.position,
        }
    elif kind == "update":
        published = _last(steps, "Published")
        withdrawn = _last(steps, "Withdrawn")
        # As the read model: publishing again clears the withdrawal.
        if withdrawn is not None and published is not None and published.version > withdrawn.version:
            withdrawn = None
        rendered = {
            **state,
            "drafted_at": created,
            "published_at": _iso(published.timestamp) if published else None,
            "withdrawn_at": _iso(withdrawn.timestamp) if withdrawn else None,
            "withdrawal_reason": withdrawn.event.reason if withdrawn else None,
            "updated_at": modified,
            "position": last.position,
        }
    elif kind == "proposal":
        actions = {
            "ReviewStarted": ("start_review", "under_review"),
            "Accepted": ("accept", "accepted"),
            "Rejected": ("reject", "rejected"),
            "Withdrawn": ("withdraw", "withdrawn"),
            "Concluded": ("conclude", "concluded"),
        }
        rendered = {
            **state,
            "submitted_at": created,
            "updated_at": modified,
            "position": last.position,
            # As the read model's decision history: review started included.
            "decisions": [
                {
                    "position": step.position,
                    "action": actions[step.name][0],
                    "state": actions[step.name][1],
                    "decided_by": step.event.actor,
                    "rationale": getattr(step.event, "rationale", ""),
                    "decided_at": _iso(step.timestamp),
                }
                for step in steps
                if step.name in actions
            ],
        }
    elif kind == "workspace":
        rendered = {
            **state,
            "member_count": len(state["members"]),
            "created_at": created,
            "position": last.position,
        }
    elif kind == "thread":
        rendered = {**state, "started_at": created, "position": last.position}
    elif kind in {"message", "comment"}:
        edited = _last(steps, "Edited")
        rendered = {
            **state,
            "edited": bool(state["history"]),
            "history": _edits(steps),
            "posted_at": created,
            "edited_at": _iso(edited.timestamp) if edited else None,
            # The read models order messages and comments by their posting.
            "position": first.position,
            "last_position": last.position,
        }
        if kind == "comment":
            rendered["resource"] = {"kind": state["resource_kind"], "id": state["resource_id"]}
    elif kind == "document":
        added = [s for s in steps if s.name in {"Uploaded", "VersionAdded"}]
        versions = [
            {
                "number": version["number"],
                "name": version["name"],
                "media_type": version["media_type"],
                "size": version["size"],
                "sha256": version["sha256"],
                "storage_key": version["storage_key"],
                "added_by": version["by"],
                "added_at": _iso(step.timestamp),
            }
            for version, step in zip(state["versions"], added, strict=True)
        ]
        current = state["versions"][-1]
        rendered = {
            **state,
            "resource": {"kind": state["resource_kind"], "id": state["resource_id"]},
            "name": current["name"],
            "media_type": current["media_type"],
            "size": current["size"],
            "sha256": current["sha256"],
            "storage_key": current["storage_key"],
            "version_count": len(versions),
            "versions": versions,
            "uploaded_at": created,
            "updated_at": modified,
            "position": last.position,
        }
    else:
        rendered = {**state, "created_at": created, "updated_at": modified, "position": last.position}
    return {**common, **rendered}
