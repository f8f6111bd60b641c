"""Signing in with tokens, the lockout, invitations by e-mail, the signed-in person."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from rest_framework.test import APIClient

from projections.models import InvitationEntry as Invitation
from projections.models import Membership
from tests.api.conftest import PASSWORD, ApiWorld

pytestmark = pytest.mark.both_backends


def sign_in(username: str, password: str = PASSWORD) -> object:
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_a_token_is_issued_for_a_username_and_password_and_opens_the_api(world: ApiWorld) -> None:
    response = sign_in("staff.tn")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert (me["username"], me["role"]) == ("staff.tn", "staff")
    assert me["commission_id"] == str(world.ids["tn"])
    assert me["may"]["write_updates"] is True
    assert me["may"]["decide_proposals"] is False


def test_a_wrong_password_gets_a_problem_and_no_token(world: ApiWorld) -> None:
    response = sign_in("staff.tn", "wrong")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_a_revoked_token_is_refused_afterwards(world: ApiWorld) -> None:
    token = sign_in("partner.tn").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete("/api/v1/auth/token/").status_code == 204
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert refused["Content-Type"] == "application/problem+json"
    assert sign_in("partner.tn").json()["token"] != token


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_the_account_even_with_the_right_password(
    world: ApiWorld,
) -> None:
    for _ in range(3):
        assert sign_in("auditor", "guess").status_code in {400, 429}
    locked = sign_in("auditor")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) > 0
    assert sign_in("staff.ma").status_code == 200  # others are not locked


def test_the_public_has_no_me(world: ApiWorld) -> None:
    assert world.client().get("/api/v1/me/").status_code == 401


def test_people_change_their_display_name_and_language(world: ApiWorld) -> None:
    client = world.client("staff_ma")
    changed = client.patch("/api/v1/me/", {"display_name": "يوسف", "language": "fr"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["display_name"], changed.json()["language"]) == ("يوسف", "fr")
    assert client.patch("/api/v1/me/", {"language": "de"}, format="json").status_code == 400


def invitation_link(outbox_index: int = -1) -> str:
    body = mail.outbox[outbox_index].body
    match = re.search(r"/join/([A-Za-z0-9_\-]+)/", body)
    assert match, body
    return match.group(1)


def test_an_invitation_by_e_mail_ends_in_an_account_and_a_membership_event(
    world: ApiWorld,
) -> None:
    invited = world.client("sg_tn").post(
        "/api/v1/invitations/",
        {
            "email": "Amina@Example.org",
            "scope": "commission",
            "scope_id": str(world.ids["tn"]),
            "role": "staff",
            "language": "fr",
        },
        format="json",
    )
    assert invited.status_code == 201, invited.json()
    assert invited.json()["state"] == "pending"
    assert mail.outbox[-1].to == ["amina@example.org"]
    # The e-mail says who invites, to what and as what, in the invitee's language first.
    first_paragraph = mail.outbox[-1].body.split("\n\n")[0]
    assert "sg.tn vous invite à rejoindre Commission nationale tunisienne" in first_paragraph
    token = invitation_link()
    stored = Invitation.objects.get()
    assert token not in stored.token_hash  # only the hash is kept
    accepted = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "amina", "password": PASSWORD, "display_name": "Amina"},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["role"] == "staff"
    assert accepted.json()["commission_id"] == str(world.ids["tn"])
    membership = Membership.objects.get(user_id=accepted.json()["id"])
    assert (membership.scope, membership.role) == ("commission", "staff")
    # The membership is an event of the commission, recorded as the inviter's act.
    feed = world.client("secretariat").get("/api/v1/activity/?kind=commission.member_joined")
    assert feed.json()["results"][0]["actor"] == world.user_id("sg_tn")
    # The invitation is in the audit history: who invited whom, and the acceptance.
    history = world.client("auditor").get(f"/api/v1/audit/invitation/{stored.id}/history/").json()
    kinds = [entry["kind"] for entry in history["events"]]
    assert kinds == ["invitation.sent", "invitation.accepted"], kinds
    assert history["events"][0]["actor"] == world.user_id("sg_tn")
    assert "amina@example.org" in repr(history["events"][0])
    # The new person signs in with what they chose.
    assert sign_in("amina").status_code == 200
    # The link works once.
    again = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "amina2", "password": PASSWORD},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["state"] == "accepted"


def test_an_invitation_is_only_for_those_who_may_add_such_a_member(world: ApiWorld) -> None:
    body = {
        "email": "x@example.org",
        "scope": "commission",
        "scope_id": str(world.ids["tn"]),
        "role": "staff",
    }
    assert world.client("staff_tn").post("/api/v1/invitations/", body, format="json").status_code == 403
    assert (
        world.client("sg_tn")
        .post("/api/v1/invitations/", {**body, "scope_id": str(world.ids["ma"])}, format="json")
        .status_code
        == 403
    )
    secretariat = world.client("secretariat").post(
        "/api/v1/invitations/",
        {"email": "aud@example.org", "scope": "organisation", "role": "auditor"},
        format="json",
    )
    assert secretariat.status_code == 201
    into_partner = {
        "email": "p@example.org",
        "scope": "partner",
        "scope_id": str(world.ids["partner"]),
        "role": "partner",
    }
    # Staff of the affiliated commission manage nobody's members: its secretary-general
    # does, because the partner shares its members with the commission that registered it.
    assert (
        world.client("staff_tn").post("/api/v1/invitations/", into_partner, format="json").status_code == 403
    )
    partner_member = world.client("sg_tn").post("/api/v1/invitations/", into_partner, format="json")
    assert partner_member.status_code == 201
    wrong_role = world.client("secretariat").post(
        "/api/v1/invitations/",
        {"email": "y@example.org", "scope": "organisation", "role": "staff"},
        format="json",
    )
    assert wrong_role.status_code == 422
    assert len(mail.outbox) == 2


def test_a_revoked_or_expired_invitation_cannot_be_accepted(world: ApiWorld) -> None:
    client = world.client("secretariat")
    first = client.post(
        "/api/v1/invitations/",
        {"email": "a@example.org", "scope": "organisation", "role": "auditor"},
        format="json",
    ).json()
    revoke_token = invitation_link()
    assert client.post(f"/api/v1/invitations/{first['id']}/revoke/").json()["state"] == "revoked"
    client.post(
        "/api/v1/invitations/",
        {"email": "b@example.org", "scope": "organisation", "role": "auditor"},
        format="json",
    )
    expire_token = invitation_link()
    Invitation.objects.filter(email="b@example.org").update(expires_at="2000-01-01T00:00:00Z")
    for token in (revoke_token, expire_token):
        response = APIClient().post(
            "/api/v1/invitations/accept/",
            {"token": token, "username": "late", "password": PASSWORD},
            format="json",
        )
        assert response.status_code == 409
    assert not Membership.objects.filter(role="auditor").exclude(user_id=world.user_id("auditor")).exists()


def test_accepting_with_a_weak_password_or_a_taken_username_changes_nothing(
    world: ApiWorld,
) -> None:
    world.client("secretariat").post(
        "/api/v1/invitations/",
        {"email": "c@example.org", "scope": "organisation", "role": "auditor"},
        format="json",
    )
    token = invitation_link()
    before = world.app.recorder.max_notification_id()
    weak = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "newbie", "password": "123"},
        format="json",
    )
    assert weak.status_code == 422
    assert "password" in weak.json()["errors"]
    taken = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "staff.tn", "password": PASSWORD},
        format="json",
    )
    assert taken.status_code == 422
    assert "username" in taken.json()["errors"]
    assert world.app.recorder.max_notification_id() == before
    assert Invitation.objects.get().state() == "pending"


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(world: ApiWorld) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.users["staff_tn"])
    assert browser.get("/api/v1/me/").json()["username"] == "staff.tn"
    url = f"/api/v1/threads/{world.ids['thread']}/messages/"
    refused = browser.post(url, {"text": "no token"}, format="json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    csrf_value = "k" * 32  # the secret of the csrftoken cookie the web pages set
    browser.cookies["csrftoken"] = csrf_value
    accepted = browser.post(url, {"text": "with token"}, format="json", HTTP_X_CSRFTOKEN=csrf_value)
    assert accepted.status_code == 201
