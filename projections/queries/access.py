"""What the policy (events/policy.py) knows of a resource, read from the read models."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.policy import ReadScope, ResourceFacts
from events.roles import Actor
from projections.models import (
    CommissionEntry,
    DocumentEntry,
    ProposalEntry,
    UpdateEntry,
    WorkspaceEntry,
    WorkspaceMember,
)
from projections.queries.directory import partner_entry


def workspace_member_ids(workspace_id: UUID) -> frozenset[str]:
    return frozenset(
        WorkspaceMember.objects.filter(workspace_id=workspace_id).values_list("user_id", flat=True)
    )


def workspaces_of_member(scope: ReadScope) -> QuerySet[WorkspaceMember, UUID]:
    """The ids of the workspaces a person is a member of (a subquery)."""
    return WorkspaceMember.objects.filter(user_id=scope.user_id or "").values_list("workspace_id", flat=True)


def proposals_naming(partner_ids: Collection[UUID]) -> QuerySet[ProposalEntry, UUID]:
    """The ids of the proposals naming one of these partners (a subquery)."""
    # partner_ids is a JSON list of UUID strings: a textual match is exact enough.
    named = Q(pk__in=[])
    for partner_id in partner_ids:
        named |= Q(partner_ids__icontains=str(partner_id))
    return ProposalEntry.objects.filter(named).values_list("id", flat=True)


def resource_facts(kind: str, resource_id: UUID) -> ResourceFacts | None:
    """The policy's view of a commission, partner, update, proposal, workspace or
    document, or None when there is no such resource."""
    if kind == "commission":
        if not CommissionEntry.objects.filter(id=resource_id).exists():
            return None
        return ResourceFacts(kind="commission", commission_id=resource_id, public=True)
    if kind == "partner":
        partner = partner_entry(resource_id)
        if partner is None:
            return None
        return ResourceFacts(
            kind="partner",
            partner_id=partner.id,
            commission_ids=frozenset(UUID(c) for c in partner.commission_ids),
            grants=frozenset((UUID(c), r) for c, rights in partner.grants.items() for r in rights),
            public=True,
        )
    if kind == "update":
        update = UpdateEntry.objects.filter(id=resource_id).first()
        if update is None:
            return None
        return ResourceFacts(
            kind="update", commission_id=update.commission_id, public=update.state == "published"
        )
    if kind == "proposal":
        proposal = ProposalEntry.objects.filter(id=resource_id).first()
        if proposal is None:
            return None
        return ResourceFacts(
            kind="proposal",
            commission_id=proposal.commission_id,
            partner_ids=frozenset(UUID(p) for p in proposal.partner_ids),
        )
    if kind == "workspace":
        workspace = WorkspaceEntry.objects.filter(id=resource_id).first()
        if workspace is None:
            return None
        return ResourceFacts(
            kind="workspace",
            commission_id=workspace.commission_id,
            member_ids=workspace_member_ids(workspace.id),
            created_by=workspace.created_by,
        )
    if kind == "document":
        document = DocumentEntry.objects.filter(id=resource_id).first()
        return document_facts(document) if document else None
    return None


def document_facts(document: DocumentEntry) -> ResourceFacts | None:
    """A document is seen as its resource is, and is public only when both are."""
    facts = resource_facts(document.resource_kind, document.resource_id)
    if facts is None:
        return None
    return ResourceFacts(
        kind=facts.kind,
        commission_id=facts.commission_id,
        commission_ids=facts.commission_ids,
        partner_id=facts.partner_id,
        partner_ids=facts.partner_ids,
        member_ids=facts.member_ids,
        created_by=facts.created_by,
        public=facts.public and document.visibility == "public",
        grants=facts.grants,
    )


def may_read(actor: Actor, kind: str, resource_id: UUID) -> bool:
    facts = resource_facts(kind, resource_id)
    return facts is not None and policy.may_read_resource(actor, facts)


def partner_facts(partner_id: UUID) -> policy.PartnerFacts | None:
    """The policy's view of a partner (affiliations and what it shares), or None."""
    facts = resource_facts("partner", partner_id)
    return facts.partner() if facts is not None else None
