"""Partnership proposals and their lifecycle, as an explicit state machine.

::

    submitted --start_review--> under_review --accept--> accepted --conclude--> concluded
        |   \\                      |    \\
        |    revise (stays)         |     reject --> rejected
        |                           |     revise (stays under review)
        +--withdraw--> withdrawn <--+--withdraw

A decision (accept, reject, conclude, withdraw) records its rationale and its
decider; the aggregate keeps the whole decision history. "Concluded" means the
partnership agreement is signed: the partnership is in force.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission
from events.errors import FieldCode, IllegalTransition, ValidationFailed
from events.kinds import PLAIN, Kind, declare
from events.partners import Partner
from events.roles import Actor
from events.text import (
    DESCRIPTION_MAX,
    RATIONALE_MAX,
    TITLE_MAX,
    clean_localized,
    clean_text,
)


class ProposalState(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CONCLUDED = "concluded"


S = ProposalState

# action -> (states it applies to, state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[ProposalState], ProposalState | None]] = {
    "revise": (frozenset({S.SUBMITTED, S.UNDER_REVIEW}), None),
    "start_review": (frozenset({S.SUBMITTED}), S.UNDER_REVIEW),
    "accept": (frozenset({S.UNDER_REVIEW}), S.ACCEPTED),
    "reject": (frozenset({S.UNDER_REVIEW}), S.REJECTED),
    "withdraw": (frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.WITHDRAWN),
    "conclude": (frozenset({S.ACCEPTED}), S.CONCLUDED),
}
# Decisions need a rationale.
DECISIONS = frozenset({"accept", "reject", "conclude"})
# Who may take each action: the proposing commission, or the secretariat.
PROPOSER_ACTIONS = frozenset({"revise", "withdraw"})


def allowed_actions(state: ProposalState) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


class Proposal(TawasulAggregate):
    KIND = "proposal"

    @event("Submitted")
    def __init__(
        self,
        id: UUID,
        commission_id: UUID,
        partner_ids: list[UUID],
        title: dict[str, str],
        summary: dict[str, str],
        actor: str,
        command_id: str,
    ):
        self.commission_id = commission_id
        self.partner_ids = partner_ids
        self.title = title
        self.summary = summary
        self.state = S.SUBMITTED
        self.proposed_by = actor
        self.decisions: list[dict[str, Any]] = []

    def _check(self, action: str) -> None:
        sources, _ = TRANSITIONS[action]
        if self.state not in sources:
            raise IllegalTransition(self.KIND, self.state.value.replace("_", " "), action.replace("_", " "))

    def revise(
        self,
        *,
        title: dict[str, str],
        summary: dict[str, str],
        partner_ids: list[UUID],
        actor: str,
        command_id: str,
    ) -> None:
        self._check("revise")
        if (title, summary, partner_ids) != (self.title, self.summary, self.partner_ids):
            self._revised(
                title=title,
                summary=summary,
                partner_ids=partner_ids,
                actor=actor,
                command_id=command_id,
            )

    @event("Revised")
    def _revised(
        self,
        title: dict[str, str],
        summary: dict[str, str],
        partner_ids: list[UUID],
        actor: str,
        command_id: str,
    ) -> None:
        self.title, self.summary, self.partner_ids = title, summary, partner_ids

    def start_review(self, *, actor: str, command_id: str) -> None:
        self._check("start_review")
        self._review_started(actor=actor, command_id=command_id)

    @event("ReviewStarted")
    def _review_started(self, actor: str, command_id: str) -> None:
        self.state = S.UNDER_REVIEW

    def decide(self, action: str, *, rationale: str, actor: str, command_id: str) -> None:
        """accept, reject, withdraw or conclude, with the rationale of the decision."""
        self._check(action)
        apply = {
            "accept": self._accepted,
            "reject": self._rejected,
            "withdraw": self._withdrawn,
            "conclude": self._concluded,
        }[action]
        apply(rationale=rationale, actor=actor, command_id=command_id)

    def _record_decision(self, action: str, rationale: str, actor: str, state: S) -> None:
        self.state = state
        self.decisions.append({"action": action, "by": actor, "rationale": rationale, "state": state.value})

    @event("Accepted")
    def _accepted(self, rationale: str, actor: str, command_id: str) -> None:
        self._record_decision("accept", rationale, actor, S.ACCEPTED)

    @event("Rejected")
    def _rejected(self, rationale: str, actor: str, command_id: str) -> None:
        self._record_decision("reject", rationale, actor, S.REJECTED)

    @event("Withdrawn")
    def _withdrawn(self, rationale: str, actor: str, command_id: str) -> None:
        self._record_decision("withdraw", rationale, actor, S.WITHDRAWN)

    @event("Concluded")
    def _concluded(self, rationale: str, actor: str, command_id: str) -> None:
        self._record_decision("conclude", rationale, actor, S.CONCLUDED)


class ProposalUseCases(EventStoreApplication):
    def _partner_ids(self, partner_ids: Any) -> list[UUID]:
        if not isinstance(partner_ids, list | tuple) or not partner_ids:
            raise ValidationFailed.field(
                "partner_ids", "Name at least one partner.", FieldCode.PARTNER_REQUIRED
            )
        if len(partner_ids) > 50:
            raise ValidationFailed.field("partner_ids", "At most 50 partners per proposal.")
        ids = list(dict.fromkeys(as_uuid(p, "partner_ids") for p in partner_ids))
        for partner_id in ids:
            self.load(Partner, partner_id)
        return ids

    @command("proposal.submit")
    def submit_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        partner_ids: list[UUID],
        title: dict[str, str],
        summary: dict[str, str],
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"))
        require(
            policy.may_propose(actor, commission.id),
            "Only the commission's staff submit its partnership proposals.",
        )
        proposal = Proposal(
            id=uuid4(),
            commission_id=commission.id,
            partner_ids=self._partner_ids(partner_ids),
            title=clean_localized(title, "title", max_length=TITLE_MAX),
            summary=clean_localized(summary, "summary", max_length=DESCRIPTION_MAX, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(proposal)

    def _proposal_for(
        self, actor: Actor, action: str, proposal_id: UUID, expected_version: int | None
    ) -> Proposal:
        proposal = self.load(Proposal, as_uuid(proposal_id, "proposal_id"), expected_version)
        if action in PROPOSER_ACTIONS:
            require(
                policy.may_propose(actor, proposal.commission_id),
                f"Only the proposing commission's staff may {action} this proposal.",
            )
        else:
            require(
                policy.may_decide_proposals(actor),
                f"Only the secretariat may {action.replace('_', ' ')} a proposal.",
            )
        return proposal

    @command("proposal.revise")
    def revise_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        proposal_id: UUID,
        title: dict[str, str],
        summary: dict[str, str],
        partner_ids: list[UUID] | None = None,
        expected_version: int | None = None,
    ) -> Outcome:
        proposal = self._proposal_for(actor, "revise", proposal_id, expected_version)
        proposal.revise(
            title=clean_localized(title, "title", max_length=TITLE_MAX),
            summary=clean_localized(summary, "summary", max_length=DESCRIPTION_MAX, multiline=True),
            partner_ids=(self._partner_ids(partner_ids) if partner_ids is not None else proposal.partner_ids),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(proposal)

    @command("proposal.start_review")
    def start_proposal_review(
        self, actor: Actor, *, command_id: str, proposal_id: UUID, expected_version: int | None = None
    ) -> Outcome:
        proposal = self._proposal_for(actor, "start_review", proposal_id, expected_version)
        proposal.start_review(actor=actor.id, command_id=command_id)
        return Outcome(proposal)

    def _decide(
        self,
        actor: Actor,
        action: str,
        command_id: str,
        proposal_id: UUID,
        rationale: str,
        expected_version: int | None,
    ) -> Outcome:
        proposal = self._proposal_for(actor, action, proposal_id, expected_version)
        proposal.decide(
            action,
            rationale=clean_text(
                rationale,
                "rationale",
                max_length=RATIONALE_MAX,
                required=action in DECISIONS,
                multiline=True,
            ),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(proposal)

    @command("proposal.accept")
    def accept_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        proposal_id: UUID,
        rationale: str,
        expected_version: int | None = None,
    ) -> Outcome:
        return self._decide(actor, "accept", command_id, proposal_id, rationale, expected_version)

    @command("proposal.reject")
    def reject_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        proposal_id: UUID,
        rationale: str,
        expected_version: int | None = None,
    ) -> Outcome:
        return self._decide(actor, "reject", command_id, proposal_id, rationale, expected_version)

    @command("proposal.withdraw")
    def withdraw_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        proposal_id: UUID,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        return self._decide(actor, "withdraw", command_id, proposal_id, rationale, expected_version)

    @command("proposal.conclude")
    def conclude_proposal(
        self,
        actor: Actor,
        *,
        command_id: str,
        proposal_id: UUID,
        rationale: str,
        expected_version: int | None = None,
    ) -> Outcome:
        return self._decide(actor, "conclude", command_id, proposal_id, rationale, expected_version)


EVENT_KINDS = declare(
    Proposal,
    submitted=PLAIN,
    revised=PLAIN,
    withdrawn=PLAIN,
    review_started=Kind(tells="proposer"),
    accepted=Kind(tells="proposer"),
    rejected=Kind(tells="proposer"),
    concluded=Kind(tells="proposer"),
)
