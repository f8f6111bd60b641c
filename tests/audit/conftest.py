"""Fixtures of the audit's integration tests: people with accounts and API tokens,
in a world built through the commands (as the demo seed does)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.ids import commission_id
from events.platform import Tawasul
from events.roles import Actor, Role
from tests.builders import cid

ROLES = ("secretariat", "auditor", "staff_tn", "partner_tn")


@dataclass
class People:
    app: Tawasul
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)

    def client(self, role: str | None = None) -> APIClient:
        client = APIClient()
        if role is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client


@pytest.fixture
def audit_urls() -> Iterator[None]:
    with override_settings(ROOT_URLCONF="tests.audit.urls"):
        yield


@pytest.fixture
def people(tawasul: Tawasul, project: Callable[[], int], audit_urls: None) -> People:
    """The organisation with its secretariat and an auditor, Tunisia's commission with
    a staff member, a partner school with a member, and a workspace: every person an
    account signed in with a token."""
    app = tawasul
    found = People(app)
    users: dict[str, Any] = {}
    for role in ROLES:
        users[role] = get_user_model().objects.create_user(username=role.replace("_", "."), password="x" * 20)
        found.tokens[role] = Token.objects.create(user=users[role]).key
    ids = {role: str(user.pk) for role, user in users.items()}
    system = Actor.system()
    tn = commission_id("TN")
    app.register_organisation(system, command_id=cid(), acronym="ALECSO", name={"en": "ALECSO"})
    app.add_organisation_member(system, command_id=cid(), user_id=ids["secretariat"], role="secretariat")
    app.add_organisation_member(system, command_id=cid(), user_id=ids["auditor"], role="auditor")
    app.register_commission(system, command_id=cid(), country="TN", name={"ar": "تونس", "en": "Tunisia"})
    app.add_commission_member(
        system, command_id=cid(), commission_id=tn, user_id=ids["staff_tn"], role="staff"
    )
    staff = Actor.holding(ids["staff_tn"], Role.STAFF, commission_id=tn)
    partner = app.register_partner(
        staff, command_id=cid(), kind="school", country="TN", name={"ar": "مدرسة"}, commission_id=tn
    )
    app.add_partner_member(Actor.system(), command_id=cid(), partner_id=partner.id, user_id=ids["partner_tn"])
    workspace = app.create_workspace(staff, command_id=cid(), name="Digital education", commission_id=tn)
    found.actors = {
        "secretariat": Actor.holding(ids["secretariat"], Role.SECRETARIAT),
        "auditor": Actor.holding(ids["auditor"], Role.AUDITOR),
        "staff_tn": staff,
        "partner_tn": Actor.holding(ids["partner_tn"], Role.PARTNER, partner_id=partner.id),
        "system": system,
    }
    found.ids.update(tn=tn, partner=partner.id, workspace=workspace.id)
    project()
    return found
