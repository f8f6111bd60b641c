"""Who may do what: the one place where permissions are decided.

Every rule is a pure function of an :class:`~events.roles.Actor` and plain facts
about the resource (its commission, its members, its state). events/ calls the
write rules inside use cases; api/, realtime/ and web/ call the read rules to
filter what they show. Nothing here touches the database.

A person may hold several memberships (events/roles.py); a rule asks whether
any of them grants the right, so a role held in one body never takes away what
another one gives. The rules, in short (docs/security.md has the whole table):
- the secretariat keeps the directory, reviews and decides proposals, manages
  the organisation's roles and may work in every workspace;
- a commission's secretary-general and staff write for their own commission;
  only its secretary-general (and the secretariat) manages its staff;
- a partner's managers manage its members and profile and decide what it
  shares with each affiliated commission; an affiliation, asked by the
  commission and accepted by the partner, gives nothing private by itself;
- partner members work only in the workspaces they belong to;
- auditors read everything, including history, and write nothing;
- the public reads published content only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from events.roles import Actor, Role


class Right(StrEnum):
    """What a partner institution may share with a commission it is affiliated with.

    An affiliation alone gives the commission nothing private: the partner's
    managers grant each right (events.partners.Partner.grant)."""

    DOCUMENTS = "documents"  # read and add the partner's internal documents
    MEMBERS = "members"  # see its members; its secretary-general manages them
    PROFILE = "profile"  # edit its public profile


def is_platform(actor: Actor) -> bool:
    return actor.holds(Role.SYSTEM)


def is_secretariat(actor: Actor) -> bool:
    """The secretariat, or the platform acting for it (bootstrap, demo seed)."""
    return actor.holds(Role.SECRETARIAT) or actor.holds(Role.SYSTEM)


# --- the organisation and its directory ----------------------------------------------


def may_bootstrap(actor: Actor) -> bool:
    """Register the host organisation itself (first start, demo seed)."""
    return is_platform(actor)


def may_manage_organisation(actor: Actor) -> bool:
    """Add or remove secretariat members and auditors."""
    return is_secretariat(actor)


def may_register_commission(actor: Actor) -> bool:
    return is_secretariat(actor)


def may_manage_commission(actor: Actor, commission_id: UUID) -> bool:
    """Edit the profile, add and remove staff, change their roles: the secretariat
    and the commission's own secretary-general, nobody else."""
    return is_secretariat(actor) or actor.manages_commission(commission_id)


def may_change_commission_member(
    actor: Actor, commission_id: UUID, role_held: str | None, role_given: str | None
) -> bool:
    """Add, remove or re-role one person in a commission. The role of secretary-general
    (giving it, or taking it away) is the secretariat's, like an appointment; other
    changes are the commission's managers'."""
    sg = Role.SECRETARY_GENERAL.value
    if sg in {role_held, role_given}:
        return may_appoint_secretary_general(actor)
    return may_manage_commission(actor, commission_id)


def may_appoint_secretary_general(actor: Actor) -> bool:
    """Name a secretary-general (also: give anyone that role inside a commission)."""
    return is_secretariat(actor)


def may_register_partner(actor: Actor, commission_id: UUID | None) -> bool:
    return is_secretariat(actor) or actor.belongs_to_commission(commission_id)


@dataclass(frozen=True, slots=True)
class PartnerFacts:
    """What the rules need to know of a partner institution.

    ``commission_ids``: the commissions it is affiliated with (accepted on both sides);
    ``grants``: (commission, right) pairs the partner shares."""

    partner_id: UUID
    commission_ids: frozenset[UUID] = frozenset()
    grants: frozenset[tuple[UUID, str]] = frozenset()

    def granted(self, right: Right) -> frozenset[UUID]:
        """The affiliated commissions this partner shares ``right`` with."""
        return frozenset(c for c, r in self.grants if r == right and c in self.commission_ids)


def _commission_granted(actor: Actor, partner: PartnerFacts, right: Right) -> bool:
    return any(actor.belongs_to_commission(c) for c in partner.granted(right))


def may_manage_partner_members(actor: Actor, partner: PartnerFacts) -> bool:
    """Add and remove a partner's members and change their roles: the secretariat,
    the partner's own managers, and the secretary-general of an affiliated commission
    the partner shares its members with."""
    return (
        is_secretariat(actor)
        or actor.manages_partner(partner.partner_id)
        or any(actor.manages_commission(c) for c in partner.granted(Right.MEMBERS))
    )


