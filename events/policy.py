"""Who may do what: the one place where permissions are decided.

Every rule is a pure function of an :class:`~events.roles.Actor` and plain facts
about the resource (its commission, its members, its state). events/ calls the
write rules inside use cases; api/, realtime/ and web/ call the read rules to
filter what they show. Nothing here touches the database.

The rules, in short:
- the secretariat keeps the directory, reviews and decides proposals, and may
  work in every workspace;
- a commission's secretary-general and staff write for their own commission;
  the secretary-general also manages its members;
- partner members work only in the workspaces they belong to;
- auditors read everything, including history, and write nothing;
- the public reads published content only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from events.roles import COMMISSION_ROLES, Actor, Role

# --- the organisation and its directory ----------------------------------------------


def may_bootstrap(actor: Actor) -> bool:
    """Register the host organisation itself (first start, demo seed)."""
    return actor.role is Role.SYSTEM


def may_manage_organisation(actor: Actor) -> bool:
    """Add or remove secretariat members and auditors."""
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM}


def may_register_commission(actor: Actor) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM}


def may_manage_commission(actor: Actor, commission_id: UUID) -> bool:
    """Edit the profile, invite and remove members, change their roles."""
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM} or (
        actor.role is Role.SECRETARY_GENERAL and actor.commission_id == commission_id
    )


def may_appoint_secretary_general(actor: Actor) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM}


def may_register_partner(actor: Actor, commission_id: UUID | None) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM} or actor.belongs_to_commission(
        commission_id
    )


def may_manage_partner(actor: Actor, partner_id: UUID, commission_ids: Collection[UUID]) -> bool:
    """Edit a partner's profile and members: the secretariat, staff of an affiliated
    commission, and the partner's own members (profile only, see may_edit_partner_profile)."""
    if actor.role in {Role.SECRETARIAT, Role.SYSTEM}:
        return True
    return actor.role in COMMISSION_ROLES and actor.commission_id in commission_ids


def may_edit_partner_profile(
    actor: Actor, partner_id: UUID, commission_ids: Collection[UUID]
) -> bool:
    return may_manage_partner(actor, partner_id, commission_ids) or (
        actor.role is Role.PARTNER and actor.partner_id == partner_id
    )


def may_affiliate_partner(actor: Actor, commission_id: UUID) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM} or actor.belongs_to_commission(
        commission_id
    )


# --- commission updates ------------------------------------------------------------------


def may_write_updates(actor: Actor, commission_id: UUID) -> bool:
    """Draft, revise, publish and withdraw the updates of a commission."""
    return actor.role is Role.SYSTEM or actor.belongs_to_commission(commission_id)


def may_read_update(actor: Actor, commission_id: UUID, published: bool) -> bool:
    return (
        published
        or actor.role in {Role.SECRETARIAT, Role.AUDITOR, Role.SYSTEM}
        or actor.belongs_to_commission(commission_id)
    )


# --- partnership proposals ------------------------------------------------------------------


def may_propose(actor: Actor, commission_id: UUID) -> bool:
    """Submit, revise and withdraw a commission's proposals."""
    return actor.role is Role.SYSTEM or actor.belongs_to_commission(commission_id)


def may_decide_proposals(actor: Actor) -> bool:
    """Start review, accept, reject, conclude."""
    return actor.role in {Role.SECRETARIAT, Role.SYSTEM}


def may_read_proposal(actor: Actor, commission_id: UUID, partner_ids: Collection[UUID]) -> bool:
    return (
        actor.role in {Role.SECRETARIAT, Role.AUDITOR, Role.SYSTEM}
        or actor.belongs_to_commission(commission_id)
        or (actor.role is Role.PARTNER and actor.partner_id in partner_ids)
    )


# --- workspaces ------------------------------------------------------------------------------


def may_create_workspace(actor: Actor) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.SECRETARY_GENERAL, Role.STAFF, Role.SYSTEM}


def may_manage_workspace(actor: Actor, commission_id: UUID | None, created_by: str) -> bool:
    """Add and remove members, archive: its creator, the secretariat, the owning
    commission's secretary-general."""
    return (
        actor.role in {Role.SECRETARIAT, Role.SYSTEM}
        or actor.id == created_by
        or (actor.role is Role.SECRETARY_GENERAL and actor.commission_id == commission_id)
    )


def may_take_part(actor: Actor, member_ids: Collection[str]) -> bool:
    """Start threads, post messages, comment and upload in a workspace."""
    return actor.role is Role.SYSTEM or (
        actor.role is not Role.AUDITOR and actor.is_authenticated and actor.id in member_ids
    )


def may_read_workspace(actor: Actor, member_ids: Collection[str]) -> bool:
    return actor.role in {Role.SECRETARIAT, Role.AUDITOR, Role.SYSTEM} or (
        actor.is_authenticated and actor.id in member_ids
    )


