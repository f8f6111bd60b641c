"""Partner institutions: schools, clubs, chairs, universities, research centres, NGOs..."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission, ProfileRules, clean_country, clean_profile
from events.errors import AlreadyExists
from events.membership import MembershipRules, check_role
from events.roles import PARTNER_ROLES, Actor
from events.text import NAME_MAX, clean_localized, clean_text, require_choice

PARTNER_KINDS = frozenset(
    {
        "school",
        "club",
        "chair",
        "university",
        "research_centre",
        "ngo",
        "organisation",
        "other",
    }
)


class Partner(ProfileRules, MembershipRules, TawasulAggregate):
    """A partner institution. Its members have one role (partner): no role changes."""

    KIND = "partner"

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        kind: str,
        country: str,
        name: dict[str, str],
        profile: dict[str, Any],
        actor: str,
        command_id: str,
    ):
        self.kind = kind
        self.country = country
        self.name = name
        self.profile = profile
        self.commission_ids: list[UUID] = []
        self.members: dict[str, str] = {}

    @event("ProfileUpdated")
    def _profile_updated(self, changes: dict[str, Any], actor: str, command_id: str) -> None:
        self._apply_profile(changes)

    def affiliate(self, commission_id: UUID, *, actor: str, command_id: str) -> None:
        if commission_id in self.commission_ids:
            raise AlreadyExists("The partner is affiliated with this commission already.")
        self._affiliated(commission_id=commission_id, actor=actor, command_id=command_id)

    @event("AffiliatedWithCommission")
    def _affiliated(self, commission_id: UUID, actor: str, command_id: str) -> None:
        self.commission_ids.append(commission_id)

    @event("MemberJoined")
    def _member_joined(self, user_id: str, role: str, actor: str, command_id: str) -> None:
        self.members[user_id] = role

    @event("MemberLeft")
    def _member_left(self, user_id: str, actor: str, command_id: str) -> None:
        del self.members[user_id]


class PartnerUseCases(EventStoreApplication):
    def partner(self, partner_id: UUID | str) -> Partner:
        return self.load(Partner, as_uuid(partner_id, "partner_id"))

    @command("partner.register")
    def register_partner(
        self,
        actor: Actor,
        *,
        command_id: str,
        kind: str,
        country: str,
        name: dict[str, str],
        commission_id: UUID | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Outcome:
        """Register a partner institution, affiliated with a commission when one is given."""
        commission = self.load(Commission, as_uuid(commission_id, "commission_id")) if commission_id else None
        require(
            policy.may_register_partner(actor, commission.id if commission else None),
            "Only the secretariat and commission staff register partners.",
        )
        cleaned_name = clean_localized(name, "name", max_length=NAME_MAX)
        details = clean_profile({**(profile or {}), "name": cleaned_name})
        details.pop("name")
        partner = Partner(
            id=uuid4(),
            kind=require_choice(kind, "kind", PARTNER_KINDS),
            country=clean_country(country),
            name=cleaned_name,
            profile=details,
            actor=actor.id,
            command_id=command_id,
        )
        if commission is not None:
            partner.affiliate(commission.id, actor=actor.id, command_id=command_id)
        return Outcome(partner)

    @command("partner.update_profile")
    def update_partner_profile(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        changes: dict[str, Any],
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(
            policy.may_edit_partner_profile(actor, partner.id, partner.commission_ids),
            "Only the secretariat, staff of an affiliated commission and the partner's "
            "members edit its profile.",
        )
        partner.update_profile(clean_profile(changes), actor=actor.id, command_id=command_id)
        return Outcome(partner)

    @command("partner.affiliate")
    def affiliate_partner(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"))
        require(
            policy.may_affiliate_partner(actor, commission.id),
            "Only the secretariat and the commission's staff affiliate partners with it.",
        )
        partner.affiliate(commission.id, actor=actor.id, command_id=command_id)
        return Outcome(partner)

    @command("partner.add_member")
    def add_partner_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        user_id: str,
        role: str = "partner",
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(
            policy.may_manage_partner(actor, partner.id, partner.commission_ids),
            "Only the secretariat and staff of an affiliated commission add partner members.",
        )
        partner.add_member(
            clean_text(user_id, "user_id", max_length=64),
            check_role(role, PARTNER_ROLES),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(partner, data={"user_id": user_id})

    @command("partner.remove_member")
    def remove_partner_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        user_id: str,
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(
            policy.may_manage_partner(actor, partner.id, partner.commission_ids),
            "Only the secretariat and staff of an affiliated commission remove partner members.",
        )
        partner.remove_member(user_id, actor=actor.id, command_id=command_id)
        return Outcome(partner, data={"user_id": user_id})
