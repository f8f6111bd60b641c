"""The partnership pipeline: proposals by state, and every decision with its rationale."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import ProposalDecision, ProposalEntry

STATE_AFTER = {
    "ReviewStarted": ("start_review", "under_review"),
    "Accepted": ("accept", "accepted"),
    "Rejected": ("reject", "rejected"),
    "Withdrawn": ("withdraw", "withdrawn"),
    "Concluded": ("conclude", "concluded"),
}


class PipelineProjector(Projector):
    name = "pipeline"
    models = (ProposalEntry, ProposalDecision)

    @handles("Proposal.Submitted")
    def submitted(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            ProposalEntry(
                id=context.aggregate_id,
                commission_id=event.commission_id,
                partner_ids=[str(p) for p in event.partner_ids],
                title=event.title,
                summary=event.summary,
                state="submitted",
                proposed_by=event.actor,
                submitted_at=context.timestamp,
                updated_at=context.timestamp,
                version=context.version,
                position=context.position,
            )
        )

    @handles("Proposal.Revised")
    def revised(self, event: Any, context: EventContext) -> None:
        entry = self._touch(context)
        entry.title = event.title
        entry.summary = event.summary
        entry.partner_ids = [str(p) for p in event.partner_ids]

    @handles(
        "Proposal.ReviewStarted",
        "Proposal.Accepted",
        "Proposal.Rejected",
        "Proposal.Withdrawn",
        "Proposal.Concluded",
    )
    def decided(self, event: Any, context: EventContext) -> None:
        action, state = STATE_AFTER[type(event).__name__]
        entry = self._touch(context)
        entry.state = state
        context.rows.add(
            ProposalDecision(
                position=context.position,
                proposal_id=context.aggregate_id,
                commission_id=entry.commission_id,
                action=action,
                state=state,
                decided_by=event.actor,
                rationale=getattr(event, "rationale", ""),
                decided_at=context.timestamp,
            )
        )

    @staticmethod
    def _touch(context: EventContext) -> ProposalEntry:
        entry = context.rows.require(ProposalEntry, context.aggregate_id)
        entry.updated_at = context.timestamp
        entry.version = context.version
        entry.position = context.position
        context.rows.changed(entry)
        return entry
