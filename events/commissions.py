"""National Commissions: registration, profile, secretary-general, members."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.errors import AlreadyExists, ValidationFailed
from events.ids import commission_id
from events.kinds import PLAIN, Kind, declare
from events.membership import MembershipRules, check_role, clean_rationale
from events.roles import COMMISSION_ROLES, Actor, Role
from events.text import DESCRIPTION_MAX, NAME_MAX, clean_localized, clean_text

COUNTRY = re.compile(r"^[A-Z]{2}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
WEBSITE = re.compile(r"^https?://[^\s]{3,300}$")


def clean_country(value: Any) -> str:
    if not isinstance(value, str) or not COUNTRY.match(value.strip().upper()):
        raise ValidationFailed.field("country", "Must be an ISO 3166-1 alpha-2 code, e.g. TN.")
    return value.strip().upper()


def clean_contact(changes: dict[str, Any]) -> dict[str, Any]:
    """The contact fields shared by commissions and partners; empty means unset."""
    cleaned: dict[str, Any] = {}
    if "website" in changes:
        website = clean_text(changes["website"], "website", max_length=300, required=False)
        if website and not WEBSITE.match(website):
            raise ValidationFailed.field("website", "Must be an http:// or https:// address.")
        cleaned["website"] = website
    if "email" in changes:
        email = clean_text(changes["email"], "email", max_length=254, required=False)
        if email and not EMAIL.match(email):
            raise ValidationFailed.field("email", "Must be an e-mail address.")
        cleaned["email"] = email
    if "phone" in changes:
        cleaned["phone"] = clean_text(changes["phone"], "phone", max_length=40, required=False)
    if "city" in changes:
        cleaned["city"] = clean_localized(changes["city"], "city", max_length=NAME_MAX, required=False)
    if "address" in changes:
        cleaned["address"] = clean_localized(
            changes["address"], "address", max_length=DESCRIPTION_MAX, required=False
        )
    return cleaned


PROFILE_FIELDS = frozenset({"name", "description", "website", "email", "phone", "city", "address"})


def clean_profile(changes: Any) -> dict[str, Any]:
    if not isinstance(changes, dict) or not changes:
        raise ValidationFailed.field("changes", "Give at least one field to change.")
    unknown = sorted(set(changes) - PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed.field("changes", f"Unknown fields: {', '.join(unknown)}.")
    cleaned = clean_contact(changes)
    if "name" in changes:
        cleaned["name"] = clean_localized(changes["name"], "name", max_length=NAME_MAX)
    if "description" in changes:
        cleaned["description"] = clean_localized(
            changes["description"],
            "description",
            max_length=DESCRIPTION_MAX,
            required=False,
            multiline=True,
        )
    return cleaned


class ProfileRules:
    """Profile changes of a commission or a partner: only what differs is recorded."""

    name: dict[str, str]
    profile: dict[str, Any]

    def update_profile(self, changes: dict[str, Any], *, actor: str, command_id: str) -> None:
        current = {"name": self.name, **self.profile}
        effective = {k: v for k, v in changes.items() if current.get(k) != v}
        if effective:
            self._profile_updated(changes=effective, actor=actor, command_id=command_id)

    def _apply_profile(self, changes: dict[str, Any]) -> None:
        if "name" in changes:
            self.name = changes["name"]
        self.profile = {**self.profile, **{k: v for k, v in changes.items() if k != "name"}}

    # Declared with @event("ProfileUpdated") by each aggregate.
    def _profile_updated(self, changes: dict[str, Any], actor: str, command_id: str) -> None:
        raise NotImplementedError


class Commission(ProfileRules, MembershipRules, TawasulAggregate):
    KIND = "commission"

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        country: str,
        name: dict[str, str],
        profile: dict[str, Any],
        actor: str,
        command_id: str,
    ):
        self.country = country
        self.name = name
        self.profile = profile
        self.secretary_general: dict[str, Any] | None = None
        self.members: dict[str, str] = {}

    @event("ProfileUpdated")
    def _profile_updated(self, changes: dict[str, Any], actor: str, command_id: str) -> None:
        self._apply_profile(changes)

    def appoint_secretary_general(
        self, name: dict[str, str], user_id: str | None, *, actor: str, command_id: str
    ) -> None:
        """Name the secretary-general; one with an account becomes (or stays) a
        member with that role, through the membership events."""
        if user_id and user_id not in self.members:
            self._member_joined(
                user_id=user_id, role=Role.SECRETARY_GENERAL.value, actor=actor, command_id=command_id
            )
        elif user_id and self.members[user_id] != Role.SECRETARY_GENERAL.value:
            self._member_role_changed(
                user_id=user_id, role=Role.SECRETARY_GENERAL.value, actor=actor, command_id=command_id
            )
        self._secretary_general_appointed(name=name, user_id=user_id, actor=actor, command_id=command_id)

    @event("SecretaryGeneralAppointed")
    def _secretary_general_appointed(
        self, name: dict[str, str], user_id: str | None, actor: str, command_id: str
    ) -> None:
        self.secretary_general = {"name": name, "user_id": user_id}

    @event("MemberJoined")
    def _member_joined(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        self.members[user_id] = role

    @event("MemberLeft")
    def _member_left(self, user_id: str, actor: str, command_id: str, rationale: str = "") -> None:
        del self.members[user_id]
        if self.secretary_general and self.secretary_general.get("user_id") == user_id:
            self.secretary_general = {**self.secretary_general, "user_id": None}

    @event("MemberRoleChanged")
    def _member_role_changed(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        self.members[user_id] = role


class CommissionUseCases(EventStoreApplication):
    def commission(self, commission_id: UUID | str) -> Commission:
        return self.load(Commission, as_uuid(commission_id, "commission_id"))

    @command("commission.register")
    def register_commission(
        self,
        actor: Actor,
        *,
        command_id: str,
        country: str,
        name: dict[str, str],
        profile: dict[str, Any] | None = None,
    ) -> Outcome:
        """Register the National Commission of a member state: one per country."""
        require(policy.may_register_commission(actor), "Only the secretariat registers commissions.")
        country = clean_country(country)
        cleaned_name = clean_localized(name, "name", max_length=NAME_MAX)
        details = clean_profile({**(profile or {}), "name": cleaned_name})
        details.pop("name")
        if self.exists(commission_id(country)):
            raise AlreadyExists(f"The commission of {country} is registered already.")
        commission = Commission(
            id=commission_id(country),
            country=country,
            name=cleaned_name,
            profile=details,
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(commission)

    @command("commission.update_profile")
    def update_commission_profile(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        changes: dict[str, Any],
        expected_version: int | None = None,
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"), expected_version)
        require(
            policy.may_manage_commission(actor, commission.id),
            "Only the secretariat and the commission's secretary-general edit its profile.",
        )
        commission.update_profile(clean_profile(changes), actor=actor.id, command_id=command_id)
        return Outcome(commission)

    @command("commission.appoint_secretary_general")
    def appoint_secretary_general(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        name: dict[str, str],
        user_id: str | None = None,
        expected_version: int | None = None,
    ) -> Outcome:
        require(
            policy.may_appoint_secretary_general(actor),
            "Only the secretariat appoints secretaries-general.",
        )
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"), expected_version)
        commission.appoint_secretary_general(
            name=clean_localized(name, "name", max_length=NAME_MAX),
            user_id=clean_text(user_id, "user_id", max_length=64, required=False) or None,
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(commission)

    @command("commission.add_member")
    def add_commission_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        user_id: str,
        role: str,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"), expected_version)
        given = check_role(role, COMMISSION_ROLES)
        require(
            policy.may_change_commission_member(actor, commission.id, None, given.value),
            MANAGE_STAFF,
        )
        commission.add_member(
            clean_text(user_id, "user_id", max_length=64),
            given,
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
        )
        return Outcome(commission, data={"user_id": user_id})

    @command("commission.remove_member")
    def remove_commission_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        user_id: str,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"), expected_version)
        require(
            policy.may_change_commission_member(actor, commission.id, commission.members.get(user_id), None),
            MANAGE_STAFF,
        )
        commission.remove_member(
            user_id, actor=actor.id, command_id=command_id, rationale=clean_rationale(rationale)
        )
        return Outcome(commission, data={"user_id": user_id})

    @command("commission.change_member_role")
    def change_commission_member_role(
        self,
        actor: Actor,
        *,
        command_id: str,
        commission_id: UUID,
        user_id: str,
        role: str,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> Outcome:
        commission = self.load(Commission, as_uuid(commission_id, "commission_id"), expected_version)
        given = check_role(role, COMMISSION_ROLES)
        require(
            policy.may_change_commission_member(
                actor, commission.id, commission.members.get(user_id), given.value
            ),
            MANAGE_STAFF,
        )
        commission.change_member_role(
            user_id, given, actor=actor.id, command_id=command_id, rationale=clean_rationale(rationale)
        )
        return Outcome(commission, data={"user_id": user_id})


MANAGE_STAFF = (
    "Managing a commission's staff needs the role secretary_general of this commission "
    "or the secretariat; giving or taking the role secretary_general is the secretariat's."
)


EVENT_KINDS = declare(
    Commission,
    registered=PLAIN,
    profile_updated=PLAIN,
    secretary_general_appointed=Kind(changes_access=True, tells="user_id"),
    member_joined=Kind(changes_access=True, tells="user_id"),
    member_left=Kind(changes_access=True, tells="user_id"),
    member_role_changed=Kind(changes_access=True, tells="user_id"),
)
