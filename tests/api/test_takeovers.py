"""The attacks of issue 14, replayed through the API: a member of one body must not
demote a higher role nor take over another commission's partner.

Each test signs in as the attacker with a real token; the actor is built from the
memberships read model, as in production.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from events.roles import Actor
from tests.api.conftest import ApiWorld, cid

pytestmark = pytest.mark.both_backends


def _internal_partner_document(world: ApiWorld) -> str:
    result = world.app.upload_document(
        world.actors["partner_tn"],
        command_id=cid(),
        resource_kind="partner",
        resource_id=world.ids["partner"],
        name="pupils.csv",
        content=io.BytesIO(b"name,class\nAmina,3\n"),
    )
    world.project()
    return str(result.id)


def _roles_of(world: ApiWorld, role: str) -> Any:
    return world.client(role).get("/api/v1/me/").json()


def test_staff_cannot_add_the_secretariat_to_a_partner(world: ApiWorld) -> None:
    partner = world.ids["partner"]
    attempt = world.client("staff_tn").post(
        f"/api/v1/partners/{partner}/members/", {"user_id": world.user_id("secretariat")}, format="json"
    )
    assert attempt.status_code == 403
    assert "partner_manager" in attempt.json()["detail"]
    assert world.client("secretariat").get("/api/v1/audit/chain/").status_code == 200


@pytest.mark.parametrize("higher", ["secretariat", "auditor", "staff_ma"])
def test_joining_and_leaving_a_partner_keeps_every_role_held_elsewhere(world: ApiWorld, higher: str) -> None:
    """Even when someone entitled adds them (the secretary-general of the commission the
    partner shares its members with), a membership is added, never a role rewritten."""
    partner = world.ids["partner"]
    before = _roles_of(world, higher)
    sg = world.client("sg_tn")
    joined = sg.post(
        f"/api/v1/partners/{partner}/members/", {"user_id": world.user_id(higher)}, format="json"
    )
    assert joined.status_code == 201
    during = _roles_of(world, higher)
    assert during["role"] == before["role"]
    assert {m["scope"] for m in during["memberships"]} == {m["scope"] for m in before["memberships"]} | {
        "partner"
    }
    left = sg.delete(f"/api/v1/partners/{partner}/members/{world.user_id(higher)}/", format="json")
    assert left.status_code == 200
    assert _roles_of(world, higher) == before


def test_the_secretariat_keeps_the_audit_chain_while_a_partner_member(world: ApiWorld) -> None:
    partner = world.ids["partner"]
    world.client("sg_tn").post(
        f"/api/v1/partners/{partner}/members/", {"user_id": world.user_id("secretariat")}, format="json"
    )
    assert world.client("secretariat").get("/api/v1/audit/chain/").status_code == 200
    assert world.client("secretariat").get("/api/v1/indicators/").status_code == 200


def test_another_commission_cannot_affiliate_itself_with_a_partner(world: ApiWorld) -> None:
    partner = world.ids["partner"]
    staff_ma = world.client("staff_ma")
    direct = staff_ma.post(
        f"/api/v1/partners/{partner}/affiliations/", {"commission_id": str(world.ids["ma"])}, format="json"
    )
    assert direct.status_code == 403
    request = staff_ma.post(
        f"/api/v1/partners/{partner}/affiliation-requests/",
        {"commission_id": str(world.ids["ma"]), "rationale": "We would like to work together"},
        format="json",
    )
    assert request.status_code == 201
    # A request is not an affiliation: Morocco is not among the partner's commissions.
    assert (
        str(world.ids["ma"])
        not in world.client("public").get(f"/api/v1/partners/{partner}/").json()["commission_ids"]
    )
    self_accept = staff_ma.post(
        f"/api/v1/partners/{partner}/affiliation-requests/{world.ids['ma']}/accept/", {}, format="json"
    )
    assert self_accept.status_code == 403


def test_an_accepted_affiliation_gives_nothing_the_partner_does_not_share(world: ApiWorld) -> None:
    partner = world.ids["partner"]
    document = _internal_partner_document(world)
    staff_ma = world.client("staff_ma")
    staff_ma.post(
        f"/api/v1/partners/{partner}/affiliation-requests/",
        {"commission_id": str(world.ids["ma"])},
        format="json",
    )
    accepted = world.client("manager_tn").post(
        f"/api/v1/partners/{partner}/affiliation-requests/{world.ids['ma']}/accept/",
        {"rationale": "Joint programme"},
        format="json",
    )
    assert accepted.status_code == 200
    assert str(world.ids["ma"]) in accepted.json()["commission_ids"]

    assert staff_ma.get(f"/api/v1/documents/{document}/download/").status_code == 404
    profile = staff_ma.patch(
        f"/api/v1/partners/{partner}/", {"website": "https://evil.example"}, format="json"
    )
    assert profile.status_code == 403
    assert staff_ma.get(f"/api/v1/partners/{partner}/members/").status_code == 403
    removal = staff_ma.delete(f"/api/v1/partners/{partner}/members/{world.user_id('partner_tn')}/")
    assert removal.status_code == 403
    invite = staff_ma.post(
        "/api/v1/invitations/",
        {"email": "intruder@example.org", "scope": "partner", "scope_id": str(partner), "role": "partner"},
        format="json",
    )
    assert invite.status_code == 403
    profile_now = world.client("public").get(f"/api/v1/partners/{partner}/").json()["profile"]
    assert profile_now.get("website") != "https://evil.example"


def test_what_the_partner_shares_opens_exactly_that(world: ApiWorld) -> None:
    partner = world.ids["partner"]
    document = _internal_partner_document(world)
    world.app.affiliate_partner(
        Actor.system(), command_id=cid(), partner_id=partner, commission_id=world.ids["ma"]
    )
    world.project()
    staff_ma = world.client("staff_ma")
    assert staff_ma.get(f"/api/v1/documents/{document}/download/").status_code == 404
    granted = world.client("manager_tn").post(
        f"/api/v1/partners/{partner}/affiliations/{world.ids['ma']}/grant/",
        {"rights": ["documents"], "rationale": "For the joint report"},
        format="json",
    )
    assert granted.status_code == 200
    assert staff_ma.get(f"/api/v1/documents/{document}/download/").status_code == 200
    # Documents only: the members and the profile stay the partner's.
    assert staff_ma.get(f"/api/v1/partners/{partner}/members/").status_code == 403
    assert (
        staff_ma.patch(f"/api/v1/partners/{partner}/", {"phone": "+212 5"}, format="json").status_code == 403
    )
    world.client("manager_tn").post(
        f"/api/v1/partners/{partner}/affiliations/{world.ids['ma']}/revoke/",
        {"rights": ["documents"]},
        format="json",
    )
    assert staff_ma.get(f"/api/v1/documents/{document}/download/").status_code == 404


def test_membership_and_affiliation_changes_are_in_the_audit_history_with_their_rationale(
    world: ApiWorld,
) -> None:
    partner = world.ids["partner"]
    world.client("manager_tn").post(
        f"/api/v1/partners/{partner}/members/",
        {"user_id": world.user_id("staff_ma"), "role": "partner", "rationale": "Liaison for the exchange"},
        format="json",
    )
    world.client("staff_ma").post(
        f"/api/v1/partners/{partner}/affiliation-requests/",
        {"commission_id": str(world.ids["ma"]), "rationale": "Exchange programme"},
        format="json",
    )
    history = world.client("auditor").get(f"/api/v1/audit/partner/{partner}/history/").json()
    text = repr(history["events"])
    assert "Liaison for the exchange" in text
    assert "Exchange programme" in text
    assert world.user_id("manager_tn") in text