def may_moderate_workspace(actor: Actor, commission_id: UUID | None, created_by: str) -> bool:
    """Close and rename threads started by others."""
    return may_manage_workspace(actor, commission_id, created_by)


# --- authorship ----------------------------------------------------------------------------------


def may_change_own_writing(actor: Actor, author_id: str) -> bool:
    """Edit or retract a message or comment: its author only."""
    return actor.is_authenticated and actor.role is not Role.AUDITOR and actor.id == author_id


# --- reading across the platform ------------------------------------------------------------------


def may_read_everything(actor: Actor) -> bool:
    """The secretariat's feed:all and the auditors' view."""
    return actor.role in {Role.SECRETARIAT, Role.AUDITOR, Role.SYSTEM}


def may_read_history(actor: Actor) -> bool:
    """Audit history, as-of states, replays."""
    return actor.role in {Role.AUDITOR, Role.SECRETARIAT, Role.SYSTEM}


def may_read_commission_internals(actor: Actor, commission_id: UUID) -> bool:
    """Drafts, internal documents, the commission feed."""
    return may_read_everything(actor) or actor.belongs_to_commission(commission_id)


def may_write(actor: Actor) -> bool:
    """Auditors and the public never write."""
    return actor.is_authenticated and actor.role is not Role.AUDITOR


# --- resources that comments and documents attach to ------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """What the rules need to know of a resource, from an aggregate or a read model.

    kind: commission, partner, update, proposal, workspace or document.
    public: readable by anyone (a commission, a partner, a published update,
    a public document of one of those).
    """

    kind: str
    commission_id: UUID | None = None
    commission_ids: frozenset[UUID] = frozenset()
    partner_id: UUID | None = None
    partner_ids: frozenset[UUID] = frozenset()
    member_ids: frozenset[str] = frozenset()
    created_by: str = ""
    public: bool = False


def may_read_resource(actor: Actor, facts: ResourceFacts) -> bool:
    if facts.public or may_read_everything(actor):
        return True
    if facts.kind == "workspace":
        return may_read_workspace(actor, facts.member_ids)
    if facts.kind == "proposal":
        return may_read_proposal(actor, facts.commission_id, facts.partner_ids)  # type: ignore[arg-type]
    if facts.kind == "partner":
        return (actor.role is Role.PARTNER and actor.partner_id == facts.partner_id) or (
            actor.role in COMMISSION_ROLES and actor.commission_id in facts.commission_ids
        )
    return actor.belongs_to_commission(facts.commission_id)


def may_comment_on(actor: Actor, facts: ResourceFacts) -> bool:
    """Anyone who may read a resource and may write comments on it; the public reads only."""
    if not may_write(actor):
        return actor.role is Role.SYSTEM
    if facts.kind == "workspace":
        return may_take_part(actor, facts.member_ids)
    return may_read_resource(actor, facts)


def may_upload_to(actor: Actor, facts: ResourceFacts) -> bool:
    """Add documents (and versions) to a resource."""
    if actor.role is Role.SYSTEM:
        return True
    if facts.kind == "workspace":
        return may_take_part(actor, facts.member_ids)
    if facts.kind == "proposal":
        return may_decide_proposals(actor) or (
            facts.commission_id is not None and may_propose(actor, facts.commission_id)
        )
    if facts.kind == "partner":
        return facts.partner_id is not None and may_edit_partner_profile(
            actor, facts.partner_id, facts.commission_ids
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

    projections/queries.py turns it into database filters; the object rules above
    decide the same for one object (tests check that the two agree).
    """

    everything: bool = False
    # Internals (drafts, proposals, internal documents, the feed) of this commission.
    commission_id: UUID | None = None
    # Proposals naming, and internal documents of, this partner institution.
    partner_id: UUID | None = None
    # Workspaces this person is a member of.
    user_id: str | None = None


def read_scope(actor: Actor) -> ReadScope:
    if may_read_everything(actor):
        return ReadScope(everything=True)
    if not actor.is_authenticated:
        return ReadScope()
    return ReadScope(
        commission_id=actor.commission_id if actor.role in COMMISSION_ROLES else None,
        partner_id=actor.partner_id if actor.role is Role.PARTNER else None,
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
    actor: Actor, scope: str, scope_id: UUID, partner_commission_ids: Collection[UUID] = ()
) -> bool:
    """Invite someone by e-mail to join the organisation (secretariat, auditors), a
    commission, or a partner institution: whoever may add such a member."""
    if scope == "organisation":
        return may_manage_organisation(actor)
    if scope == "commission":
        return may_manage_commission(actor, scope_id)
    if scope == "partner":
        return may_manage_partner(actor, scope_id, partner_commission_ids)
    return False
