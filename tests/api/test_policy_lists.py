"""Lists show exactly what the object rules of events/policy.py let each reader see."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from events import policy
from events.roles import Actor
from projections import models as m
from projections import queries
from tests.api.conftest import ROLES, ApiWorld

pytestmark = pytest.mark.both_backends


def actor(world: ApiWorld, role: str) -> Actor:
    return Actor.public() if role == "public" else world.actors[role]


def more_of_everything(world: ApiWorld) -> None:
    """A Moroccan draft and workspace, a proposal naming nobody of Tunisia, an
    internal document on the partner, a public one on a draft."""
    import io

    app, staff_ma = world.app, world.actors["staff_ma"]
    new = lambda: str(uuid.uuid4())  # noqa: E731
    draft = app.draft_update(
        staff_ma,
        command_id=new(),
        commission_id=world.ids["ma"],
        kind="news",
        title={"fr": "Brouillon"},
        body={"fr": "x"},
    )
    app.create_workspace(staff_ma, command_id=new(), name="Rabat", commission_id=world.ids["ma"])
    moroccan = app.register_partner(
        staff_ma,
        command_id=new(),
        kind="club",
        country="MA",
        name={"fr": "Club"},
        commission_id=world.ids["ma"],
    )
    app.submit_proposal(
        staff_ma,
        command_id=new(),
        commission_id=world.ids["ma"],
        partner_ids=[moroccan.id],
        title={"fr": "P"},
        summary={"fr": "S"},
    )
    app.upload_document(
        world.actors["partner_tn"],
        command_id=new(),
        resource_kind="partner",
        resource_id=world.ids["partner"],
        name="charter.txt",
        content=io.BytesIO(b"charter\n"),
    )
    app.upload_document(
        staff_ma,
        command_id=new(),
        resource_kind="update",
        resource_id=draft.id,
        name="draft.txt",
        content=io.BytesIO(b"draft\n"),
        visibility="public",
    )
    world.project()


@pytest.mark.parametrize("role", ROLES)
def test_each_list_holds_exactly_what_the_reader_may_read(world: ApiWorld, role: str) -> None:
    more_of_everything(world)
    who = actor(world, role)

    listed = set(queries.updates(who).values_list("id", flat=True))
    allowed = {
        u.id
        for u in m.UpdateEntry.objects.all()
        if policy.may_read_update(who, u.commission_id, u.state == "published")
    }
    assert listed == allowed

    listed = set(queries.proposals(who).values_list("id", flat=True))
    allowed = {
        p.id
        for p in m.ProposalEntry.objects.all()
        if policy.may_read_proposal(who, p.commission_id, {UUID(x) for x in p.partner_ids})
    }
    assert listed == allowed

    listed = set(queries.documents(who).values_list("id", flat=True))
    allowed = {
        d.id
        for d in m.DocumentEntry.objects.all()
        if policy.may_read_resource(who, queries.document_facts(d))
    }
    assert listed == allowed

    listed = set(queries.workspaces(who, every_readable=True).values_list("id", flat=True))
    allowed = {
        w.id
        for w in m.WorkspaceEntry.objects.all()
        if policy.may_read_workspace(who, queries.workspace_member_ids(w.id))
    }
    assert listed == allowed

    listed = set(queries.activity(who).values_list("position", flat=True))
    allowed = {
        a.position
        for a in m.ActivityItem.objects.all()
        if policy.may_read_activity(
            who, a.commission_id, queries.workspace_member_ids(a.workspace_id) if a.workspace_id else None
        )
    }
    assert listed == allowed
    # The world's activity is Tunisia's and its workspace's: the school's manager is in neither.
    assert allowed or role in {"public", "manager_tn"}
