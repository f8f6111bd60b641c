"""The conventions of every endpoint: idempotency, If-Match, problem details,
read-your-writes, Accept-Language, pagination."""

from __future__ import annotations

import uuid

import pytest

from api.models import IdempotencyRecord
from events.base import scoped_command_id
from tests.api.conftest import ApiWorld

pytestmark = pytest.mark.both_backends

PROBLEM = "application/problem+json"


def head(world: ApiWorld) -> int:
    return world.app.recorder.max_notification_id() or 0


def test_a_post_repeated_with_its_idempotency_key_gets_the_first_response_and_has_one_effect(
    world: ApiWorld,
) -> None:
    client = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="post-1")
    url = f"/api/v1/threads/{world.ids['thread']}/messages/"
    first = client.post(url, {"text": "once"}, format="json")
    events_after_first = head(world)
    second = client.post(url, {"text": "once"}, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert head(world) == events_after_first
    listed = world.client("staff_tn").get(url).json()["results"]
    assert [m["text"] for m in listed].count("once") == 1


def test_the_same_idempotency_key_on_a_different_request_is_refused(world: ApiWorld) -> None:
    client = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="post-2")
    url = f"/api/v1/threads/{world.ids['thread']}/messages/"
    assert client.post(url, {"text": "one"}, format="json").status_code == 201
    before = head(world)
    refused = client.post(url, {"text": "another"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert head(world) == before


def test_idempotency_keys_of_two_people_never_meet(world: ApiWorld) -> None:
    url = f"/api/v1/threads/{world.ids['thread']}/messages/"
    mine = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="same").post(url, {"text": "a"}, format="json")
    theirs = world.client("partner_tn", HTTP_IDEMPOTENCY_KEY="same").post(url, {"text": "a"}, format="json")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_repeat_after_a_crash_before_the_response_was_kept_returns_the_first_result(
    world: ApiWorld,
) -> None:
    """The event was stored but the process died before keeping the response: the command
    log still knows the command id, so the repeat renders the first result."""
    url = f"/api/v1/threads/{world.ids['thread']}/messages/"
    first = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="crash-1").post(url, {"text": "x"}, format="json")
    IdempotencyRecord.objects.all().delete()
    before = head(world)
    again = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="crash-1").post(url, {"text": "x"}, format="json")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["command"]["repeated"] is True
    assert again.json()["command"]["id"] == scoped_command_id(world.user_id("staff_tn"), "crash-1")
    assert head(world) == before


