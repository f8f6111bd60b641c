"""The decision timeline of the audit: every decision, who took it, when, and why.

A decision is a proposal's review started, accepted, rejected, withdrawn or
concluded; an update published or withdrawn (with its reason); a member added
to, removed from or given another role in the organisation, a commission, a
partner institution or a workspace; a secretary-general appointed; a partner's
affiliation with a commission requested, accepted, declined or ended, and what
it shares with that commission granted or revoked.

The projector keeps what it needs to know about the resources decisions are
about (their commission, their label, their state, their members' roles) in
its own table, DecisionSubject, so that it reads no other projector's rows:
it can be rebuilt alone, and a decision records the state it moved from and
the role a member had before, as they were at that point of the history. Like
every projector it reads and writes through the batch's rows (projections/unit.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.base import EventContext, Projector, handles
from projections.kinds import kind_of
from projections.models import DecisionEntry, DecisionSubject

# The decisions' kinds, as the timeline's ``kind`` filter accepts them.
DECISION_KINDS = (
    "proposal.review_started",
    "proposal.accepted",
    "proposal.rejected",
    "proposal.withdrawn",
    "proposal.concluded",
    "update.published",
    "update.withdrawn",
    "organisation.member_joined",
    "organisation.member_left",
    "organisation.member_role_changed",
    "commission.member_joined",
    "commission.member_left",
    "commission.member_role_changed",
    "commission.secretary_general_appointed",
    "partner.member_joined",
    "partner.member_left",
    "partner.member_role_changed",
    "partner.affiliated_with_commission",
    "partner.affiliation_requested",
    "partner.affiliation_accepted",
    "partner.affiliation_declined",
    "partner.affiliation_ended",
    "partner.access_granted",
    "partner.access_revoked",
    "workspace.member_added",
    "workspace.member_removed",
)

PROPOSAL_STATES = {
    "ReviewStarted": "under_review",
    "Accepted": "accepted",
    "Rejected": "rejected",
    "Withdrawn": "withdrawn",
    "Concluded": "concluded",
}


def _plain(text: str) -> dict[str, str]:
    return {"default": text}


class DecisionsProjector(Projector):
    name = "decisions"
    models = (DecisionSubject, DecisionEntry)

    # --- what decisions are about -------------------------------------------------------------

    @staticmethod
    def _subject(
        context: EventContext, kind: str, label: dict[str, str], commission_id: UUID | None, state: str = ""
    ) -> None:
        context.rows.add(
            DecisionSubject(
                id=context.aggregate_id, kind=kind, commission_id=commission_id, label=label, state=state
            )
        )

    @staticmethod
    def _relabel(context: EventContext, label: dict[str, str]) -> None:
        subject = context.rows.get(DecisionSubject, context.aggregate_id)
        if subject is not None:
            subject.label = label
            context.rows.changed(subject)

    @handles("Organisation.Registered")
    def organisation_registered(self, event: Any, context: EventContext) -> None:
        self._subject(context, "organisation", event.name, None)

    @handles("Commission.Registered")
    def commission_registered(self, event: Any, context: EventContext) -> None:
        self._subject(context, "commission", event.name, context.aggregate_id)

    @handles("Partner.Registered")
    def partner_registered(self, event: Any, context: EventContext) -> None:
        self._subject(context, "partner", event.name, None)

    @handles("Commission.ProfileUpdated", "Partner.ProfileUpdated")
    def profile_updated(self, event: Any, context: EventContext) -> None:
        if "name" in event.changes:
            self._relabel(context, event.changes["name"])

    @handles("CommissionUpdate.Drafted")
    def update_drafted(self, event: Any, context: EventContext) -> None:
        self._subject(context, "update", event.title, event.commission_id, "draft")

    @handles("Proposal.Submitted")
    def proposal_submitted(self, event: Any, context: EventContext) -> None:
        self._subject(context, "proposal", event.title, event.commission_id, "submitted")

    @handles("CommissionUpdate.Revised", "Proposal.Revised")
    def revised(self, event: Any, context: EventContext) -> None:
        self._relabel(context, event.title)

    @handles("Workspace.Created")
    def workspace_created(self, event: Any, context: EventContext) -> None:
        self._subject(context, "workspace", _plain(event.name), event.commission_id)

    # --- decisions --------------------------------------------------------------------------------

    @staticmethod
    def _decide(
        context: EventContext,
        subject: DecisionSubject | None,
        *,
        rationale: str = "",
        member: str = "",
        role: str = "",
        previous_role: str = "",
        commission_id: UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        kind = kind_of(context.topic)
        subject_kind = subject.kind if subject else kind.split(".", 1)[0]
        entry = DecisionEntry(
            position=context.position,
            kind=kind,
            subject_kind=subject_kind,
            subject_id=context.aggregate_id,
            commission_id=commission_id or (subject.commission_id if subject else None),
            partner_id=context.aggregate_id if subject_kind == "partner" else None,
            actor=context.actor,
            command_id=context.command_id,
            decided_at=context.timestamp,
            rationale=rationale or "",
            member=member or "",
            role=role,
            previous_role=previous_role,
            details=details or {},
            label=subject.label if subject else {},
        )
        context.rows.add(entry)

    @staticmethod
    def _find(context: EventContext) -> DecisionSubject | None:
        return context.rows.get(DecisionSubject, context.aggregate_id)

    def _move(self, context: EventContext, to: str, rationale: str) -> None:
        subject = self._find(context)
        before = subject.state if subject else ""
        if subject is not None:
            subject.state = to
            context.rows.changed(subject)
        self._decide(context, subject, rationale=rationale, details={"from": before, "to": to})

    @handles(
        "Proposal.ReviewStarted",
        "Proposal.Accepted",
        "Proposal.Rejected",
        "Proposal.Withdrawn",
        "Proposal.Concluded",
    )
    def proposal_decided(self, event: Any, context: EventContext) -> None:
        self._move(context, PROPOSAL_STATES[type(event).__name__], getattr(event, "rationale", ""))

    @handles("CommissionUpdate.Published")
    def update_published(self, event: Any, context: EventContext) -> None:
        self._move(context, "published", "")

    @handles("CommissionUpdate.Withdrawn")
    def update_withdrawn(self, event: Any, context: EventContext) -> None:
        self._move(context, "withdrawn", event.reason)

    def _set_role(self, context: EventContext, user_id: str | None, role: str | None) -> tuple[Any, str]:
        """Record ``user_id``'s new role (None: removed); return the subject and the role before."""
        subject = self._find(context)
        if subject is None or not user_id:
            return subject, ""
        roles = dict(subject.roles)
        previous = roles.pop(user_id, "")
        if role is not None:
            roles[user_id] = role
        subject.roles = roles
        context.rows.changed(subject)
        return subject, str(previous)

    @handles(
        "Organisation.MemberJoined",
        "Commission.MemberJoined",
        "Partner.MemberJoined",
        "Organisation.MemberRoleChanged",
        "Commission.MemberRoleChanged",
        "Partner.MemberRoleChanged",
    )
    def member_given_role(self, event: Any, context: EventContext) -> None:
        subject, previous = self._set_role(context, event.user_id, event.role)
        self._decide(
            context,
            subject,
            member=event.user_id,
            role=event.role,
            previous_role=previous,
            rationale=getattr(event, "rationale", ""),
        )

    @handles("Organisation.MemberLeft", "Commission.MemberLeft", "Partner.MemberLeft")
    def member_left(self, event: Any, context: EventContext) -> None:
        subject, previous = self._set_role(context, event.user_id, None)
        self._decide(
            context,
            subject,
            member=event.user_id,
            previous_role=previous,
            rationale=getattr(event, "rationale", ""),
        )

    @handles("Commission.SecretaryGeneralAppointed")
    def secretary_general_appointed(self, event: Any, context: EventContext) -> None:
        role = "secretary_general" if event.user_id else ""
        subject, previous = self._set_role(context, event.user_id, role or None)
        self._decide(
            context,
            subject,
            member=event.user_id or "",
            role=role,
            previous_role=previous,
            details={"name": event.name},
        )

    @handles(
        "Partner.AffiliatedWithCommission",
        "Partner.AffiliationRequested",
        "Partner.AffiliationAccepted",
        "Partner.AffiliationDeclined",
        "Partner.AffiliationEnded",
    )
    def partner_affiliation(self, event: Any, context: EventContext) -> None:
        self._decide(
            context,
            self._find(context),
            commission_id=event.commission_id,
            rationale=getattr(event, "rationale", ""),
        )

    @handles("Partner.AccessGranted", "Partner.AccessRevoked")
    def partner_access(self, event: Any, context: EventContext) -> None:
        self._decide(
            context,
            self._find(context),
            commission_id=event.commission_id,
            rationale=event.rationale,
            details={"rights": list(event.rights)},
        )

    @handles("Workspace.MemberAdded", "Workspace.MemberRemoved")
    def workspace_member(self, event: Any, context: EventContext) -> None:
        self._decide(context, self._find(context), member=event.user_id)
