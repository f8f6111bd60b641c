"""Commission updates: news items, activity reports, publications.

Lifecycle: drafted -> (revised)* -> published -> withdrawn; a withdrawn update
may be revised and published again. Drafts are visible to their commission,
published updates to everyone.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission
from events.errors import FieldError, IllegalTransition, ValidationFailed
from events.kinds import PLAIN, declare
from events.roles import Actor
from events.text import (
    BODY_MAX,
    DESCRIPTION_MAX,
    RATIONALE_MAX,
    TITLE_MAX,
    clean_localized,
    clean_text,
    require_choice,
)

UPDATE_KINDS = frozenset({"news", "activity_report", "publication"})


class UpdateState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class CommissionUpdate(TawasulAggregate):
    KIND = "update"

    @event("Drafted")
    def __init__(
        self,
        id: UUID,
        commission_id: UUID,
        kind: str,
        title: dict[str, str],
        summary: dict[str, str],
        body: dict[str, str],
        actor: str,
        command_id: str,
    ):
        self.commission_id = commission_id
        self.kind = kind
        self.title = title
        self.summary = summary
        self.body = body
        self.state = UpdateState.DRAFT
        self.author = actor
        self.published_at: str | None = None

    def revise(
        self,
        *,
        title: dict[str, str],
        summary: dict[str, str],
        body: dict[str, str],
        actor: str,
        command_id: str,
    ) -> None:
        if (title, summary, body) != (self.title, self.summary, self.body):
            self._revised(title=title, summary=summary, body=body, actor=actor, command_id=command_id)

    @event("Revised")
    def _revised(
        self,
        title: dict[str, str],
        summary: dict[str, str],
        body: dict[str, str],
        actor: str,
        command_id: str,
    ) -> None:
        self.title, self.summary, self.body = title, summary, body

    def publish(self, *, actor: str, command_id: str) -> None:
        if self.state is UpdateState.PUBLISHED:
            raise IllegalTransition(self.KIND, self.state, "publish")
        self._published(actor=actor, command_id=command_id)

    @event("Published")
    def _published(self, actor: str, command_id: str) -> None:
        self.state = UpdateState.PUBLISHED

    def withdraw(self, *, reason: str, actor: str, command_id: str) -> None:
        if self.state is not UpdateState.PUBLISHED:
            raise IllegalTransition(self.KIND, self.state, "withdraw")
        self._withdrawn(reason=reason, actor=actor, command_id=command_id)

    @event("Withdrawn")
    def _withdrawn(self, reason: str, actor: str, command_id: str) -> None:
        self.state = UpdateState.WITHDRAWN


def _clean_content(
    title: object, summary: object, body: object
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    errors: dict[str, list[FieldError]] = {}
    cleaned = []
    for name, value, max_length, required in (
        ("title", title, TITLE_MAX, True),
        ("summary", summary, DESCRIPTION_MAX, False),
        ("body", body, BODY_MAX, True),
    ):
        try:
            cleaned.append(
                clean_localized(
                    value, name, max_length=max_length, required=required, multiline=name != "title"
                )
            )
        except ValidationFailed as error:
            errors.update(error.field_errors)
    if errors:
        raise ValidationFailed("The update is not valid.", errors=errors)
    return cleaned[0], cleaned[1], cleaned[2]


class UpdateUseCases(EventStoreApplication):
    def _writable_update(
        self, actor: Actor, update_id: UUID, expected_version: int | None = None
    ) -> CommissionUpdate:
        update = self.load(CommissionUpdate, as_uuid(update_id, "update_id"), expected_version)
        require(
            policy.may_write_updates(actor, update.commission_id),
            "Only the staff of its commission change an update.",
        )
        return update

    @command("update.draft")
    def draft_update(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        kind: str,
        title: dict[str, str],
        body: dict[str, str],
        summary: dict[str, str] | None = None,
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"))
        require(
            policy.may_write_updates(actor, commission.id),
            "Only the commission's staff write its updates.",
        )
        kind = require_choice(kind, "kind", UPDATE_KINDS)
        title, summary, body = _clean_content(title, summary, body)
        update = CommissionUpdate(
            id=uuid4(),
            commission_id=commission.id,
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(update)

    @command("update.revise")
    def revise_update(
        self,
        actor: Actor,
        *,
        command_id: str,
        update_id: UUID,
        title: dict[str, str],
        body: dict[str, str],
        summary: dict[str, str] | None = None,
        expected_version: int | None = None,
    ) -> Outcome:
        update = self._writable_update(actor, update_id, expected_version)
        title, summary, body = _clean_content(title, summary, body)
        update.revise(title=title, summary=summary, body=body, actor=actor.id, command_id=command_id)
        return Outcome(update)

    @command("update.publish")
    def publish_update(
        self, actor: Actor, *, command_id: str, update_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        update = self._writable_update(actor, update_id, expected_version)
        update.publish(actor=actor.id, command_id=command_id)
        return Outcome(update)

    @command("update.withdraw")
    def withdraw_update(
        self,
        actor: Actor,
        *,
        command_id: str,
        update_id: UUID,
        reason: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        update = self._writable_update(actor, update_id, expected_version)
        update.withdraw(
            reason=clean_text(reason, "reason", max_length=RATIONALE_MAX, required=False, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(update)


EVENT_KINDS = declare(
    CommissionUpdate, drafted=PLAIN, revised=PLAIN, published=PLAIN, withdrawn=PLAIN
)