def may_edit_partner_profile(actor: Actor, partner: PartnerFacts) -> bool:
    return (
        is_secretariat(actor)
        or actor.manages_partner(partner.partner_id)
        or _commission_granted(actor, partner, Right.PROFILE)
    )


def may_read_partner_internals(actor: Actor, partner: PartnerFacts) -> bool:
    """Its internal documents: its own members, the organisation, and the
    commissions it shares its documents with."""
    return (
        may_read_everything(actor)
        or actor.belongs_to_partner(partner.partner_id)
        or _commission_granted(actor, partner, Right.DOCUMENTS)
    )


def may_read_partner_members(actor: Actor, partner: PartnerFacts) -> bool:
    return (
        may_read_everything(actor)
        or actor.belongs_to_partner(partner.partner_id)
        or _commission_granted(actor, partner, Right.MEMBERS)
    )


def may_affiliate_partner(actor: Actor) -> bool:
    """Affiliate directly, without a request: the secretariat, who keeps the directory."""
    return is_secretariat(actor)


def may_request_affiliation(actor: Actor, commission_id: UUID) -> bool:
    """Ask a partner to affiliate with a commission: that commission's people."""
    return is_secretariat(actor) or actor.belongs_to_commission(commission_id)


def may_answer_affiliation(actor: Actor, partner: PartnerFacts) -> bool:
    """Accept or decline a commission's request: the partner's managers or the secretariat."""
    return is_secretariat(actor) or actor.manages_partner(partner.partner_id)


def may_end_affiliation(actor: Actor, partner: PartnerFacts, commission_id: UUID) -> bool:
    """Either side may end an affiliation: the partner's managers, the commission's
    secretary-general, the secretariat."""
    return may_answer_affiliation(actor, partner) or actor.manages_commission(commission_id)


def may_share(actor: Actor, partner: PartnerFacts) -> bool:
    """Grant or revoke what a partner shares with a commission: the partner itself
    (its managers) decides, and the platform when it migrates data."""
    return is_platform(actor) or actor.manages_partner(partner.partner_id)


# --- commission updates ------------------------------------------------------------------


def may_write_updates(actor: Actor, commission_id: UUID) -> bool:
    """Draft, revise, publish and withdraw the updates of a commission."""
    return is_platform(actor) or actor.belongs_to_commission(commission_id)


def may_read_update(actor: Actor, commission_id: UUID, published: bool) -> bool:
    return published or may_read_everything(actor) or actor.belongs_to_commission(commission_id)


# --- partnership proposals ------------------------------------------------------------------


def may_propose(actor: Actor, commission_id: UUID) -> bool:
    """Submit, revise and withdraw a commission's proposals."""
    return is_platform(actor) or actor.belongs_to_commission(commission_id)


def may_decide_proposals(actor: Actor) -> bool:
    """Start review, accept, reject, conclude."""
    return is_secretariat(actor)


def may_read_proposal(actor: Actor, commission_id: UUID | None, partner_ids: Collection[UUID]) -> bool:
    return (
        may_read_everything(actor)
        or actor.belongs_to_commission(commission_id)
        or any(actor.belongs_to_partner(p) for p in partner_ids)
    )


# --- workspaces ------------------------------------------------------------------------------


def may_create_workspace(actor: Actor) -> bool:
    return is_secretariat(actor) or bool(actor.commission_ids)


def may_manage_workspace(actor: Actor, commission_id: UUID | None, created_by: str) -> bool:
    """Add and remove members, archive: its creator, the secretariat, the owning
    commission's secretary-general."""
    return (
        is_secretariat(actor)
        or (actor.is_authenticated and actor.id == created_by)
        or actor.manages_commission(commission_id)
    )


def may_take_part(actor: Actor, member_ids: Collection[str]) -> bool:
    """Start threads, post messages, comment and upload in a workspace."""
    return is_platform(actor) or (may_write(actor) and actor.id in member_ids)


def may_read_workspace(actor: Actor, member_ids: Collection[str]) -> bool:
    return may_read_everything(actor) or (actor.is_authenticated and actor.id in member_ids)


def may_moderate_workspace(actor: Actor, commission_id: UUID | None, created_by: str) -> bool:
    """Close and rename threads started by others."""
    return may_manage_workspace(actor, commission_id, created_by)


