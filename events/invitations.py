"""Invitations to join by e-mail: sent, accepted (the invitee becomes a member), revoked.

An invitation is a change of membership in waiting, so it is an event like every
other: the audit history shows who invited whom, to which body, with which role,
and when the invitee accepted or the inviter revoked. Only the SHA-256 of the
link's token is recorded; the token travels in the e-mail only (api/invitations.py
mints it and sends the mail).

Accepting records the acceptance and the membership in one atomic save, as the
inviter's act: the inviter's authority is checked again then, so an invitation
sent by a secretary-general who has since left their post adds no one.
"""

from __future__ import annotations

import datetime as dt
import re
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission
from events.errors import IllegalTransition, ValidationFailed
from events.ids import organisation_id
from events.kinds import PLAIN, declare
from events.membership import check_role, clean_rationale
from events.organisation import Organisation
from events.partners import Partner
from events.roles import ROLES_OF_SCOPE, Actor, Scope
from events.text import LANGUAGES

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
TOKEN_HASH = re.compile(r"^[0-9a-f]{64}$")
CANNOT_INVITE = (
    "Inviting someone needs the right to add them there with this role: the "
    "secretariat, the commission's secretary-general, or the partner's managers."
)


class Invitation(TawasulAggregate):
    KIND = "invitation"

    @event("Sent")
    def __init__(
        self,
        id: UUID,
        email: str,
        scope: str,
        scope_id: UUID,
        role: str,
        language: str,
        token_hash: str,
        expires_at: dt.datetime,
        actor: str,
        command_id: str,
        rationale: str = "",
    ):
        self.email = email
        self.scope = scope
        self.scope_id = scope_id
        self.role = role
        self.language = language
        self.token_hash = token_hash
        self.expires_at = expires_at
        self.invited_by = actor
        self.accepted_by: str | None = None
        self.revoked = False

    def state(self, now: dt.datetime) -> str:
        if self.accepted_by:
            return "accepted"
        if self.revoked:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

    def accept(self, user_id: str, now: dt.datetime, *, actor: str, command_id: str) -> None:
        state = self.state(now)
        if state != "pending":
            raise IllegalTransition("invitation", state, "accept")
        self._accepted(user_id=user_id, actor=actor, command_id=command_id)

    @event("Accepted")
    def _accepted(self, user_id: str, actor: str, command_id: str) -> None:
        self.accepted_by = user_id

    def revoke(self, now: dt.datetime, rationale: str, *, actor: str, command_id: str) -> None:
        state = self.state(now)
        if state != "pending":
            raise IllegalTransition("invitation", state, "revoke")
        self._revoked(actor=actor, command_id=command_id, rationale=rationale)

    @event("Revoked")
    def _revoked(self, actor: str, command_id: str, rationale: str = "") -> None:
        self.revoked = True


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class InvitationUseCases(EventStoreApplication):
    def _body(self, scope: str, scope_id: UUID | None) -> Organisation | Commission | Partner:
        """The organisation, commission or partner an invitation is to."""
        if scope == Scope.ORGANISATION:
            return self.load(Organisation, organisation_id())
        if scope == Scope.COMMISSION:
            return self.load(Commission, as_uuid(scope_id, "scope_id"))
        if scope == Scope.PARTNER:
            return self.load(Partner, as_uuid(scope_id, "scope_id"))
        raise ValidationFailed.not_one_of("scope", ["commission", "organisation", "partner"])

    def _may_invite(self, actor: Actor, body: Organisation | Commission | Partner, role: str) -> bool:
        facts = body.facts if isinstance(body, Partner) else None
        return policy.may_invite(actor, body.KIND, body.id, role, facts)

    @command("invitation.send")
    def send_invitation(
        self,
        actor: Actor,
        *,
        command_id: str,
        email: str,
        scope: str,
        role: str,
        token_hash: str,
        expires_at: dt.datetime,
        scope_id: UUID | None = None,
        language: str = "ar",
        rationale: str = "",
    ) -> Outcome:
        body = self._body(scope, scope_id)
        given = check_role(role, ROLES_OF_SCOPE[Scope(scope)])
        require(self._may_invite(actor, body, given.value), CANNOT_INVITE)
        address = str(email).strip().lower()
        if len(address) > 254 or not EMAIL.match(address):
            raise ValidationFailed.field("email", "Enter a valid e-mail address.")
        if language not in LANGUAGES:
            raise ValidationFailed.not_one_of("language", LANGUAGES)
        if not TOKEN_HASH.match(str(token_hash)):
            raise ValidationFailed.field("token_hash", "The SHA-256 of the token, in hex.")
        if expires_at.tzinfo is None or expires_at <= _now():
            raise ValidationFailed.field("expires_at", "A moment in the future, with its time zone.")
        invitation = Invitation(
            id=uuid4(),
            email=address,
            scope=body.KIND,
            scope_id=body.id,
            role=given.value,
            language=language,
            token_hash=token_hash,
            expires_at=expires_at,
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
        )
        return Outcome(invitation)

    @command("invitation.revoke")
    def revoke_invitation(
        self, actor: Actor, *, command_id: str, invitation_id: UUID, rationale: str = ""
    ) -> Outcome:
        invitation = self.load(Invitation, as_uuid(invitation_id, "invitation_id"))
        body = self._body(invitation.scope, invitation.scope_id)
        require(
            invitation.invited_by == actor.id or self._may_invite(actor, body, invitation.role),
            "Only the inviter, or whoever may invite there with this role, revokes an invitation.",
        )
        invitation.revoke(_now(), clean_rationale(rationale), actor=actor.id, command_id=command_id)
        return Outcome(invitation)

    @command("invitation.accept")
    def accept_invitation(
        self, actor: Actor, *, command_id: str, invitation_id: UUID, user_id: str
    ) -> Outcome:
        """Run as the inviter: the invitee joins on the inviter's authority, if it still holds."""
        invitation = self.load(Invitation, as_uuid(invitation_id, "invitation_id"))
        require(
            invitation.invited_by == actor.id,
            "An invitation is accepted on its inviter's authority only.",
        )
        body = self._body(invitation.scope, invitation.scope_id)
        require(
            self._may_invite(actor, body, invitation.role),
            "The person who invited you may no longer add members there: ask them again.",
        )
        invitation.accept(user_id, _now(), actor=actor.id, command_id=command_id)
        body.add_member(
            user_id,
            check_role(invitation.role, ROLES_OF_SCOPE[Scope(invitation.scope)]),
            actor=actor.id,
            command_id=command_id,
            rationale=f"Accepted the invitation {invitation.id}",
        )
        return Outcome(invitation, also=(body,), data={"user_id": user_id})

    @command("invitation.import")
    def import_invitation(
        self,
        actor: Actor,
        *,
        command_id: str,
        invitation_id: UUID,
        email: str,
        scope: str,
        scope_id: UUID,
        role: str,
        language: str,
        token_hash: str,
        expires_at: dt.datetime,
        invited_by: str,
        accepted_by: str | None = None,
        revoked: bool = False,
    ) -> Outcome:
        """Record an invitation sent before invitations were events (the platform's
        migration of the old table): as it was, in the name of its inviter."""
        require(policy.is_platform(actor), "Only the platform imports invitations.")
        invitation = Invitation(
            id=as_uuid(invitation_id, "invitation_id"),
            email=email,
            scope=scope,
            scope_id=as_uuid(scope_id, "scope_id"),
            role=role,
            language=language,
            token_hash=token_hash,
            expires_at=expires_at,
            actor=invited_by,
            command_id=command_id,
            rationale="Sent before invitations were recorded as events.",
        )
        if accepted_by:
            invitation._accepted(user_id=accepted_by, actor=invited_by, command_id=command_id)
        elif revoked:
            invitation._revoked(actor=invited_by, command_id=command_id)
        return Outcome(invitation)


# Accepting adds the membership in the same save: that event changes access.
EVENT_KINDS = declare(Invitation, sent=PLAIN, accepted=PLAIN, revoked=PLAIN)
