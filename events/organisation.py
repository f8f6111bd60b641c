"""The host organisation (ALECSO, ICESCO, UNESCO...): its secretariat and auditors."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, command, require
from events.errors import AlreadyExists
from events.ids import organisation_id
from events.kinds import PLAIN, Kind, declare
from events.membership import MembershipRules, check_role, clean_rationale
from events.roles import ORGANISATION_ROLES, Actor
from events.text import NAME_MAX, clean_localized, clean_text


class Organisation(MembershipRules, TawasulAggregate):
    KIND = "organisation"

    @event("Registered")
    def __init__(self, id: UUID, acronym: str, name: dict[str, str], actor: str, command_id: str):
        self.acronym = acronym
        self.name = name
        self.members: dict[str, str] = {}

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


class OrganisationUseCases(EventStoreApplication):
    @command("organisation.register")
    def register_organisation(
        self, actor: Actor, *, command_id: str, acronym: str, name: dict[str, str]
    ) -> Outcome:
        require(policy.may_bootstrap(actor), "Only the platform registers its organisation.")
        if self.exists(organisation_id()):
            raise AlreadyExists("The host organisation is registered already.")
        organisation = Organisation(
            id=organisation_id(),
            acronym=clean_text(acronym, "acronym", max_length=40),
            name=clean_localized(name, "name", max_length=NAME_MAX),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(organisation)

    def organisation(self) -> Organisation:
        return self.load(Organisation, organisation_id())

    @command("organisation.add_member")
    def add_organisation_member(
        self, actor: Actor, *, command_id: str, user_id: str, role: str, rationale: str = ""
    ) -> Outcome:
        require(policy.may_manage_organisation(actor), "Only the secretariat adds its members.")
        organisation = self.organisation()
        organisation.add_member(
            clean_text(user_id, "user_id", max_length=64),
            check_role(role, ORGANISATION_ROLES),
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
        )
        return Outcome(organisation, data={"user_id": user_id})

    @command("organisation.remove_member")
    def remove_organisation_member(
        self, actor: Actor, *, command_id: str, user_id: str, rationale: str = ""
    ) -> Outcome:
        require(policy.may_manage_organisation(actor), "Only the secretariat removes its members.")
        organisation = self.organisation()
        organisation.remove_member(
            user_id, actor=actor.id, command_id=command_id, rationale=clean_rationale(rationale)
        )
        return Outcome(organisation, data={"user_id": user_id})

    @command("organisation.change_member_role")
    def change_organisation_member_role(
        self, actor: Actor, *, command_id: str, user_id: str, role: str, rationale: str = ""
    ) -> Outcome:
        require(policy.may_manage_organisation(actor), "Only the secretariat changes roles.")
        organisation = self.organisation()
        organisation.change_member_role(
            user_id,
            check_role(role, ORGANISATION_ROLES),
            actor=actor.id,
            command_id=command_id,
            rationale=clean_rationale(rationale),
        )
        return Outcome(organisation, data={"user_id": user_id})


EVENT_KINDS = declare(
    Organisation,
    registered=PLAIN,
    member_joined=Kind(changes_access=True, tells="user_id"),
    member_left=Kind(changes_access=True, tells="user_id"),
    member_role_changed=Kind(changes_access=True, tells="user_id"),
)
