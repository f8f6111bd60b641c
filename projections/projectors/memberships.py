"""Who belongs where, with which role: projections.Membership, one row per
(person, body). A change in one body never touches a role held in another."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import Membership


def _scope(event: Any) -> str:
    # "Commission.MemberJoined" -> "commission"
    return type(event).__qualname__.split(".")[0].lower()


class MembershipProjector(Projector):
    name = "memberships"
    models = (Membership,)

    @handles("Organisation.MemberJoined", "Commission.MemberJoined", "Partner.MemberJoined")
    def joined(self, event: Any, context: EventContext) -> None:
        context.rows.add(
            Membership(
                key=Membership.key_of(event.user_id, context.aggregate_id),
                user_id=event.user_id,
                scope=_scope(event),
                scope_id=context.aggregate_id,
                role=event.role,
                since=context.timestamp,
                position=context.position,
            )
        )

    @handles("Organisation.MemberRoleChanged", "Commission.MemberRoleChanged", "Partner.MemberRoleChanged")
    def role_changed(self, event: Any, context: EventContext) -> None:
        membership = context.rows.require(Membership, Membership.key_of(event.user_id, context.aggregate_id))
        membership.role = event.role
        membership.position = context.position
        context.rows.changed(membership)

    @handles("Organisation.MemberLeft", "Commission.MemberLeft", "Partner.MemberLeft")
    def left(self, event: Any, context: EventContext) -> None:
        context.rows.delete(Membership, Membership.key_of(event.user_id, context.aggregate_id))
