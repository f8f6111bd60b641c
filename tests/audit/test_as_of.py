"""A resource as of a moment (or a version), rebuilt from its events, is what the
read models showed at that moment: a snapshot of their renderings taken then is
held against it after the resources have changed."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from events.audit import service
from events.platform import Tawasul
from projections import models as m
from projections import render
from tests.audit.conftest import People
from tests.builders import cid, pdf_bytes

pytestmark = pytest.mark.both_backends


def renderings(ids: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the read models show of each resource now."""
    proposal = m.ProposalEntry.objects.get(id=ids["proposal"])
    decisions = list(m.ProposalDecision.objects.filter(proposal_id=proposal.id).order_by("position"))
    return {
        "commission": render.commission(m.CommissionEntry.objects.get(id=ids["tn"])),
        "partner": render.partner(m.PartnerEntry.objects.get(id=ids["partner"])),
        "update": render.update(m.UpdateEntry.objects.get(id=ids["update"])),
        "proposal": render.proposal(proposal, decisions),
        "workspace": render.workspace(m.WorkspaceEntry.objects.get(id=ids["workspace"])),
        "thread": render.thread(m.ThreadEntry.objects.get(id=ids["thread"])),
        "message": render.message(m.MessageEntry.objects.get(id=ids["message"])),
        "comment": render.comment(m.CommentEntry.objects.get(id=ids["comment"])),
        "document": render.document(m.DocumentEntry.objects.get(id=ids["document"])),
    }


# Fields that must be among those compared, so that the comparison says something.
ESSENTIAL = {
    "commission": {
        "name",
        "profile",
        "secretary_general",
        "member_count",
        "updated_at",
        "version",
        "position",
    },
    "partner": {
        "name",
        "commission_ids",
        "member_count",
        "registered_at",
        "updated_at",
        "version",
        "position",
    },
    "update": {"title", "body", "state", "published_at", "withdrawn_at", "updated_at", "version", "position"},
    "proposal": {"title", "state", "decisions", "submitted_at", "updated_at", "version", "position"},
    "workspace": {"name", "archived", "member_count", "created_at", "version", "position"},
    "thread": {"title", "closed", "started_at", "version", "position"},
    "message": {"text", "retracted", "edited", "posted_at", "edited_at", "version", "position"},
    "comment": {"resource", "text", "edited", "edited_at", "version", "position"},
    "document": {"name", "sha256", "version_count", "archived", "updated_at", "version", "position"},
}


def compared(read_model: dict[str, Any], rebuilt: dict[str, Any], ignore: set[str] = frozenset()) -> set[str]:
    keys = (set(read_model) & set(rebuilt)) - ignore
    for key in sorted(keys):
        assert rebuilt[key] == read_model[key], key
    return keys


def test_as_of_a_moment_and_at_a_version_reconstruct_what_the_read_models_showed(
    people: People, project: Callable[[], int]
) -> None:
    app: Tawasul = people.app
    staff, secretariat, system = (
        people.actors["staff_tn"],
        people.actors["secretariat"],
        people.actors["system"],
    )
    ids: dict[str, Any] = dict(people.ids)
    app.update_commission_profile(
        system, command_id=cid(), commission_id=ids["tn"], changes={"phone": "+216 71 000 000"}
    )
    app.appoint_secretary_general(
        system, command_id=cid(), commission_id=ids["tn"], name={"ar": "الأمين العام"}, user_id=staff.id
    )
    ids["update"] = app.draft_update(
        staff, command_id=cid(), commission_id=ids["tn"], kind="news", title={"ar": "خبر"}, body={"ar": "نص"}
    ).id
    app.publish_update(staff, command_id=cid(), update_id=ids["update"])
    ids["proposal"] = app.submit_proposal(
        staff,
        command_id=cid(),
        commission_id=ids["tn"],
        partner_ids=[ids["partner"]],
        title={"en": "Workshops"},
        summary={"en": "For pupils"},
    ).id
    app.start_proposal_review(secretariat, command_id=cid(), proposal_id=ids["proposal"])
    ids["thread"] = app.start_thread(
        staff, command_id=cid(), workspace_id=ids["workspace"], title="Kickoff"
    ).id
    ids["message"] = app.post_message(staff, command_id=cid(), thread_id=ids["thread"], text="مرحبا").id
    app.edit_message(staff, command_id=cid(), message_id=ids["message"], text="مرحبا بكم")
    ids["comment"] = app.post_comment(
        staff, command_id=cid(), resource_kind="update", resource_id=ids["update"], text="Bravo"
    ).id
    ids["document"] = app.upload_document(
        staff,
        command_id=cid(),
        resource_kind="workspace",
        resource_id=ids["workspace"],
        name="programme.pdf",
        content=pdf_bytes(),
    ).id
    project()
    time.sleep(0.002)
    moment = datetime.now(UTC)
    then = renderings(ids)
    time.sleep(0.002)

    # Everything changes afterwards.
    app.update_commission_profile(
        system, command_id=cid(), commission_id=ids["tn"], changes={"phone": "+216 1"}
    )
    app.add_partner_member(system, command_id=cid(), partner_id=ids["partner"], user_id="u-new")
    app.withdraw_update(staff, command_id=cid(), update_id=ids["update"], reason="wrong date")
    app.accept_proposal(secretariat, command_id=cid(), proposal_id=ids["proposal"], rationale="ok")
    app.add_workspace_member(staff, command_id=cid(), workspace_id=ids["workspace"], user_id="u-new")
    app.rename_thread(staff, command_id=cid(), thread_id=ids["thread"], title="Kickoff meeting")
    app.edit_message(staff, command_id=cid(), message_id=ids["message"], text="third text")
    app.retract_message(staff, command_id=cid(), message_id=ids["message"])
    app.edit_comment(staff, command_id=cid(), comment_id=ids["comment"], text="Bravo!")
    app.add_document_version(
        staff,
        command_id=cid(),
        document_id=ids["document"],
        name="programme-v2.pdf",
        content=io.BytesIO(pdf_bytes().getvalue() + b"\n% v2\n"),
    )
    app.archive_document(staff, command_id=cid(), document_id=ids["document"])
    app.archive_workspace(staff, command_id=cid(), workspace_id=ids["workspace"])
    project()
    now = renderings(ids)

    for kind in ESSENTIAL:
        key = "tn" if kind == "commission" else kind
        assert now[kind] != then[kind], f"{kind} should have changed after the moment"
        rebuilt = service.aggregate_state(app, kind, ids[key], as_of=moment)
        assert ESSENTIAL[kind] <= compared(then[kind], rebuilt.state), kind
        at_version = service.aggregate_state(app, kind, ids[key], version=then[kind]["version"])
        assert at_version.state == rebuilt.state, kind
        # And the current state is what the read models show now, except the text of
        # a retracted message, which readers no longer see and auditors still do.
        current = service.aggregate_state(app, kind, ids[key]).state
        ignore = {"text"} if current.get("retracted") else set()
        assert ESSENTIAL[kind] - ignore <= compared(now[kind], current, ignore), kind
    assert service.aggregate_state(app, "message", ids["message"]).state["text"] == "third text"
