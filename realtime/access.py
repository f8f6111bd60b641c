"""Who may read which stream, and who may signal typing: events/policy.py's rules
applied to the read models. Synchronous (ORM): the consumer calls these through
``database_sync_to_async``.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from events import policy
from events.roles import Actor
from projections import queries, streams
from realtime.protocol import ProtocolError

STREAM_FORMS = "thread:<id>, workspace:<id>, meeting:<id>, feed:commission:<id>, feed:all or user:me"


@dataclass(frozen=True, slots=True)
class StreamRef:
    """A stream as the client named it (``label``) and as it is stored (``stream``)."""

    kind: str  # "thread", "workspace", "meeting", "commission_feed", "all", "user"
    stream: str
    label: str
    object_id: UUID | None = None

    @property
    def has_presence(self) -> bool:
        return self.kind == "workspace"


def parse_stream(label: str, user_id: str) -> StreamRef:
    """The stream a client names, or ProtocolError (``invalid``, or ``forbidden`` for
    another person's user stream). No database access."""
    if label == streams.FEED_ALL:
        return StreamRef("all", label, label)
    prefix, _, rest = label.partition(":")
    if prefix == "user" and rest:
        if rest in {"me", user_id}:
            return StreamRef("user", streams.user(user_id), label)
        raise ProtocolError(
            "forbidden", "You may subscribe to your own user stream only (user:me).", stream=label
        )
    if prefix in {"thread", "workspace"}:
        object_id = _uuid(rest, label)
        builder = streams.thread if prefix == "thread" else streams.workspace
        return StreamRef(prefix, builder(object_id), label, object_id)
    if prefix == "meeting":
        object_id = _uuid(rest, label)
        return StreamRef("meeting", streams.meeting(object_id), label, object_id)
    if prefix == "feed" and rest.startswith("commission:"):
        object_id = _uuid(rest.removeprefix("commission:"), label)
        return StreamRef("commission_feed", streams.commission_feed(object_id), label, object_id)
    raise ProtocolError(
        "invalid", f"Unknown stream {label!r}: expected {STREAM_FORMS}.", stream=label,
        errors={"stream": ["Not a stream name."]},
    )


def _uuid(value: str, label: str) -> UUID:
    try:
        parsed = UUID(value)
    except ValueError:
        raise ProtocolError(
            "invalid", f"{label!r} does not end with a valid id (a UUID).", stream=label,
            errors={"stream": ["Not a valid id."]},
        ) from None
    # Only the canonical spelling: the stored stream names use it.
    if str(parsed) != value.lower():
        raise ProtocolError(
            "invalid", f"{label!r} does not end with a valid id (a UUID).", stream=label,
            errors={"stream": ["Not a valid id."]},
        )
    return parsed


def actor_of(user_id: str) -> Actor:
    """The actor a signed-in person is now (their membership as it is now)."""
    return queries.actor_for(user_id)


def check_read(actor: Actor, ref: StreamRef) -> None:
    """Raise ProtocolError unless ``actor`` may read the stream now."""
    if ref.kind == "user":
        return
    if ref.kind == "all":
        allowed = policy.may_read_everything(actor)
    elif ref.kind == "commission_feed":
        assert ref.object_id is not None
        if queries.commission_entry(ref.object_id) is None:
            raise ProtocolError("not_found", f"No commission with id {ref.object_id}.", stream=ref.label)
        allowed = policy.may_read_commission_internals(actor, ref.object_id)
    elif ref.kind == "meeting":
        assert ref.object_id is not None
        # queries.meeting_entry applies events.policy.may_read_meeting: what a reader
        # may not see does not exist for them.
        if queries.meeting_entry(actor, ref.object_id) is None:
            raise ProtocolError("not_found", f"No meeting with id {ref.object_id}.", stream=ref.label)
        allowed = True
    else:
        assert ref.object_id is not None
        workspace_id = _workspace_of(ref)
        if workspace_id is None:
            raise ProtocolError("not_found", f"No {ref.kind} with id {ref.object_id}.", stream=ref.label)
        allowed = policy.may_read_workspace(actor, queries.workspace_member_ids(workspace_id))
    if not allowed:
        raise ProtocolError("forbidden", "You may not read this stream.", stream=ref.label)


def readable(user_id: str, refs: list[StreamRef]) -> tuple[Actor, set[str]]:
    """The actor now, and which of ``refs`` (by stream) they may still read."""
    actor = actor_of(user_id)
    allowed: set[str] = set()
    for ref in refs:
        try:
            check_read(actor, ref)
        except ProtocolError:
            continue
        allowed.add(ref.stream)
    return actor, allowed


def _workspace_of(ref: StreamRef) -> UUID | None:
    assert ref.object_id is not None
    if ref.kind == "workspace":
        workspace = queries.workspace_row(ref.object_id)
        return workspace.id if workspace else None
    thread = queries.thread_row(ref.object_id)
    return thread.workspace_id if thread else None


def check_typing(user_id: str, thread_id: object) -> StreamRef:
    """The thread stream a person may signal typing in, or ProtocolError."""
    if not isinstance(thread_id, str):
        raise ProtocolError("invalid", "\"thread_id\" must be a thread id.",
                            errors={"thread_id": ["Must be a valid UUID."]})
    try:
        ref = parse_stream(streams.thread(thread_id), user_id)
    except ProtocolError:
        raise ProtocolError("invalid", "\"thread_id\" must be a thread id.",
                            errors={"thread_id": ["Must be a valid UUID."]}) from None
    assert ref.object_id is not None
    thread = queries.thread_row(ref.object_id)
    if thread is None:
        raise ProtocolError("not_found", f"No thread with id {ref.object_id}.")
    actor = actor_of(user_id)
    if not policy.may_take_part(actor, queries.workspace_member_ids(thread.workspace_id)):
        raise ProtocolError("forbidden", "Only members of the workspace take part in it.")
    return ref