# --- authorship ----------------------------------------------------------------------------------


def may_change_own_writing(actor: Actor, author_id: str) -> bool:
    """Edit or retract a message or comment: its author only."""
    return may_write(actor) and actor.id == author_id


# --- reading across the platform ------------------------------------------------------------------


def may_read_everything(actor: Actor) -> bool:
    """The secretariat's feed:all and the auditors' view."""
    return is_secretariat(actor) or actor.holds(Role.AUDITOR)


def may_read_history(actor: Actor) -> bool:
    """Audit history, as-of states, replays."""
    return may_read_everything(actor)


def may_read_commission_internals(actor: Actor, commission_id: UUID) -> bool:
    """Drafts, internal documents, the commission feed."""
    return may_read_everything(actor) or actor.belongs_to_commission(commission_id)


def may_write(actor: Actor) -> bool:
    """The public never writes; an auditor's membership grants reading only, so a
    person writes through some other membership they hold (or as the platform)."""
    return is_platform(actor) or (
        actor.is_authenticated and any(role is not Role.AUDITOR for role in actor.roles)
    )


# --- resources that comments and documents attach to ------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """What the rules need to know of a resource, from an aggregate or a read model.

    kind: commission, partner, update, proposal, workspace or document.
    public: readable by anyone (a commission, a partner, a published update,
    a public document of one of those). For a partner, ``commission_ids`` are its
    affiliated commissions and ``grants`` what it shares with each.
    """

    kind: str
    commission_id: UUID | None = None
    commission_ids: frozenset[UUID] = frozenset()
    partner_id: UUID | None = None
    partner_ids: frozenset[UUID] = frozenset()
    member_ids: frozenset[str] = frozenset()
    created_by: str = ""
    public: bool = False
    grants: frozenset[tuple[UUID, str]] = frozenset()

    def partner(self) -> PartnerFacts:
        assert self.partner_id is not None, "only a partner resource has partner facts"
        return PartnerFacts(self.partner_id, self.commission_ids, self.grants)


def may_read_resource(actor: Actor, facts: ResourceFacts) -> bool:
    if facts.public or may_read_everything(actor):
        return True
    if facts.kind == "workspace":
        return may_read_workspace(actor, facts.member_ids)
    if facts.kind == "proposal":
        return may_read_proposal(actor, facts.commission_id, facts.partner_ids)
    if facts.kind == "partner":
        return may_read_partner_internals(actor, facts.partner())
    return actor.belongs_to_commission(facts.commission_id)


def may_comment_on(actor: Actor, facts: ResourceFacts) -> bool:
    """Anyone who may read a resource and may write comments on it; the public reads only."""
    if is_platform(actor):
        return True
    if not may_write(actor):
        return False
    if facts.kind == "workspace":
        return may_take_part(actor, facts.member_ids)
    return may_read_resource(actor, facts)


def may_upload_to(actor: Actor, facts: ResourceFacts) -> bool:
    """Add documents (and versions) to a resource."""
    if is_platform(actor):
        return True
    if not may_write(actor):
        return False
    if facts.kind == "workspace":
        return may_take_part(actor, facts.member_ids)
    if facts.kind == "proposal":
        return may_decide_proposals(actor) or (
            facts.commission_id is not None and may_propose(actor, facts.commission_id)
        )
    if facts.kind == "partner":
        partner = facts.partner()
        return (
            is_secretariat(actor)
            or actor.belongs_to_partner(partner.partner_id)
            or _commission_granted(actor, partner, Right.DOCUMENTS)
        )
    # commission and update
    return facts.commission_id is not None and may_write_updates(actor, facts.commission_id)


def may_publish_documents(facts: ResourceFacts) -> bool:
    """Documents may be public only where the resource itself is public-facing."""
    return facts.kind in {"commission", "partner", "update"}


# --- reading lists, feeds and indicators (api/, web/) --------------------------------


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What an actor may read beyond public content, as facts a list query can filter by.

    projections/queries/ turns it into database filters; the object rules above
    decide the same for one object (tests check that the two agree). Partners that
    share their documents with one of ``commission_ids`` are found by the query
    from the affiliations read model.
    """

    everything: bool = False
    # Internals (drafts, proposals, internal documents, the feed) of these commissions.
    commission_ids: frozenset[UUID] = frozenset()
    # Proposals naming, and internal documents of, these partner institutions.
    partner_ids: frozenset[UUID] = frozenset()
    # Workspaces this person is a member of.
    user_id: str | None = None


