"""Workspaces with their members, threads, and messages with their edit history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.base import EventContext, Projector, handles
from projections.models import MessageEntry, ThreadEntry, WorkspaceEntry, WorkspaceMember


def _member_key(workspace_id: UUID, user_id: str) -> str:
    return f"{workspace_id}:{user_id}"


class WorkspacesProjector(Projector):
    name = "workspaces"
    models = (WorkspaceEntry, WorkspaceMember, ThreadEntry, MessageEntry)

    # --- workspaces ---

    @handles("Workspace.Created")
    def created(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            WorkspaceEntry(
                id=context.aggregate_id,
                name=event.name,
                description=event.description,
                commission_id=event.commission_id,
                created_by=event.actor,
                member_count=1,
                created_at=context.timestamp,
                last_activity_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )
        self._add_member(context.aggregate_id, event.actor, context)

    @handles("Workspace.MemberAdded")
    def member_added(self, event: Any, context: EventContext) -> None:
        self._add_member(context.aggregate_id, event.user_id, context)
        self._workspace(context).member_count += 1

    @handles("Workspace.MemberRemoved")
    def member_removed(self, event: Any, context: EventContext) -> None:
        context.rows.delete(WorkspaceMember, _member_key(context.aggregate_id, event.user_id))
        self._workspace(context).member_count -= 1

    @handles("Workspace.Archived")
    def archived(self, event: Any, context: EventContext) -> None:
        self._workspace(context).archived = True

    @staticmethod
    def _add_member(workspace_id: UUID, user_id: str, context: EventContext) -> None:
        context.rows.add(
            WorkspaceMember(
                key=_member_key(workspace_id, user_id),
                workspace_id=workspace_id,
                user_id=user_id,
                added_by=context.actor,
                added_at=context.timestamp,
            )
        )

    @staticmethod
    def _workspace(context: EventContext) -> WorkspaceEntry:
        entry = context.rows.require(WorkspaceEntry, context.aggregate_id)
        entry.last_activity_at = context.timestamp
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
        return entry

    @staticmethod
    def _active(workspace_id: UUID, context: EventContext) -> None:
        entry = context.rows.require(WorkspaceEntry, workspace_id)
        entry.last_activity_at = context.timestamp
        context.rows.changed(entry)

    # --- threads ---

    @handles("Thread.Started")
    def thread_started(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            ThreadEntry(
                id=context.aggregate_id,
                workspace_id=event.workspace_id,
                title=event.title,
                started_by=event.actor,
                started_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )
        self._active(event.workspace_id, context)

    @handles("Thread.Renamed")
    def thread_renamed(self, event: Any, context: EventContext) -> None:
        self._thread(context).title = event.title

    @handles("Thread.Closed")
    def thread_closed(self, event: Any, context: EventContext) -> None:
        self._thread(context).closed = True

    @staticmethod
    def _thread(context: EventContext) -> ThreadEntry:
        entry = context.rows.require(ThreadEntry, context.aggregate_id)
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
        return entry

    # --- messages ---

    @handles("Message.Posted")
    def message_posted(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            MessageEntry(
                id=context.aggregate_id,
                thread_id=event.thread_id,
                workspace_id=event.workspace_id,
                author=event.actor,
                text=event.text,
                mentions=list(event.mentions),
                posted_at=context.timestamp,
                version=context.version,
                position=context.position,
                last_position=context.position,
            )
        )
        thread = context.rows.require(ThreadEntry, event.thread_id)
        thread.message_count += 1
        thread.last_message_at = context.timestamp
        context.rows.changed(thread)
        self._active(event.workspace_id, context)

    @handles("Message.Edited")
    def message_edited(self, event: Any, context: EventContext) -> None:
        entry = self._message(context)
        entry.history = [
            *entry.history,
            {"text": entry.text, "replaced_at": context.timestamp.isoformat(), "by": event.actor},
        ]
        entry.text = event.text
        entry.edited_at = context.timestamp

    @handles("Message.Retracted")
    def message_retracted(self, event: Any, context: EventContext) -> None:
        self._message(context).retracted = True

    @staticmethod
    def _message(context: EventContext) -> MessageEntry:
        entry = context.rows.require(MessageEntry, context.aggregate_id)
        entry.version = context.version
        entry.last_position = context.position
        context.rows.changed(entry)
        return entry
