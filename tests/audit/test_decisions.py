"""The decision timeline: every decision with who took it, when and why, filterable,
and equal when rebuilt from the events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from events.ids import commission_id
from projections import models as m
from projections.rebuild import check, rebuild
from projections.timeline import DecisionFilter, decisions, render
from tests.audit.conftest import People
from tests.builders import cid

pytestmark = pytest.mark.both_backends


def timeline(**filters: Any) -> list[dict[str, Any]]:
    return [render(entry) for entry in decisions(DecisionFilter(**filters))]


def decide_things(people: People) -> dict[str, Any]:
    app = people.app
    staff, secretariat, system = (
        people.actors["staff_tn"],
        people.actors["secretariat"],
        people.actors["system"],
    )
    tn = people.ids["tn"]
    proposal = app.submit_proposal(
        staff,
        command_id=cid(),
        commission_id=tn,
        partner_ids=[people.ids["partner"]],
        title={"en": "Workshops"},
        summary={"en": "For pupils"},
    )
    app.start_proposal_review(secretariat, command_id=cid(), proposal_id=proposal.id)
    app.accept_proposal(
        secretariat, command_id=cid(), proposal_id=proposal.id, rationale="Fits the 2026 plan"
    )
    app.conclude_proposal(
        secretariat, command_id="sign", proposal_id=proposal.id, rationale="Signed in Tunis"
    )
    update = app.draft_update(
        staff, command_id=cid(), commission_id=tn, kind="news", title={"ar": "خبر"}, body={"ar": "نص"}
    )
    app.publish_update(staff, command_id=cid(), update_id=update.id)
    app.withdraw_update(staff, command_id=cid(), update_id=update.id, reason="The date was wrong")
    app.change_commission_member_role(
        system, command_id=cid(), commission_id=tn, user_id=staff.id, role="secretary_general"
    )
    app.add_partner_member(system, command_id=cid(), partner_id=people.ids["partner"], user_id="u-teacher")
    app.add_workspace_member(
        staff, command_id=cid(), workspace_id=people.ids["workspace"], user_id="u-teacher"
    )
    app.remove_workspace_member(
        staff, command_id=cid(), workspace_id=people.ids["workspace"], user_id="u-teacher"
    )
    app.register_commission(system, command_id=cid(), country="MA", name={"ar": "المغرب"})
    app.add_commission_member(
        system, command_id=cid(), commission_id=commission_id("MA"), user_id="u-staff-ma", role="staff"
    )
    return {"proposal": proposal.id, "update": update.id}


def test_every_decision_is_in_the_timeline_with_its_rationale(
    people: People, project: Callable[[], int]
) -> None:
    made = decide_things(people)
    project()
    rows = timeline()
    assert [r["position"] for r in rows] == sorted((r["position"] for r in rows), reverse=True)
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["kind"], row)
    concluded = by_kind["proposal.concluded"]
    assert concluded["rationale"] == "Signed in Tunis"
    assert concluded["command_id"] == "sign"
    assert concluded["actor"] == people.actors["secretariat"].id
    assert concluded["subject"] == {
        "kind": "proposal",
        "id": str(made["proposal"]),
        "label": {"en": "Workshops"},
    }
    assert concluded["details"] == {"from": "accepted", "to": "concluded"}
    assert concluded["commission_id"] == str(people.ids["tn"])
    assert by_kind["proposal.accepted"]["rationale"] == "Fits the 2026 plan"
    assert by_kind["proposal.review_started"]["details"] == {"from": "submitted", "to": "under_review"}
    withdrawn = by_kind["update.withdrawn"]
    assert (withdrawn["rationale"], withdrawn["details"]) == (
        "The date was wrong",
        {"from": "published", "to": "withdrawn"},
    )
    assert by_kind["update.published"]["details"] == {"from": "draft", "to": "published"}
    changed = by_kind["commission.member_role_changed"]
    assert (changed["member"], changed["previous_role"], changed["role"]) == (
        people.actors["staff_tn"].id,
        "staff",
        "secretary_general",
    )
    assert by_kind["organisation.member_joined"]["role"] in {"secretariat", "auditor"}
    assert by_kind["partner.member_joined"]["member"] == "u-teacher"
    assert by_kind["partner.affiliated_with_commission"]["commission_id"] == str(people.ids["tn"])
    assert by_kind["workspace.member_removed"]["member"] == "u-teacher"
    assert by_kind["workspace.member_added"]["subject"]["label"] == {"default": "Digital education"}
    # Submitting, drafting, posting... are actions, not decisions.
    assert not {r["kind"] for r in rows} & {"proposal.submitted", "update.drafted", "workspace.created"}


def test_the_timeline_is_filtered_by_commission_actor_kind_and_time(
    people: People, project: Callable[[], int]
) -> None:
    decide_things(people)
    project()
    everything = timeline()
    tn = timeline(commission_id=people.ids["tn"])
    assert "commission.member_joined" in {
        r["kind"] for r in everything if r["commission_id"] == str(commission_id("MA"))
    }
    assert all(r["commission_id"] != str(commission_id("MA")) for r in tn)
    # Decisions about a partner affiliated with Tunisia's commission belong to it too.
    assert "partner.member_joined" in {r["kind"] for r in tn}
    assert {r["kind"] for r in timeline(commission_id=commission_id("MA"))} == {"commission.member_joined"}

    secretariat = people.actors["secretariat"].id
    assert {r["actor"] for r in timeline(actor=secretariat)} == {secretariat}
    assert {r["kind"] for r in timeline(actor=secretariat)} == {
        "proposal.review_started",
        "proposal.accepted",
        "proposal.concluded",
    }
    assert {r["kind"] for r in timeline(kinds=("proposal.accepted", "update.withdrawn"))} == {
        "proposal.accepted",
        "update.withdrawn",
    }
    assert {r["kind"] for r in timeline(kinds=("update",))} == {"update.published", "update.withdrawn"}

    accepted = m.DecisionEntry.objects.get(kind="proposal.accepted")
    since = timeline(since=accepted.decided_at)
    until = timeline(until=accepted.decided_at)
    assert since[-1]["position"] == accepted.position
    assert until[0]["position"] < accepted.position
    assert len(since) + len(until) == len(everything)
    assert timeline(since=accepted.decided_at, until=accepted.decided_at + timedelta(microseconds=1)) == [
        render(accepted)
    ]
    assert {r["member"] for r in timeline(member="u-teacher")} == {"u-teacher"}


def test_the_timeline_rebuilt_from_the_events_equals_the_live_one(
    people: People, project: Callable[[], int]
) -> None:
    decide_things(people)
    project()
    live = timeline()
    assert check(["decisions"]) is None
    rebuild(["decisions"])
    assert timeline() == live
    assert check() is None


def test_a_decision_and_its_subject_in_one_batch(people: People, project: Callable[[], int]) -> None:
    # The projector reads its own subjects through the batch's rows: a proposal
    # submitted and decided within one batch is labelled and placed all the same.
    project()
    app, staff = people.app, people.actors["staff_tn"]
    proposal = app.submit_proposal(
        staff,
        command_id=cid(),
        commission_id=people.ids["tn"],
        partner_ids=[people.ids["partner"]],
        title={"fr": "Ateliers"},
        summary={"fr": "Pour les élèves"},
    )
    app.withdraw_proposal(staff, command_id=cid(), proposal_id=proposal.id, rationale="Merged with another")
    project()
    (row,) = timeline(subject_id=proposal.id)
    assert row["subject"]["label"] == {"fr": "Ateliers"}
    assert row["commission_id"] == str(people.ids["tn"])
    assert row["details"] == {"from": "submitted", "to": "withdrawn"}
