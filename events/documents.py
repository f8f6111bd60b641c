"""The document library: uploads, versions, archiving. Bytes live in events/files.py."""

from __future__ import annotations

import dataclasses
from typing import IO, Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.errors import IllegalTransition, ValidationFailed
from events.files import ContentStore
from events.kinds import PLAIN, declare
from events.policy import ResourceFacts
from events.resources import ResourceUseCases, facts_of
from events.roles import Actor
from events.text import require_choice

VISIBILITIES = frozenset({"internal", "public"})


class Document(TawasulAggregate):
    KIND = "document"

    @event("Uploaded")
    def __init__(
        self,
        id: UUID,
        resource_kind: str,
        resource_id: UUID,
        visibility: str,
        name: str,
        size: int,
        media_type: str,
        sha256: str,
        storage_key: str,
        actor: str,
        command_id: str,
    ):
        self.resource_kind = resource_kind
        self.resource_id = resource_id
        self.visibility = visibility
        self.uploaded_by = actor
        self.archived = False
        self.versions: list[dict[str, Any]] = []
        self._add(name, size, media_type, sha256, storage_key, actor)

    def _add(self, name: str, size: int, media_type: str, sha256: str, storage_key: str, actor: str) -> None:
        self.versions.append(
            {
                "number": len(self.versions) + 1,
                "name": name,
                "size": size,
                "media_type": media_type,
                "sha256": sha256,
                "storage_key": storage_key,
                "by": actor,
            }
        )

    @property
    def current(self) -> dict[str, Any]:
        return self.versions[-1]

    def add_version(self, fields: dict[str, Any], *, actor: str, command_id: str) -> None:
        if self.archived:
            raise IllegalTransition(self.KIND, "archived", "add a version to")
        self._version_added(**fields, actor=actor, command_id=command_id)

    @event("VersionAdded")
    def _version_added(
        self,
        name: str,
        size: int,
        media_type: str,
        sha256: str,
        storage_key: str,
        actor: str,
        command_id: str,
    ) -> None:
        self._add(name, size, media_type, sha256, storage_key, actor)

    def archive(self, *, actor: str, command_id: str) -> None:
        if self.archived:
            raise IllegalTransition(self.KIND, "archived", "archive")
        self._archived(actor=actor, command_id=command_id)

    @event("Archived")
    def _archived(self, actor: str, command_id: str) -> None:
        self.archived = True


class DocumentUseCases(ResourceUseCases):
    content_store: ContentStore

    def document_facts(self, document: Document) -> ResourceFacts:
        """The policy's view of a document: its resource's, public only when both are."""
        resource = facts_of(self.resource(document.resource_kind, document.resource_id))
        return dataclasses.replace(resource, public=resource.public and document.visibility == "public")

    @command("document.upload")
    def upload_document(
        self,
        actor: Actor,
        *,
        command_id: str,
        resource_kind: str,
        resource_id: UUID,
        name: str,
        content: IO[bytes],
        visibility: str = "internal",
    ) -> Outcome:
        """Check, store the bytes, then record the upload: no event without bytes,
        and no bytes stored for a refused upload."""
        resource = self.resource(resource_kind, resource_id)
        facts = facts_of(resource)
        require(policy.may_upload_to(actor, facts), "You cannot add documents here.")
        visibility = require_choice(visibility, "visibility", VISIBILITIES)
        if visibility == "public" and not policy.may_publish_documents(facts):
            raise ValidationFailed.field(
                "visibility", "Only documents of commissions, partners and updates can be public."
            )
        stored = self.content_store.store(self.content_store.inspect(content, name))
        document = Document(
            id=uuid4(),
            resource_kind=resource_kind,
            resource_id=resource.id,
            visibility=visibility,
            **stored.as_event_fields(),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(document)

    def _document_to_change(self, actor: Actor, document_id: UUID, expected_version: int | None) -> Document:
        document = self.load(Document, as_uuid(document_id, "document_id"), expected_version)
        require(
            policy.may_upload_to(actor, self.document_facts(document)),
            "You cannot change documents here.",
        )
        return document

    @command("document.add_version")
    def add_document_version(
        self,
        actor: Actor,
        *,
        command_id: str,
        document_id: UUID,
        name: str,
        content: IO[bytes],
        expected_version: int | None = None,
    ) -> Outcome:
        document = self._document_to_change(actor, document_id, expected_version)
        if document.archived:
            raise IllegalTransition(document.KIND, "archived", "add a version to")
        stored = self.content_store.store(self.content_store.inspect(content, name))
        document.add_version(stored.as_event_fields(), actor=actor.id, command_id=command_id)
        return Outcome(document, data={"version_number": len(document.versions)})

    @command("document.archive")
    def archive_document(
        self,
        actor: Actor,
        *,
        command_id: str,
        document_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        document = self._document_to_change(actor, document_id, expected_version)
        document.archive(actor=actor.id, command_id=command_id)
        return Outcome(document)


EVENT_KINDS = declare(Document, uploaded=PLAIN, version_added=PLAIN, archived=PLAIN)
