"""Who belongs where, with which role: projections.Membership."""

from __future__ import annotations

from typing import Any

from projections.base import EventContext, Projector, handles
from projections.models import Membership


class MembershipProjector(Projector):
    name = "memberships"
    models = (Membership,)

    @handles("Organisation.MemberJoined", "Commission.MemberJoined", "Partner.MemberJoined")
    def joined(self, event: Any, context: EventContext) -> None:
        # "Commission.MemberJoined" -> "commission"
        scope = type(event).__qualname__.split(".")[0].lower()
        self._set(event.user_id, scope, context, event.role)

    @handles("Organisation.MemberRoleChanged", "Commission.MemberRoleChanged")
    def role_changed(self, event: Any, context: EventContext) -> None:
        membership = context.rows.get(Membership, event.user_id)
        if membership is not None and membership.scope_id == context.aggregate_id:
            membership.role = event.role
            membership.position = context.position
            context.rows.changed(membership)

    @handles("Organisation.MemberLeft", "Commission.MemberLeft", "Partner.MemberLeft")
    def left(self, event: Any, context: EventContext) -> None:
        membership = context.rows.get(Membership, event.user_id)
        if membership is not None and membership.scope_id == context.aggregate_id:
            context.rows.delete(Membership, event.user_id)

    @staticmethod
    def _set(user_id: str, scope: str, context: EventContext, role: str) -> None:
        membership = context.rows.get(Membership, user_id)
        if membership is None:
            context.rows.add(
                Membership(
                    user_id=user_id,
                    scope=scope,
                    scope_id=context.aggregate_id,
                    role=role,
                    since=context.timestamp,
                    position=context.position,
                )
            )
            return
        membership.scope, membership.scope_id, membership.role = scope, context.aggregate_id, role
        membership.since, membership.position = context.timestamp, context.position
        context.rows.changed(membership)