def read_scope(actor: Actor) -> ReadScope:
    if may_read_everything(actor):
        return ReadScope(everything=True)
    if not actor.is_authenticated:
        return ReadScope()
    return ReadScope(
        commission_ids=frozenset(actor.commission_ids),
        partner_ids=frozenset(actor.partner_ids),
        user_id=actor.id,
    )


def may_read_members(actor: Actor, commission_id: UUID) -> bool:
    """The member list of a commission (names and roles of its people)."""
    return may_read_commission_internals(actor, commission_id)


def may_read_activity(
    actor: Actor, commission_id: UUID | None, workspace_member_ids: Collection[str] | None
) -> bool:
    """One item of the activity feed. Activity inside a workspace (``workspace_member_ids``
    given) is for its members; other activity is for the commission it concerns."""
    if may_read_everything(actor):
        return True
    if workspace_member_ids is not None:
        return actor.is_authenticated and actor.id in workspace_member_ids
    return actor.belongs_to_commission(commission_id)


def may_read_indicators(actor: Actor, commission_id: UUID | None) -> bool:
    """Platform-wide indicators, or those of one commission."""
    if may_read_everything(actor):
        return True
    return commission_id is not None and actor.belongs_to_commission(commission_id)


def may_read_earlier_texts(actor: Actor, retracted: bool) -> bool:
    """The edit history of a message or comment its reader may see: a retracted
    text stays visible to those who read the full history only."""
    return not retracted or may_read_history(actor)


def may_invite(
    actor: Actor, scope: str, scope_id: UUID, role: str, partner: PartnerFacts | None = None
) -> bool:
    """Invite someone by e-mail to join the organisation (secretariat, auditors), a
    commission, or a partner institution: whoever may add such a member with that role."""
    if scope == "organisation":
        return may_manage_organisation(actor)
    if scope == "commission":
        return may_change_commission_member(actor, scope_id, None, role)
    if scope == "partner":
        return partner is not None and may_manage_partner_members(actor, partner)
    return False


# --- meetings --------------------------------------------------------------------------

# Meetings a commission holds with the organisation or its partners; the others
# (sessions of the governing bodies, ministerial conferences, the secretaries-general's
# meeting, and any other) are the secretariat's.
COMMISSION_MEETING_KINDS = frozenset({"bilateral_meeting", "training", "workshop", "visit"})
# Whom a person may register themselves for; an invited meeting's list is its organisers'.
SELF_REGISTRATION = frozenset({"public", "members"})


def may_organise_meeting(actor: Actor, kind: str, commission_ids: Collection[UUID]) -> bool:
    """Schedule a meeting, and then convene, run, postpone or cancel it and keep its
    agenda and participant list. The governing bodies' meetings (and any other) are
    the secretariat's; a commission's secretary-general and staff organise the
    bilateral meetings, trainings, workshops and visits that concern their commission."""
    return is_secretariat(actor) or (
        kind in COMMISSION_MEETING_KINDS and any(actor.belongs_to_commission(c) for c in commission_ids)
    )


def may_register_for_meeting(actor: Actor, visibility: str) -> bool:
    """Register oneself: any signed-in member, for a public or members' meeting."""
    return visibility in SELF_REGISTRATION and may_write(actor) and actor.is_authenticated


def may_see_meeting_participants(actor: Actor, kind: str, commission_ids: Collection[UUID]) -> bool:
    """Who registered and who attended: the organisers, and those who read everything."""
    return may_read_everything(actor) or may_organise_meeting(actor, kind, commission_ids)


def may_read_meeting(
    actor: Actor,
    kind: str,
    visibility: str,
    commission_ids: Collection[UUID],
    participant_ids: Collection[str],
) -> bool:
    """A public meeting is everyone's; a members' meeting is for everyone signed in
    with a membership; an invited one for its organisers, its participants and those
    who read everything."""
    if visibility == "public" or may_read_everything(actor):
        return True
    if visibility == "members":
        return bool(actor.memberships)
    return may_organise_meeting(actor, kind, commission_ids) or (
        actor.is_authenticated and actor.id in participant_ids
    )