def test_a_malformed_idempotency_key_is_refused_with_a_problem(world: ApiWorld) -> None:
    response = world.client("staff_tn", HTTP_IDEMPOTENCY_KEY="not a key!").post(
        f"/api/v1/threads/{world.ids['thread']}/messages/", {"text": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "bad_idempotency_key"


def test_a_stale_if_match_gets_409_with_the_current_version_and_nothing_is_stored(
    world: ApiWorld,
) -> None:
    url = f"/api/v1/updates/{world.ids['draft']}/"
    current = world.client("staff_tn").get(url)
    version = current.json()["version"]
    assert current["ETag"] == f'"{version}"'
    ok = world.client("sg_tn", HTTP_IF_MATCH=f'"{version}"').patch(
        url, {"title": {"ar": "عنوان جديد"}}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == version + 1
    before = head(world)
    stale = world.client("staff_tn", HTTP_IF_MATCH=f'"{version}"').patch(
        url, {"title": {"ar": "كتابة فوق"}}, format="json"
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == PROBLEM
    assert stale.json()["current_version"] == version + 1
    assert stale.json()["expected_version"] == version
    assert stale["ETag"] == f'"{version + 1}"'
    assert head(world) == before
    assert world.client("staff_tn").get(url).json()["title"] == {"ar": "عنوان جديد"}


def test_a_patch_without_if_match_never_overwrites_fields_it_did_not_send(world: ApiWorld) -> None:
    """Fields left out are taken from the version read, which must still be current."""
    url = f"/api/v1/updates/{world.ids['draft']}/"
    response = world.client("staff_tn").patch(url, {"body": {"en": "A body"}}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == {"ar": "مسودة"}
    assert response.json()["body"] == {"en": "A body"}


def test_if_match_guards_state_changing_posts(world: ApiWorld) -> None:
    url = f"/api/v1/proposals/{world.ids['proposal']}/start-review/"
    stale = world.client("secretariat", HTTP_IF_MATCH='"99"').post(url, {}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1
    fresh = world.client("secretariat", HTTP_IF_MATCH='"1"').post(url, {}, format="json")
    assert fresh.status_code == 200
    assert fresh.json()["state"] == "under_review"


def test_if_match_guards_membership_changes(world: ApiWorld) -> None:
    newcomer = world.new_user("newcomer")
    url = f"/api/v1/commissions/{world.ids['tn']}/members/"
    stale = world.client("sg_tn", HTTP_IF_MATCH='"1"').post(
        url, {"user_id": str(newcomer.pk), "role": "staff"}, format="json"
    )
    assert stale.status_code == 409
    assert world.client("sg_tn").get(url).json()["results"][-1]["user_id"] != str(newcomer.pk)


def test_a_malformed_if_match_is_refused(world: ApiWorld) -> None:
    response = world.client("staff_tn", HTTP_IF_MATCH="yesterday").patch(
        f"/api/v1/updates/{world.ids['draft']}/", {"title": {"ar": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_if_match"


def test_domain_validation_errors_are_422_problems_with_field_messages(world: ApiWorld) -> None:
    before = head(world)
    response = world.client("staff_tn").post(
        "/api/v1/updates/",
        {
            "commission_id": str(world.ids["tn"]),
            "kind": "news",
            "title": {"ar": "  "},
            "body": {"de": "Text"},
        },
        format="json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:tawasul:problem:invalid"
    assert body["title"] == "Invalid input"
    assert body["status"] == 422
    assert body["instance"] == "/api/v1/updates/"
    assert set(body["errors"]) == {"title", "body"}
    assert head(world) == before


def test_malformed_requests_are_400_problems_naming_each_field(world: ApiWorld) -> None:
    response = world.client("staff_tn").post(
        "/api/v1/updates/",
        {"commission_id": "nope", "kind": "gossip", "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert {"colour"} <= set(response.json()["errors"])
    broken = world.client("staff_tn").generic(
        "POST", "/api/v1/updates/", "{not json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert broken["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [("public", 401, "not_authenticated"), ("auditor", 403, "forbidden")],
)
def test_refusals_are_problems(world: ApiWorld, role: str, status: int, code: str) -> None:
    response = world.client(role).post("/api/v1/workspaces/", {"name": "Mine"}, format="json")
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code


def test_an_illegal_transition_is_a_409_problem(world: ApiWorld) -> None:
    response = world.client("staff_tn").post(f"/api/v1/updates/{world.ids['published']}/publish/")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_an_unknown_endpoint_and_an_unknown_id_are_404_problems(world: ApiWorld) -> None:
    assert world.client().get("/api/v1/nothing-here/")["Content-Type"] == PROBLEM
    response = world.client().get(f"/api/v1/updates/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_command_response_is_read_from_up_to_date_read_models(world: ApiWorld) -> None:
    response = world.client("staff_tn").patch(
        f"/api/v1/commissions/{world.ids['tn']}/",
        {"website": "https://natcom.tn"},
        format="json",
    )
    assert response.status_code == 403  # staff do not edit the profile
    response = world.client("sg_tn").patch(
        f"/api/v1/commissions/{world.ids['tn']}/", {"website": "https://natcom.tn"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["website"] == "https://natcom.tn"
    assert body["command"]["position"] == head(world)
    assert body["position"] == body["command"]["position"]


def test_accept_language_picks_the_language_of_localized_texts(world: ApiWorld) -> None:
    url = f"/api/v1/commissions/{world.ids['tn']}/"
    texts = {
        lang: world.client(HTTP_ACCEPT_LANGUAGE=lang).get(url).json()["localized"]["name"]
        for lang in ("ar", "en", "fr")
    }
    assert texts == {
        "ar": "اللجنة الوطنية التونسية",
        "en": "Tunisian National Commission",
        "fr": "Commission nationale tunisienne",
    }
    morocco = world.client(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/commissions/{world.ids['ma']}/").json()
    assert morocco["localized"]["name"] == "اللجنة الوطنية المغربية"  # no English: Arabic
    assert set(morocco["name"]) == {"ar", "fr"}


def test_lists_are_cursor_paginated(world: ApiWorld) -> None:
    for index in range(5):
        world.app.post_message(
            world.actors["staff_tn"],
            command_id=str(uuid.uuid4()),
            thread_id=world.ids["thread"],
            text=f"m{index}",
        )
    world.project()
    client = world.client("partner_tn")
    page = client.get(f"/api/v1/threads/{world.ids['thread']}/messages/?page_size=4").json()
    assert [m["text"] for m in page["results"]] == ["m4", "m3", "m2", "m1"]
    rest = client.get(page["next"]).json()
    assert [m["text"] for m in rest["results"]] == ["m0", "مرحبا"]
    assert rest["next"] is None
    after = page["results"][-1]["position"]
    newer = client.get(f"/api/v1/threads/{world.ids['thread']}/messages/?after={after}").json()
    assert [m["text"] for m in newer["results"]] == ["m2", "m3", "m4"]


def test_unread_counts_follow_the_read_marker(world: ApiWorld) -> None:
    thread = world.ids["thread"]
    client = world.client("partner_tn")
    assert client.get(f"/api/v1/threads/{thread}/").json()["unread"] == 1
    assert client.get("/api/v1/workspaces/").json()["results"][0]["unread"] == 1
    last = client.get(f"/api/v1/threads/{thread}/messages/").json()["results"][0]["position"]
    marked = client.post(f"/api/v1/threads/{thread}/read/", {"position": last}, format="json")
    assert marked.json()["unread"] == 0
    # A late marker never moves it back.
    client.post(f"/api/v1/threads/{thread}/read/", {"position": 1}, format="json")
    assert client.get(f"/api/v1/threads/{thread}/").json()["unread"] == 0
    assert client.get("/api/v1/workspaces/").json()["results"][0]["unread"] == 0
    world.client("staff_tn").post(f"/api/v1/threads/{thread}/messages/", {"text": "new"}, format="json")
    assert client.get("/api/v1/workspaces/").json()["results"][0]["unread"] == 1
    # One's own messages are never unread.
    assert world.client("staff_tn").get(f"/api/v1/threads/{thread}/").json()["unread"] == 0
