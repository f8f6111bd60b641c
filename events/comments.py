"""Comments on any resource: updates, proposals, documents, commissions, partners."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.documents import Document, DocumentUseCases
from events.errors import ValidationFailed
from events.kinds import PLAIN, declare
from events.resources import facts_of
from events.roles import Actor
from events.text import COMMENT_MAX, clean_text
from events.writing import AuthoredText

COMMENTABLE = frozenset({"commission", "partner", "update", "proposal", "document"})


class Comment(AuthoredText, TawasulAggregate):
    KIND = "comment"

    @event("Posted")
    def __init__(
        self,
        id: UUID,
        resource_kind: str,
        resource_id: UUID,
        text: str,
        actor: str,
        command_id: str,
    ):
        self.resource_kind = resource_kind
        self.resource_id = resource_id
        self.text = text
        self.author = actor
        self.retracted = False
        self.history: list[str] = []

    @event("Edited")
    def _edited(self, text: str, actor: str, command_id: str) -> None:
        self._apply_edit(text)

    @event("Retracted")
    def _retracted(self, actor: str, command_id: str) -> None:
        # The text stays in the history of events (auditors see it); readers see
        # the retraction.
        self.retracted = True


class CommentUseCases(DocumentUseCases):
    def _commentable(self, actor: Actor, kind: str, resource_id: UUID) -> UUID:
        if kind not in COMMENTABLE:
            raise ValidationFailed.not_one_of("resource_kind", sorted(COMMENTABLE))
        if kind == "document":
            document = self.load(Document, as_uuid(resource_id, "resource_id"))
            facts = self.document_facts(document)
            target = document.id
        else:
            resource = self.resource(kind, resource_id)
            facts = facts_of(resource)
            target = resource.id
        require(policy.may_comment_on(actor, facts), "You cannot comment on this.")
        return target

    @command("comment.post")
    def post_comment(
        self, actor: Actor, *, command_id: str, resource_kind: str, resource_id: UUID, text: str
    ) -> Outcome:
        target = self._commentable(actor, resource_kind, resource_id)
        comment = Comment(
            id=uuid4(),
            resource_kind=resource_kind,
            resource_id=target,
            text=clean_text(text, "text", max_length=COMMENT_MAX, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(comment)

    def _own_comment(self, actor: Actor, comment_id: UUID, expected_version: int | None) -> Comment:
        comment = self.load(Comment, as_uuid(comment_id, "comment_id"), expected_version)
        require(
            policy.may_change_own_writing(actor, comment.author),
            "Only its author edits or retracts a comment.",
        )
        return comment

    @command("comment.edit")
    def edit_comment(
        self,
        actor: Actor,
        *,
        command_id: str,
        comment_id: UUID,
        text: str,
        expected_version: int | None = None,
    ) -> Outcome:
        comment = self._own_comment(actor, comment_id, expected_version)
        comment.edit(
            clean_text(text, "text", max_length=COMMENT_MAX, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(comment)

    @command("comment.retract")
    def retract_comment(
        self,
        actor: Actor,
        *,
        command_id: str,
        comment_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        comment = self._own_comment(actor, comment_id, expected_version)
        comment.retract(actor=actor.id, command_id=command_id)
        return Outcome(comment)


EVENT_KINDS = declare(Comment, posted=PLAIN, edited=PLAIN, retracted=PLAIN)
