"""Comments per resource, and the document library with its versions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.base import EventContext, Projector, handles
from projections.models import (
    CommentEntry,
    DocumentEntry,
    DocumentVersion,
    ProposalEntry,
    UpdateEntry,
    WorkspaceEntry,
)
from projections.unit import Rows

OWNED_BY_COMMISSION: dict[str, Any] = {
    "update": UpdateEntry,
    "proposal": ProposalEntry,
    "workspace": WorkspaceEntry,
}


def commission_of(rows: Rows, kind: str, resource_id: UUID) -> UUID | None:
    """The commission a resource belongs to (it never changes)."""
    if kind == "commission":
        return resource_id
    model = OWNED_BY_COMMISSION.get(kind)
    entry = rows.get(model, resource_id) if model is not None else None
    return entry.commission_id if entry is not None else None


def _history_entry(text: str, context: EventContext, actor: str) -> dict[str, str]:
    return {"text": text, "replaced_at": context.timestamp.isoformat(), "by": actor}


class CommentsProjector(Projector):
    name = "comments"
    models = (CommentEntry,)

    @handles("Comment.Posted")
    def posted(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            CommentEntry(
                id=context.aggregate_id,
                resource_kind=event.resource_kind,
                resource_id=event.resource_id,
                author=event.actor,
                text=event.text,
                posted_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )

    @handles("Comment.Edited")
    def edited(self, event: Any, context: EventContext) -> None:
        entry = self._comment(context)
        entry.history = [*entry.history, _history_entry(entry.text, context, event.actor)]
        entry.text = event.text
        entry.edited_at = context.timestamp

    @handles("Comment.Retracted")
    def retracted(self, event: Any, context: EventContext) -> None:
        self._comment(context).retracted = True

    @staticmethod
    def _comment(context: EventContext) -> CommentEntry:
        entry = context.rows.require(CommentEntry, context.aggregate_id)
        entry.version = context.version
        context.rows.changed(entry)
        return entry


class DocumentsProjector(Projector):
    name = "documents"
    models = (DocumentEntry, DocumentVersion)
    depends_on = ("updates", "pipeline", "workspaces")

    @handles("Document.Uploaded")
    def uploaded(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            DocumentEntry(
                id=context.aggregate_id,
                resource_kind=event.resource_kind,
                resource_id=event.resource_id,
                commission_id=commission_of(context.rows, event.resource_kind, event.resource_id),
                visibility=event.visibility,
                name=event.name,
                media_type=event.media_type,
                size=event.size,
                sha256=event.sha256,
                storage_key=event.storage_key,
                uploaded_by=event.actor,
                uploaded_at=context.timestamp,
                updated_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )
        self._version(context, event, 1)

    @handles("Document.VersionAdded")
    def version_added(self, event: Any, context: EventContext) -> None:
        entry = self._document(context)
        entry.version_count += 1
        entry.name = event.name
        entry.media_type = event.media_type
        entry.size = event.size
        entry.sha256 = event.sha256
        entry.storage_key = event.storage_key
        self._version(context, event, entry.version_count)

    @handles("Document.Archived")
    def archived(self, event: Any, context: EventContext) -> None:
        self._document(context).archived = True

    @staticmethod
    def _document(context: EventContext) -> DocumentEntry:
        entry = context.rows.require(DocumentEntry, context.aggregate_id)
        entry.updated_at = context.timestamp
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
        return entry

    @staticmethod
    def _version(context: EventContext, event: Any, number: int) -> None:
        context.rows.add(
            DocumentVersion(
                key=f"{context.aggregate_id}:{number}",
                document_id=context.aggregate_id,
                number=number,
                name=event.name,
                media_type=event.media_type,
                size=event.size,
                sha256=event.sha256,
                storage_key=event.storage_key,
                added_by=event.actor,
                added_at=context.timestamp,
            )
        )
