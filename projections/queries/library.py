"""The document library: documents and their versions, filtered by the policy."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import DocumentEntry, DocumentVersion, PartnerAffiliation, UpdateEntry
from projections.queries.access import document_facts, proposals_naming, workspaces_of_member


def documents(
    actor: Actor,
    *,
    resource_kind: str = "",
    resource_id: UUID | None = None,
    commission: UUID | None = None,
) -> QuerySet[DocumentEntry]:
    """Documents the actor may read: public documents of public resources, and
    internal ones of the resources they may read (events.policy.may_read_resource)."""
    scope = policy.read_scope(actor)
    queryset = DocumentEntry.objects.all()
    if not scope.everything:
        published = UpdateEntry.objects.filter(state="published").values("id")
        visible = Q(visibility="public") & (
            Q(resource_kind__in=["commission", "partner"])
            | Q(resource_kind="update", resource_id__in=published)
        )
        if scope.commission_ids:
            # Partners share their documents with a commission only by a grant (events.policy.Right).
            sharing = PartnerAffiliation.objects.filter(
                commission_id__in=scope.commission_ids, state="accepted", shares_documents=True
            ).values("partner_id")
            visible |= Q(
                resource_kind__in=["commission", "update", "proposal"], commission_id__in=scope.commission_ids
            )
            visible |= Q(resource_kind="partner", resource_id__in=sharing)
        if scope.partner_ids:
            visible |= Q(resource_kind="partner", resource_id__in=scope.partner_ids)
            visible |= Q(resource_kind="proposal", resource_id__in=proposals_naming(scope.partner_ids))
        if scope.user_id:
            visible |= Q(resource_kind="workspace", resource_id__in=workspaces_of_member(scope))
        queryset = queryset.filter(visible)
    if resource_kind:
        queryset = queryset.filter(resource_kind=resource_kind)
    if resource_id is not None:
        queryset = queryset.filter(resource_id=resource_id)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    return queryset


def document_entry(actor: Actor, document_id: UUID) -> DocumentEntry | None:
    document = DocumentEntry.objects.filter(id=document_id).first()
    if document is None:
        return None
    facts = document_facts(document)
    if facts is None or not policy.may_read_resource(actor, facts):
        return None
    return document


def document_versions(document_id: UUID) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document_id=document_id).order_by("number")


def document_version(document_id: UUID, number: int | None = None) -> DocumentVersion | None:
    """One version of a document; the latest without ``number``."""
    versions = DocumentVersion.objects.filter(document_id=document_id)
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()
