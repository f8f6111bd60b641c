"""Build test worlds through the commands, as the demo seed does."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from uuid import UUID

from events.ids import commission_id
from events.platform import Tawasul
from events.roles import Actor, Role


def cid() -> str:
    return str(uuid.uuid4())


@dataclass
class World:
    app: Tawasul
    system: Actor
    secretariat: Actor
    auditor: Actor
    tn: UUID
    ma: UUID
    staff_tn: Actor
    staff_ma: Actor
    sg_tn: Actor
    partner_tn: Actor
    partner_id: UUID
    workspace_id: UUID
    thread_id: UUID


def build_world(app: Tawasul) -> World:
    """An organisation, two commissions with staff, a partner with a member, and a
    workspace of Tunisia's commission with a thread."""
    system = Actor.system()
    app.register_organisation(system, command_id=cid(), acronym="ALECSO", name={"en": "ALECSO"})
    app.add_organisation_member(system, command_id=cid(), user_id="u-secretariat", role="secretariat")
    app.add_organisation_member(system, command_id=cid(), user_id="u-auditor", role="auditor")
    for code, name in (("TN", "تونس"), ("MA", "المغرب")):
        app.register_commission(system, command_id=cid(), country=code, name={"ar": name})
    tn, ma = commission_id("TN"), commission_id("MA")
    app.add_commission_member(system, command_id=cid(), commission_id=tn, user_id="u-staff-tn", role="staff")
    app.add_commission_member(system, command_id=cid(), commission_id=ma, user_id="u-staff-ma", role="staff")
    app.add_commission_member(
        system, command_id=cid(), commission_id=tn, user_id="u-sg-tn", role="secretary_general"
    )
    staff_tn = Actor.holding("u-staff-tn", Role.STAFF, commission_id=tn)
    partner = app.register_partner(
        staff_tn, command_id=cid(), kind="school", country="TN", name={"ar": "مدرسة"}, commission_id=tn
    )
    app.add_partner_member(Actor.system(), command_id=cid(), partner_id=partner.id, user_id="u-partner-tn")
    partner_tn = Actor.holding("u-partner-tn", Role.PARTNER, partner_id=partner.id)
    workspace = app.create_workspace(staff_tn, command_id=cid(), name="Digital education", commission_id=tn)
    app.add_workspace_member(staff_tn, command_id=cid(), workspace_id=workspace.id, user_id="u-partner-tn")
    thread = app.start_thread(staff_tn, command_id=cid(), workspace_id=workspace.id, title="Kickoff")
    return World(
        app=app,
        system=system,
        secretariat=Actor.holding("u-secretariat", Role.SECRETARIAT),
        auditor=Actor.holding("u-auditor", Role.AUDITOR),
        tn=tn,
        ma=ma,
        staff_tn=staff_tn,
        staff_ma=Actor.holding("u-staff-ma", Role.STAFF, commission_id=ma),
        sg_tn=Actor.holding("u-sg-tn", Role.SECRETARY_GENERAL, commission_id=tn),
        partner_tn=partner_tn,
        partner_id=partner.id,
        workspace_id=workspace.id,
        thread_id=thread.id,
    )


def pdf_bytes() -> io.BytesIO:
    from core.demo import DEMO_PDF

    return io.BytesIO(DEMO_PDF)
