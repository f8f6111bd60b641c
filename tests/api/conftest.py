"""Fixtures of the API tests: people with accounts and tokens, a world built through
the commands, and read-your-writes made synchronous.

Every person of the world is a real account (its id is the actor id the events
record) signed in with a real API token. ``service.wait_for`` applies the stored
events to the read models in the request itself, so a command's response is
rendered from up-to-date read models without a projector thread.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.demo import DEMO_PDF
from events.ids import commission_id
from events.platform import Tawasul
from events.roles import Actor, Role
from projections import service
from projections.projectors import all_projectors
from projections.runner import ProjectionRunner

PASSWORD = "a-long-enough-Pa55word"
ROLES = ("public", "secretariat", "auditor", "sg_tn", "staff_tn", "staff_ma", "partner_tn", "manager_tn")


def cid() -> str:
    return str(uuid.uuid4())


@dataclass
class ApiWorld:
    app: Tawasul
    project: Callable[[], int]
    users: dict[str, Any] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)

    def client(self, role: str = "public", **headers: str) -> APIClient:
        client = APIClient(**headers)
        if role != "public":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client

    def user_id(self, role: str) -> str:
        return str(self.users[role].pk)

    def new_user(self, username: str) -> Any:
        return get_user_model().objects.create_user(
            username=username, password=PASSWORD, email=f"{username}@example.org"
        )


@pytest.fixture
def synchronous_reads(tawasul: Tawasul, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    runner = ProjectionRunner(tawasul, all_projectors())

    def wait_for(position: int, timeout: float = 2.0) -> bool:
        return runner.catch_up() >= position

    monkeypatch.setattr(service, "wait_for", wait_for)
    return runner.catch_up


@pytest.fixture
def world(tawasul: Tawasul, synchronous_reads: Callable[[], int]) -> ApiWorld:
    """Two commissions (Tunisia, Morocco), the people of every role, a partner school,
    a Tunisian workspace with a thread and a message, a published update and a draft,
    a proposal, a public and two internal documents, a comment."""
    app = tawasul
    w = ApiWorld(app=app, project=synchronous_reads)
    for role in ROLES[1:]:
        user = w.new_user(role.replace("_", "."))
        w.users[role] = user
        w.tokens[role] = Token.objects.create(user=user).key
    system = Actor.system()
    tn, ma = commission_id("TN"), commission_id("MA")
    w.ids.update(tn=tn, ma=ma)
    app.register_organisation(system, command_id=cid(), acronym="ALECSO", name={"en": "ALECSO"})
    app.add_organisation_member(
        system, command_id=cid(), user_id=w.user_id("secretariat"), role="secretariat"
    )
    app.add_organisation_member(system, command_id=cid(), user_id=w.user_id("auditor"), role="auditor")
    app.register_commission(
        system,
        command_id=cid(),
        country="TN",
        name={
            "ar": "اللجنة الوطنية التونسية",
            "en": "Tunisian National Commission",
            "fr": "Commission nationale tunisienne",
        },
    )
    app.register_commission(
        system,
        command_id=cid(),
        country="MA",
        name={"ar": "اللجنة الوطنية المغربية", "fr": "Commission nationale marocaine"},
    )
    for role, commission, kind in (
        ("staff_tn", tn, "staff"),
        ("staff_ma", ma, "staff"),
        ("sg_tn", tn, "secretary_general"),
    ):
        app.add_commission_member(
            system, command_id=cid(), commission_id=commission, user_id=w.user_id(role), role=kind
        )
    w.actors = {
        "secretariat": Actor.holding(w.user_id("secretariat"), Role.SECRETARIAT),
        "auditor": Actor.holding(w.user_id("auditor"), Role.AUDITOR),
        "sg_tn": Actor.holding(w.user_id("sg_tn"), Role.SECRETARY_GENERAL, commission_id=tn),
        "staff_tn": Actor.holding(w.user_id("staff_tn"), Role.STAFF, commission_id=tn),
        "staff_ma": Actor.holding(w.user_id("staff_ma"), Role.STAFF, commission_id=ma),
    }
    staff_tn = w.actors["staff_tn"]
    partner = app.register_partner(
        staff_tn,
        command_id=cid(),
        kind="school",
        country="TN",
        name={"ar": "مدرسة أريانة", "fr": "Collège de l'Ariana"},
        commission_id=tn,
    )
    w.ids["partner"] = partner.id
    app.add_partner_member(
        Actor.system(), command_id=cid(), partner_id=partner.id, user_id=w.user_id("partner_tn")
    )
    w.actors["partner_tn"] = Actor.holding(w.user_id("partner_tn"), Role.PARTNER, partner_id=partner.id)
    app.add_partner_member(
        Actor.system(),
        command_id=cid(),
        partner_id=partner.id,
        user_id=w.user_id("manager_tn"),
        role="partner_manager",
    )
    w.actors["manager_tn"] = Actor.holding(
        w.user_id("manager_tn"), Role.PARTNER_MANAGER, partner_id=partner.id
    )
    workspace = app.create_workspace(staff_tn, command_id=cid(), name="Digital education", commission_id=tn)
    w.ids["workspace"] = workspace.id
    app.add_workspace_member(
        staff_tn, command_id=cid(), workspace_id=workspace.id, user_id=w.user_id("partner_tn")
    )
    thread = app.start_thread(staff_tn, command_id=cid(), workspace_id=workspace.id, title="Kickoff")
    w.ids["thread"] = thread.id
    w.ids["message"] = app.post_message(staff_tn, command_id=cid(), thread_id=thread.id, text="مرحبا").id
    published = app.draft_update(
        staff_tn,
        command_id=cid(),
        commission_id=tn,
        kind="news",
        title={"ar": "خبر", "en": "News", "fr": "Nouvelle"},
        body={"ar": "نص"},
    )
    app.publish_update(staff_tn, command_id=cid(), update_id=published.id)
    w.ids["published"] = published.id
    w.ids["draft"] = app.draft_update(
        staff_tn,
        command_id=cid(),
        commission_id=tn,
        kind="publication",
        title={"ar": "مسودة"},
        body={"ar": "نص"},
    ).id
    w.ids["proposal"] = app.submit_proposal(
        staff_tn,
        command_id=cid(),
        commission_id=tn,
        partner_ids=[partner.id],
        title={"en": "Workshops"},
        summary={"en": "Workshops for pupils"},
    ).id
    w.ids["public_document"] = app.upload_document(
        staff_tn,
        command_id=cid(),
        resource_kind="update",
        resource_id=published.id,
        name="programme.pdf",
        content=io.BytesIO(DEMO_PDF),
        visibility="public",
    ).id
    w.ids["workspace_document"] = app.upload_document(
        staff_tn,
        command_id=cid(),
        resource_kind="workspace",
        resource_id=workspace.id,
        name="notes.txt",
        content=io.BytesIO(b"internal notes\n"),
    ).id
    w.ids["commission_document"] = app.upload_document(
        staff_tn,
        command_id=cid(),
        resource_kind="commission",
        resource_id=tn,
        name="budget.csv",
        content=io.BytesIO(b"line,amount\nbooks,100\n"),
    ).id
    w.ids["comment"] = app.post_comment(
        staff_tn, command_id=cid(), resource_kind="update", resource_id=published.id, text="Bravo"
    ).id
    synchronous_reads()
    return w
