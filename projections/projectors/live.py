"""The live streams: what each stream received, kept for resuming clients.

For every event the items of each stream are stored (StreamItem) in the batch's
transaction, and handed to the runner, which publishes them after the commit.

- thread:<id> and workspace:<id> carry the object itself as the read model now
  renders it (a message, a thread, a workspace, a document);
- feed:all and feed:commission:<id> carry the activity item; private activity
  (inside a workspace) is kept out of commission feeds, whose readers are not
  all members of that workspace;
- meeting:<id> carries the meeting as rendered after each of its events (the item
  under discussion changes live for everyone following it);
- user:<id> carries what concerns one person: mentions, being added to a
  workspace or an organisation, decisions on the proposals they made.
"""

from __future__ import annotations

from typing import Any

from events.platform import EVENT_KINDS
from projections import render, streams
from projections.base import EventContext, Projector
from projections.models import (
    ActivityItem,
    DocumentEntry,
    MeetingEntry,
    MessageEntry,
    ProposalEntry,
    StreamItem,
    ThreadEntry,
    WorkspaceEntry,
)
from projections.unit import Rows

# Kinds after which the sockets of the person concerned check their streams again.
ACCESS_CHANGING = frozenset(kind for kind, meaning in EVENT_KINDS.items() if meaning.changes_access)


class LiveStreamsProjector(Projector):
    name = "live"
    models = (StreamItem,)
    sees_every_event = True
    depends_on = ("activity", "workspaces", "documents", "pipeline", "meetings")

    def on_event(self, event: Any, context: EventContext) -> None:
        activity = context.rows.get(ActivityItem, context.position)
        if activity is None:
            return
        kind = activity.kind
        content = self._content(context.rows, activity)
        if content is not None:
            data, content_streams = content
            self._emit(context, kind, data, content_streams)
        feeds = [streams.FEED_ALL]
        if activity.commission_id and not activity.workspace_id:
            feeds.append(streams.commission_feed(activity.commission_id))
        feeds += [streams.user(u) for u in self._people_concerned(context.rows, kind, event, activity)]
        self._emit(context, kind, activity.render(), feeds)

    def _emit(self, context: EventContext, kind: str, data: dict[str, Any], names: list[str]) -> None:
        unique = list(dict.fromkeys(names))
        for name in unique:
            context.rows.add(
                StreamItem(
                    key=f"{name}|{context.position:020d}",
                    stream=name,
                    position=context.position,
                    kind=kind,
                    data=data,
                )
            )
        context.publish(kind, data, unique)

    @staticmethod
    def _content(rows: Rows, activity: ActivityItem) -> tuple[dict[str, Any], list[str]] | None:
        object_kind, object_id = activity.object_kind, activity.object_id
        if object_kind == "message":
            message = rows.require(MessageEntry, object_id)
            return render.message(message), [
                streams.thread(message.thread_id),
                streams.workspace(message.workspace_id),
            ]
        if object_kind == "thread":
            thread = rows.require(ThreadEntry, object_id)
            return render.thread(thread), [
                streams.thread(thread.id),
                streams.workspace(thread.workspace_id),
            ]
        if object_kind == "workspace":
            workspace = rows.require(WorkspaceEntry, object_id)
            return render.workspace(workspace), [streams.workspace(workspace.id)]
        if object_kind == "meeting":
            meeting = rows.require(MeetingEntry, object_id)
            return render.meeting(meeting), [streams.meeting(meeting.id)]
        if object_kind == "document" and activity.workspace_id:
            document = rows.require(DocumentEntry, object_id)
            return render.document(document), [streams.workspace(activity.workspace_id)]
        return None

    @staticmethod
    def _people_concerned(rows: Rows, kind: str, event: Any, activity: ActivityItem) -> list[str]:
        """Whom the event is told to on their own stream (events/kinds.py, ``tells``)."""
        meaning = EVENT_KINDS.get(kind)
        if meaning is None or not meaning.tells:
            return []
        if meaning.tells == "proposer":
            proposal = rows.get(ProposalEntry, activity.object_id)
            return [proposal.proposed_by] if proposal else []
        named = getattr(event, meaning.tells, None)
        if not named:
            return []
        return [str(person) for person in named] if isinstance(named, list | tuple) else [str(named)]
