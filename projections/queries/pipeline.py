"""Partnership proposals and their decisions, filtered by the policy."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import ProposalDecision, ProposalEntry
from projections.queries.access import proposals_naming


def proposals(actor: Actor, *, commission: UUID | None = None, state: str = "") -> QuerySet[ProposalEntry]:
    """Proposals the actor may read: their commission's, those naming their partner
    institution, every one for the secretariat and auditors."""
    scope = policy.read_scope(actor)
    queryset = ProposalEntry.objects.all()
    if not scope.everything:
        visible = Q(pk__in=[])
        if scope.commission_ids:
            visible |= Q(commission_id__in=scope.commission_ids)
        if scope.partner_ids:
            visible |= Q(pk__in=proposals_naming(scope.partner_ids))
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def proposal_entry(actor: Actor, proposal_id: UUID) -> ProposalEntry | None:
    proposal = ProposalEntry.objects.filter(id=proposal_id).first()
    if proposal is None or not policy.may_read_proposal(
        actor, proposal.commission_id, {UUID(p) for p in proposal.partner_ids}
    ):
        return None
    return proposal


def decisions(proposal_id: UUID) -> list[ProposalDecision]:
    return list(ProposalDecision.objects.filter(proposal_id=proposal_id).order_by("position"))
