"""Partner institutions: schools, clubs, chairs, universities, research centres, NGOs..."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission, ProfileRules, clean_country, clean_profile
from events.errors import AlreadyExists, NotFound, ValidationFailed
from events.kinds import PLAIN, Kind, declare
from events.membership import MembershipRules, check_role, clean_rationale
from events.policy import PartnerFacts, Right
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

# The kinds' names in the platform's three languages, as the web labels them
# (web/labels.py): the directory indexes them so "school", "école" and "مدرسة" all find a school.
PARTNER_KIND_NAMES: dict[str, dict[str, str]] = {
    "school": {"ar": "مدرسة", "en": "School", "fr": "École"},
    "club": {"ar": "نادٍ", "en": "Club", "fr": "Club"},
    "chair": {"ar": "كرسي علمي", "en": "Scientific chair", "fr": "Chaire scientifique"},
    "university": {"ar": "جامعة", "en": "University", "fr": "Université"},
    "research_centre": {"ar": "مركز بحث", "en": "Research centre", "fr": "Centre de recherche"},
    "ngo": {"ar": "جمعية منظمة غير حكومية", "en": "NGO", "fr": "Association ONG"},
    "organisation": {"ar": "منظمة", "en": "Organisation", "fr": "Organisation"},
    "other": {"ar": "أخرى", "en": "Other", "fr": "Autre"},
}


RIGHTS = frozenset(r.value for r in Right)


def clean_rights(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise ValidationFailed.field("rights", f"Give one or more of: {', '.join(sorted(RIGHTS))}.")
    unknown = sorted({str(r) for r in value} - RIGHTS)
    if unknown:
        raise ValidationFailed.field(
            "rights", f"Unknown rights: {', '.join(unknown)}. Must be among: {', '.join(sorted(RIGHTS))}."
        )
    return sorted(set(value))


class Partner(ProfileRules, MembershipRules, TawasulAggregate):
    """A partner institution and its members (managers and members).

    Affiliation with a commission is two-sided: the commission requests, the
    partner (or the secretariat) accepts. An affiliation gives the commission
    nothing private; the partner's managers grant each right (documents,
    members, profile) per commission. The commission that registers a partner
    is affiliated with it and granted every right in the same command (it is
    the partner's founder in the directory); the partner may revoke them.
    """

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
        # commission -> rights shared with it
        self.grants: dict[UUID, set[str]] = {}
        # commission -> who asked
        self.requests: dict[UUID, str] = {}
        self.registered_by_command = command_id

    @property
    def facts(self) -> PartnerFacts:
        return PartnerFacts(
            partner_id=self.id,
            commission_ids=frozenset(self.commission_ids),
            grants=frozenset((c, r) for c, rights in self.grants.items() for r in rights),
        )

    @event("ProfileUpdated")
    def _profile_updated(self, changes: dict[str, Any], actor: str, command_id: str) -> None:
        self._apply_profile(changes)

    # --- affiliation ------------------------------------------------------------------

    def affiliate(self, commission_id: UUID, *, actor: str, command_id: str) -> None:
        if commission_id in self.commission_ids:
            raise AlreadyExists("The partner is affiliated with this commission already.")
        self._affiliated(commission_id=commission_id, actor=actor, command_id=command_id)

    @event("AffiliatedWithCommission")
    def _affiliated(self, commission_id: UUID, actor: str, command_id: str) -> None:
        self.commission_ids.append(commission_id)
        self.requests.pop(commission_id, None)
        if command_id == self.registered_by_command:
            self.grants[commission_id] = set(RIGHTS)

    def request_affiliation(
        self, commission_id: UUID, rationale: str, *, actor: str, command_id: str
    ) -> None:
        if commission_id in self.commission_ids:
            raise AlreadyExists("The partner is affiliated with this commission already.")
        if commission_id in self.requests:
            raise AlreadyExists("This commission has asked already; the partner has not answered yet.")
        self._affiliation_requested(
            commission_id=commission_id, rationale=rationale, actor=actor, command_id=command_id
        )

    @event("AffiliationRequested")
    def _affiliation_requested(
        self, commission_id: UUID, rationale: str, actor: str, command_id: str
    ) -> None:
        self.requests[commission_id] = actor

    def answer_affiliation(
        self, commission_id: UUID, accept: bool, rationale: str, *, actor: str, command_id: str
    ) -> None:
        if commission_id not in self.requests:
            raise NotFound("affiliation request", commission_id)
        if accept:
            self._affiliation_accepted(
                commission_id=commission_id, rationale=rationale, actor=actor, command_id=command_id
            )
        else:
            self._affiliation_declined(
                commission_id=commission_id, rationale=rationale, actor=actor, command_id=command_id
            )

    @event("AffiliationAccepted")
    def _affiliation_accepted(self, commission_id: UUID, rationale: str, actor: str, command_id: str) -> None:
        self.requests.pop(commission_id, None)
        self.commission_ids.append(commission_id)

    @event("AffiliationDeclined")
    def _affiliation_declined(self, commission_id: UUID, rationale: str, actor: str, command_id: str) -> None:
        self.requests.pop(commission_id, None)

    def end_affiliation(self, commission_id: UUID, rationale: str, *, actor: str, command_id: str) -> None:
        if commission_id not in self.commission_ids:
            raise NotFound("affiliation", commission_id)
        self._affiliation_ended(
            commission_id=commission_id, rationale=rationale, actor=actor, command_id=command_id
        )

    @event("AffiliationEnded")
    def _affiliation_ended(self, commission_id: UUID, rationale: str, actor: str, command_id: str) -> None:
        self.commission_ids.remove(commission_id)
        self.grants.pop(commission_id, None)

    # --- what it shares -----------------------------------------------------------------

    def grant(
        self, commission_id: UUID, rights: list[str], rationale: str, *, actor: str, command_id: str
    ) -> None:
        if commission_id not in self.commission_ids:
            raise ValidationFailed.field(
                "commission_id", "The partner is not affiliated with this commission."
            )
        new = sorted(set(rights) - self.grants.get(commission_id, set()))
        if new:
            self._access_granted(
                commission_id=commission_id,
                rights=new,
                rationale=rationale,
                actor=actor,
                command_id=command_id,
            )

    @event("AccessGranted")
    def _access_granted(
        self, commission_id: UUID, rights: list[str], rationale: str, actor: str, command_id: str
    ) -> None:
        self.grants.setdefault(commission_id, set()).update(rights)

    def revoke(
        self, commission_id: UUID, rights: list[str], rationale: str, *, actor: str, command_id: str
    ) -> None:
        held = sorted(set(rights) & self.grants.get(commission_id, set()))
        if held:
            self._access_revoked(
                commission_id=commission_id,
                rights=held,
                rationale=rationale,
                actor=actor,
                command_id=command_id,
            )

    @event("AccessRevoked")
    def _access_revoked(
        self, commission_id: UUID, rights: list[str], rationale: str, actor: str, command_id: str
    ) -> None:
        remaining = self.grants.get(commission_id, set()) - set(rights)
        if remaining:
            self.grants[commission_id] = remaining
        else:
            self.grants.pop(commission_id, None)

    # --- members ------------------------------------------------------------------------

    @event("MemberJoined")
    def _member_joined(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        self.members[user_id] = role

    @event("MemberLeft")
    def _member_left(self, user_id: str, actor: str, command_id: str, rationale: str = "") -> None:
        del self.members[user_id]

    @event("MemberRoleChanged")
    def _member_role_changed(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        self.members[user_id] = role


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
        """Register a partner institution; a commission that registers it is
        affiliated with it and granted every right (see :class:`Partner`)."""
        commission = self.load(Commission, as_uuid(commission_id, "commission_id")) if commission_id else None
        require(
            policy.may_register_partner(actor, commission.id if commission else None),
            "Only the secretariat and the staff of the commission named register partners.",
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
            policy.may_edit_partner_profile(actor, partner.facts),
            "Editing a partner's profile needs the right 'profile': its managers, the "
            "secretariat, or a commission the partner shares its profile with.",
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
        """Affiliate directly (the secretariat keeping the directory); commissions
        request affiliation instead."""
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"))
        require(
            policy.may_affiliate_partner(actor),
            "Only the secretariat affiliates directly; a commission requests affiliation "
            "and the partner accepts.",
        )
        partner.affiliate(commission.id, actor=actor.id, command_id=command_id)
        return Outcome(partner)

    @command("partner.request_affiliation")
    def request_affiliation(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"))
        require(
            policy.may_request_affiliation(actor, commission.id),
            "Requesting an affiliation for a commission needs a membership of that commission.",
        )
        partner.request_affiliation(
            commission.id, clean_rationale(rationale), actor=actor.id, command_id=command_id
        )
        return Outcome(partner, data={"commission_id": str(commission.id)})

    def _answer(
        self,
        actor: Actor,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        accept: bool,
        rationale: str,
        expected_version: int | None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = as_uuid(commission_id, "commission_id")
        require(
            policy.may_answer_affiliation(actor, partner.facts),
            "Answering an affiliation request needs the role partner_manager of this "
            "partner (or the secretariat).",
        )
        partner.answer_affiliation(
            commission, accept, clean_rationale(rationale), actor=actor.id, command_id=command_id
        )
        return Outcome(partner, data={"commission_id": str(commission)})

    @command("partner.accept_affiliation")
    def accept_affiliation(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        return self._answer(actor, command_id, partner_id, commission_id, True, rationale, expected_version)

    @command("partner.decline_affiliation")
    def decline_affiliation(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        return self._answer(actor, command_id, partner_id, commission_id, False, rationale, expected_version)

    @command("partner.end_affiliation")
    def end_affiliation(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = as_uuid(commission_id, "commission_id")
        require(
            policy.may_end_affiliation(actor, partner.facts, commission),
            "Ending an affiliation needs the role partner_manager of the partner, the role "
            "secretary_general of the commission, or the secretariat.",
        )
        partner.end_affiliation(commission, clean_rationale(rationale), actor=actor.id, command_id=command_id)
        return Outcome(partner, data={"commission_id": str(commission)})

    def _share(
        self,
        actor: Actor,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rights: list[str],
        rationale: str,
        expected_version: int | None,
        granting: bool,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        commission = as_uuid(commission_id, "commission_id")
        require(
            policy.may_share(actor, partner.facts),
            "Only the partner's managers (role partner_manager) decide what it shares.",
        )
        change = partner.grant if granting else partner.revoke
        change(
            commission,
            clean_rights(rights),
            clean_rationale(rationale),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(partner, data={"commission_id": str(commission)})

    @command("partner.grant_access")
    def grant_partner_access(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rights: list[str],
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        """Share documents, members or the profile with an affiliated commission."""
        return self._share(
            actor, command_id, partner_id, commission_id, rights, rationale, expected_version, True
        )

    @command("partner.revoke_access")
    def revoke_partner_access(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        commission_id: UUID,
        rights: list[str],
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        return self._share(
            actor, command_id, partner_id, commission_id, rights, rationale, expected_version, False
        )

    @command("partner.add_member")
    def add_partner_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        user_id: str,
        role: str = "partner",
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        """Add a member; a person holding roles elsewhere keeps them (one more membership)."""
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(
            policy.may_manage_partner_members(actor, partner.facts),
            MANAGE_MEMBERS,
        )
        partner.add_member(
            clean_text(user_id, "user_id", max_length=64),
            check_role(role, PARTNER_ROLES),
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
        )
        return Outcome(partner, data={"user_id": user_id})

    @command("partner.change_member_role")
    def change_partner_member_role(
        self,
        actor: Actor,
        *,
        command_id: str,
        partner_id: UUID,
        user_id: str,
        role: str,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(policy.may_manage_partner_members(actor, partner.facts), MANAGE_MEMBERS)
        partner.change_member_role(
            user_id,
            check_role(role, PARTNER_ROLES),
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
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
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        partner = self.load(Partner, as_uuid(partner_id, "partner_id"), expected_version)
        require(policy.may_manage_partner_members(actor, partner.facts), MANAGE_MEMBERS)
        partner.remove_member(
            user_id, actor=actor.id, command_id=command_id, rationale=clean_rationale(rationale)
        )
        return Outcome(partner, data={"user_id": user_id})


MANAGE_MEMBERS = (
    "Managing a partner's members needs the role partner_manager of this partner, the "
    "secretariat, or the role secretary_general of a commission it shares its members with."
)


EVENT_KINDS = declare(
    Partner,
    registered=PLAIN,
    profile_updated=PLAIN,
    affiliated_with_commission=PLAIN,
    affiliation_requested=PLAIN,
    affiliation_accepted=PLAIN,
    affiliation_declined=PLAIN,
    affiliation_ended=PLAIN,
    access_granted=PLAIN,
    access_revoked=PLAIN,
    member_joined=Kind(changes_access=True, tells="user_id"),
    member_left=Kind(changes_access=True, tells="user_id"),
    member_role_changed=Kind(changes_access=True, tells="user_id"),
)
