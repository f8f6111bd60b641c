"""Resources that comments and documents attach to, seen by the policy."""

from __future__ import annotations

from uuid import UUID

from events.application import EventStoreApplication
from events.base import TawasulAggregate, as_uuid
from events.commissions import Commission
from events.errors import ValidationFailed
from events.partners import Partner
from events.partnerships import Proposal
from events.policy import ResourceFacts
from events.updates import CommissionUpdate, UpdateState
from events.workspaces import Workspace

RESOURCE_CLASSES: dict[str, type[TawasulAggregate]] = {
    "commission": Commission,
    "partner": Partner,
    "update": CommissionUpdate,
    "proposal": Proposal,
    "workspace": Workspace,
}


def facts_of(aggregate: TawasulAggregate) -> ResourceFacts:
    """What the policy needs to know about one resource aggregate."""
    if isinstance(aggregate, Commission):
        return ResourceFacts(kind="commission", commission_id=aggregate.id, public=True)
    if isinstance(aggregate, Partner):
        return ResourceFacts(
            kind="partner",
            partner_id=aggregate.id,
            commission_ids=frozenset(aggregate.commission_ids),
            grants=aggregate.facts.grants,
            public=True,
        )
    if isinstance(aggregate, CommissionUpdate):
        return ResourceFacts(
            kind="update",
            commission_id=aggregate.commission_id,
            public=aggregate.state is UpdateState.PUBLISHED,
        )
    if isinstance(aggregate, Proposal):
        return ResourceFacts(
            kind="proposal",
            commission_id=aggregate.commission_id,
            partner_ids=frozenset(aggregate.partner_ids),
        )
    if isinstance(aggregate, Workspace):
        return ResourceFacts(
            kind="workspace",
            commission_id=aggregate.commission_id,
            member_ids=frozenset(aggregate.members),
            created_by=aggregate.created_by,
        )
    raise TypeError(f"{type(aggregate).__name__} is not a resource")


class ResourceUseCases(EventStoreApplication):
    def resource(self, kind: str, resource_id: UUID | str) -> TawasulAggregate:
        try:
            cls = RESOURCE_CLASSES[kind]
        except KeyError:
            raise ValidationFailed.not_one_of("resource_kind", sorted(RESOURCE_CLASSES)) from None
        return self.load(cls, as_uuid(resource_id, "resource_id"))
