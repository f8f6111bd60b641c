"""Invitations as their events left them: sent, accepted, revoked."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import InvitationEntry


class InvitationsProjector(Projector):
    name = "invitations"
    models = (InvitationEntry,)

    @handles("Invitation.Sent")
    def sent(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            InvitationEntry(
                id=context.aggregate_id,
                email=event.email,
                token_hash=event.token_hash,
                scope=event.scope,
                scope_id=event.scope_id,
                role=event.role,
                language=event.language,
                invited_by=event.actor,
                rationale=getattr(event, "rationale", ""),
                created_at=context.timestamp,
                expires_at=event.expires_at,
                version=context.version,
                position=context.position,
            )
        )

    @handles("Invitation.Accepted")
    def accepted(self, event: Any, context: EventContext) -> None:
        entry = self._entry(context)
        entry.accepted_at = context.timestamp
        entry.accepted_user_id = event.user_id

    @handles("Invitation.Revoked")
    def revoked(self, event: Any, context: EventContext) -> None:
        self._entry(context).revoked_at = context.timestamp

    @staticmethod
    def _entry(context: EventContext) -> InvitationEntry:
        entry = context.rows.require(InvitationEntry, context.aggregate_id)
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
        return entry
