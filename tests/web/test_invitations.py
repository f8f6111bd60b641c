"""Inviting from the web: the secretariat and each body's managers invite by e-mail,
and see the invitations they sent with their state."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from events.ids import commission_id
from projections.models import InvitationEntry

Browse = Callable[..., Client]

pytestmark = pytest.mark.both_backends


def test_the_secretariat_invites_an_auditor_from_the_web_and_sees_it_pending(browse: Browse) -> None:
    client = browse("secretariat", "fr")
    page = client.get("/invitations/").content.decode()
    assert "L&#x27;organisation (secrétariat, auditeurs)" in page
    sent = client.post(
        "/invitations/",
        {
            "form_key": "inv-1",
            "email": "Audit@Example.org",
            "place": "organisation:",
            "role": "auditor",
            "language": "fr",
            "rationale": "Annual audit",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:3000]
    invitation = InvitationEntry.objects.get(email="audit@example.org")
    assert (invitation.role, invitation.rationale) == ("auditor", "Annual audit")
    assert re.search(r"/join/[A-Za-z0-9_\-]+/", mail.outbox[-1].body)
    listed = client.get("/invitations/").content.decode()
    assert "audit@example.org" in listed
    assert "En attente" in listed


def test_a_role_the_inviter_may_not_give_is_refused_and_nothing_is_sent(browse: Browse) -> None:
    client = browse("staff.tn")
    page = client.get("/invitations/")
    assert page.status_code == 200
    assert "Send the invitation" not in page.content.decode()  # staff invite no one
    refused = client.post(
        "/invitations/",
        {
            "form_key": "inv-2",
            "email": "x@example.org",
            "place": f"commission:{commission_id('TN')}",
            "role": "staff",
            "language": "en",
        },
    )
    assert refused.status_code in {200, 400}
    assert not InvitationEntry.objects.filter(email="x@example.org").exists()
    assert mail.outbox == []
