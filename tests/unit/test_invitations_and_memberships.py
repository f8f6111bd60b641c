"""Invitations as events, and memberships held side by side: the use cases on the
application alone (no HTTP, no Django database)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from events.errors import IllegalTransition, PermissionDenied, ValidationFailed
from events.invitations import Invitation
from events.platform import Tawasul
from events.roles import Actor, Membership, Role, Scope
from tests.builders import World, build_world, cid

HASH = hashlib.sha256(b"token").hexdigest()


def later(days: int = 7) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def invite(world: World, actor: Actor, role: str = "staff", **where: object) -> object:
    place = where or {"scope": "commission", "scope_id": world.tn}
    return world.app.send_invitation(
        actor,
        command_id=cid(),
        email="Amina@Example.org",
        role=role,
        token_hash=HASH,
        expires_at=later(),
        language="fr",
        **place,
    )


def test_an_invitation_is_sent_accepted_and_the_invitee_joins_in_one_save(app: Tawasul) -> None:
    world = build_world(app)
    sent = invite(world, world.sg_tn)
    invitation = app.load(Invitation, sent.id)  # type: ignore[attr-defined]
    assert (invitation.email, invitation.invited_by, invitation.state(dt.datetime.now(dt.UTC))) == (
        "amina@example.org",
        "u-sg-tn",
        "pending",
    )
    app.accept_invitation(world.sg_tn, command_id=cid(), invitation_id=invitation.id, user_id="u-amina")
    assert app.load(Invitation, invitation.id).accepted_by == "u-amina"
    from events.commissions import Commission

    assert app.load(Commission, world.tn).members["u-amina"] == "staff"
    with pytest.raises(IllegalTransition):
        app.accept_invitation(world.sg_tn, command_id=cid(), invitation_id=invitation.id, user_id="u-other")


def test_only_those_who_may_add_such_a_member_invite(app: Tawasul) -> None:
    world = build_world(app)
    for actor, role, where in (
        (world.staff_tn, "staff", {"scope": "commission", "scope_id": world.tn}),
        (world.sg_tn, "secretary_general", {"scope": "commission", "scope_id": world.tn}),
        (world.sg_tn, "staff", {"scope": "commission", "scope_id": world.ma}),
        (world.staff_ma, "partner", {"scope": "partner", "scope_id": world.partner_id}),
        (world.partner_tn, "partner", {"scope": "partner", "scope_id": world.partner_id}),
        (world.sg_tn, "auditor", {"scope": "organisation"}),
    ):
        with pytest.raises(PermissionDenied):
            invite(world, actor, role, **where)
    invite(world, world.sg_tn, "partner", scope="partner", scope_id=world.partner_id)
    invite(world, world.secretariat, "auditor", scope="organisation")


def test_an_invitation_expires_and_a_revoked_one_cannot_be_accepted(app: Tawasul) -> None:
    world = build_world(app)
    sent = invite(world, world.sg_tn)
    invitation = app.load(Invitation, sent.id)  # type: ignore[attr-defined]
    assert invitation.state(later(8)) == "expired"
    with pytest.raises(PermissionDenied):
        app.revoke_invitation(world.staff_ma, command_id=cid(), invitation_id=invitation.id)
    app.revoke_invitation(
        world.sg_tn, command_id=cid(), invitation_id=invitation.id, rationale="Wrong address"
    )
    with pytest.raises(IllegalTransition):
        app.accept_invitation(world.sg_tn, command_id=cid(), invitation_id=invitation.id, user_id="u-amina")


def test_an_inviter_who_lost_the_right_adds_no_one(app: Tawasul) -> None:
    world = build_world(app)
    sent = invite(world, world.sg_tn)
    no_longer = Actor.holding("u-sg-tn", Role.STAFF, commission_id=world.tn)
    with pytest.raises(PermissionDenied):
        app.accept_invitation(no_longer, command_id=cid(), invitation_id=sent.id, user_id="u-amina")  # type: ignore[attr-defined]


def test_an_invitation_with_a_past_expiry_or_a_bad_address_is_refused(app: Tawasul) -> None:
    world = build_world(app)
    with pytest.raises(ValidationFailed):
        app.send_invitation(
            world.sg_tn,
            command_id=cid(),
            email="not an address",
            scope="commission",
            scope_id=world.tn,
            role="staff",
            token_hash=HASH,
            expires_at=later(),
        )
    with pytest.raises(ValidationFailed):
        app.send_invitation(
            world.sg_tn,
            command_id=cid(),
            email="a@example.org",
            scope="commission",
            scope_id=world.tn,
            role="staff",
            token_hash=HASH,
            expires_at=later(-1),
        )


def test_an_actor_keeps_every_membership_and_the_widest_role_shows() -> None:
    commission = build_commission_id()
    actor = Actor.of(
        "u-1",
        (
            Membership(Scope.PARTNER, commission, Role.PARTNER),
            Membership(Scope.ORGANISATION, None, Role.SECRETARIAT),
        ),
    )
    assert actor.role is Role.SECRETARIAT
    assert actor.holds(Role.PARTNER) and actor.holds(Role.SECRETARIAT)
    assert actor.partner_ids == (commission,)


def build_commission_id() -> object:
    from events.ids import commission_id

    return commission_id("TN")


def test_a_commission_request_is_not_an_affiliation_until_the_partner_accepts(app: Tawasul) -> None:
    world = build_world(app)
    from events.partners import Partner

    app.request_affiliation(
        world.staff_ma, command_id=cid(), partner_id=world.partner_id, commission_id=world.ma
    )
    assert world.ma not in app.load(Partner, world.partner_id).facts.commission_ids
    with pytest.raises(PermissionDenied):
        app.accept_affiliation(
            world.staff_ma, command_id=cid(), partner_id=world.partner_id, commission_id=world.ma
        )
    manager = Actor.holding("u-manager", Role.PARTNER_MANAGER, partner_id=world.partner_id)
    app.accept_affiliation(manager, command_id=cid(), partner_id=world.partner_id, commission_id=world.ma)
    facts = app.load(Partner, world.partner_id).facts
    assert world.ma in facts.commission_ids
    assert all(commission != world.ma for commission, _ in facts.grants)
