"""/api/v1/audit/: auditors and the secretariat read the history; nobody else."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.audit.conftest import People
from tests.builders import cid

pytestmark = pytest.mark.both_backends


def endpoints(people: People) -> list[str]:
    tn = people.ids["tn"]
    return [
        "/api/v1/audit/decisions/",
        "/api/v1/audit/chain/",
        f"/api/v1/audit/commission/{tn}/",
        f"/api/v1/audit/commission/{tn}/?version=1",
        f"/api/v1/audit/commission/{tn}/history/",
    ]


@pytest.mark.parametrize("role", ["auditor", "secretariat"])
def test_auditors_and_the_secretariat_read_every_audit_endpoint(people: People, role: str) -> None:
    client = people.client(role)
    for url in endpoints(people):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)


@pytest.mark.parametrize("role", ["staff_tn", "partner_tn"])
def test_everyone_else_is_refused(people: People, role: str) -> None:
    client = people.client(role)
    for url in endpoints(people):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "forbidden"


def test_without_signing_in_the_answer_is_401(people: People) -> None:
    for url in endpoints(people):
        response = people.client().get(url)
        assert response.status_code == 401, url
        assert "WWW-Authenticate" in response


def test_the_history_of_a_resource_with_its_changes(people: People) -> None:
    app, staff = people.app, people.actors["staff_tn"]
    app.update_commission_profile(
        people.actors["system"],
        command_id="cmd-phone",
        commission_id=people.ids["tn"],
        changes={"phone": "+216 71 000 000"},
    )
    body = people.client("auditor").get(f"/api/v1/audit/commission/{people.ids['tn']}/history/").json()
    assert body["kind"] == "commission" and body["linked"] is True
    last = body["events"][-1]
    assert last["kind"] == "commission.profile_updated"
    assert last["command_id"] == "cmd-phone"
    assert last["changes"] == [
        {"field": "profile.phone", "change": "added", "before": None, "after": "+216 71 000 000"}
    ]
    assert last["digest"] and last["linked"] is True
    assert body["events"][0]["actor"] == "system"
    assert staff.id in {e["data"].get("user_id") for e in body["events"]}


def test_a_resource_as_of_a_moment_and_at_a_version(people: People) -> None:
    app, staff = people.app, people.actors["staff_tn"]
    update = app.draft_update(
        staff,
        command_id=cid(),
        commission_id=people.ids["tn"],
        kind="news",
        title={"ar": "خبر"},
        body={"ar": "نص"},
    )
    time.sleep(0.002)
    moment = datetime.now(UTC)
    time.sleep(0.002)
    app.publish_update(staff, command_id=cid(), update_id=update.id)
    client = people.client("auditor")
    url = f"/api/v1/audit/update/{update.id}/"
    then = client.get(url, {"as_of": moment.isoformat()})
    assert then.status_code == 200
    assert then.json()["state"]["state"] == "draft" and then.json()["version"] == 1
    assert then["ETag"] == '"1"'
    now = client.get(url).json()
    assert now["state"]["state"] == "published" and now["current_version"] == 2
    assert client.get(url, {"version": 1}).json()["state"] == then.json()["state"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"as_of": "2026-03-01T12:00:00"}, 400),  # no time zone
        ({"as_of": "soon"}, 400),
        ({"version": "0"}, 400),
        ({"version": "x"}, 400),
        ({"as_of": "2026-03-01T12:00:00Z", "version": "1"}, 400),
        ({"version": "99"}, 404),
        ({"as_of": "2000-01-01T00:00:00Z"}, 404),  # before it existed
    ],
)
def test_bad_or_impossible_moments_and_versions(people: People, query: dict[str, str], status: int) -> None:
    response = people.client("auditor").get(f"/api/v1/audit/commission/{people.ids['tn']}/", query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")


def test_unknown_kinds_and_resources_of_another_kind_are_not_found(people: People) -> None:
    client = people.client("auditor")
    tn = people.ids["tn"]
    assert client.get(f"/api/v1/audit/planet/{tn}/").status_code == 404
    assert client.get(f"/api/v1/audit/proposal/{tn}/history/").status_code == 404
    assert client.get(f"/api/v1/audit/commission/{people.ids['partner']}/").status_code == 404


def test_the_decision_timeline_with_its_filters(people: People, project: Callable[[], int]) -> None:
    app, staff, secretariat = people.app, people.actors["staff_tn"], people.actors["secretariat"]
    proposal = app.submit_proposal(
        staff,
        command_id=cid(),
        commission_id=people.ids["tn"],
        partner_ids=[people.ids["partner"]],
        title={"en": "Workshops"},
        summary={"en": "For pupils"},
    )
    app.start_proposal_review(secretariat, command_id=cid(), proposal_id=proposal.id)
    app.reject_proposal(secretariat, command_id=cid(), proposal_id=proposal.id, rationale="Out of scope")
    project()
    client = people.client("auditor")
    body = client.get("/api/v1/audit/decisions/", {"kind": "proposal.rejected"}).json()
    (rejected,) = body["results"]
    assert rejected["rationale"] == "Out of scope"
    assert rejected["actor"] == secretariat.id and rejected["actor_name"] == "secretariat"
    by_actor = client.get("/api/v1/audit/decisions/", {"actor": secretariat.id}).json()["results"]
    assert [r["kind"] for r in by_actor] == ["proposal.rejected", "proposal.review_started"]
    both = client.get("/api/v1/audit/decisions/", {"kind": "proposal", "commission": str(people.ids["tn"])})
    assert len(both.json()["results"]) == 2
    assert client.get("/api/v1/audit/decisions/", {"until": "2000-01-01"}).json()["results"] == []
    page = client.get("/api/v1/audit/decisions/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert client.get("/api/v1/audit/decisions/", {"kind": "proposal.liked"}).status_code == 400
    assert client.get("/api/v1/audit/decisions/", {"since": "last week"}).status_code == 400


def test_the_chain_head_and_a_link(people: People) -> None:
    client = people.client("auditor")
    head = client.get("/api/v1/audit/chain/").json()
    link = people.app.ledger.chain_head()
    assert link is not None
    assert head == {
        "position": link.position,
        "digest": link.digest.hex(),
        "recorded_at": link.recorded_at.isoformat(),
    }
    assert client.get("/api/v1/audit/chain/", {"position": link.position}).json() == head
    assert client.get("/api/v1/audit/chain/", {"position": link.position + 10}).status_code == 404
