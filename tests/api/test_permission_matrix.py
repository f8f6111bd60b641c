"""Every role x every endpoint -> the expected status, as one table.

Roles, in the order of each row's statuses:
public, secretariat, auditor, secretary-general of Tunisia, staff of Tunisia,
staff of Morocco (another commission), member of a Tunisian partner school, and the
school's manager (role partner_manager).

A row that changes something builds a fresh target for each role (through the
commands, as the demo seed does), so that one role's success never decides
another role's answer. Reading rules: what a reader may not see is 404; what
they see but may not change is 403; the public is asked to sign in (401) where
the endpoint serves signed-in people only.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.roles import Actor
from tests.api.conftest import ROLES, ApiWorld

pytestmark = pytest.mark.both_backends

Setup = Callable[[ApiWorld], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    statuses: str  # one status per role, in ROLES order
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    setup: Setup | None = None
    multipart: bool = False


def cid() -> str:
    return str(uuid.uuid4())


_codes = (f"X{a}" for a in itertools.cycle("ABCDEFGHIJKLMNOPQRSTUVWYZ"))


def fresh_user(w: ApiWorld) -> dict[str, Any]:
    return {"user": str(w.new_user(f"u{uuid.uuid4().hex[:10]}").pk)}


def commission_member(w: ApiWorld) -> dict[str, Any]:
    user = fresh_user(w)["user"]
    w.app.add_commission_member(
        Actor.system(), command_id=cid(), commission_id=w.ids["tn"], user_id=user, role="staff"
    )
    return {"user": user}


def partner_member(w: ApiWorld) -> dict[str, Any]:
    user = fresh_user(w)["user"]
    w.app.add_partner_member(Actor.system(), command_id=cid(), partner_id=w.ids["partner"], user_id=user)
    return {"user": user}


def workspace_member(w: ApiWorld) -> dict[str, Any]:
    user = fresh_user(w)["user"]
    w.app.add_workspace_member(
        w.actors["staff_tn"], command_id=cid(), workspace_id=w.ids["workspace"], user_id=user
    )
    return {"user": user}


def unaffiliated_partner(w: ApiWorld) -> dict[str, Any]:
    partner = w.app.register_partner(
        Actor.system(), command_id=cid(), kind="club", country="TN", name={"ar": "نادي"}
    )
    return {"partner": partner.id}


def managed_partner(w: ApiWorld) -> dict[str, Any]:
    """A partner of its own, affiliated with Tunisia, that the world's manager_tn manages."""
    partner = unaffiliated_partner(w)["partner"]
    w.app.add_partner_member(
        Actor.system(),
        command_id=cid(),
        partner_id=partner,
        user_id=w.user_id("manager_tn"),
        role="partner_manager",
    )
    w.app.affiliate_partner(Actor.system(), command_id=cid(), partner_id=partner, commission_id=w.ids["tn"])
    return {"partner": partner}


def requested_by_morocco(w: ApiWorld) -> dict[str, Any]:
    """A partner managed by manager_tn, with Morocco's pending request to affiliate."""
    partner = managed_partner(w)["partner"]
    w.app.request_affiliation(
        w.actors["staff_ma"], command_id=cid(), partner_id=partner, commission_id=w.ids["ma"]
    )
    return {"partner": partner}


def draft(w: ApiWorld) -> dict[str, Any]:
    update = w.app.draft_update(
        w.actors["staff_tn"],
        command_id=cid(),
        commission_id=w.ids["tn"],
        kind="news",
        title={"ar": "خبر"},
        body={"ar": "نص"},
    )
    return {"update": update.id}


def published(w: ApiWorld) -> dict[str, Any]:
    update = draft(w)["update"]
    w.app.publish_update(w.actors["staff_tn"], command_id=cid(), update_id=update)
    return {"update": update}


def proposal(w: ApiWorld, *steps: str) -> dict[str, Any]:
    result = w.app.submit_proposal(
        w.actors["staff_tn"],
        command_id=cid(),
        commission_id=w.ids["tn"],
        partner_ids=[w.ids["partner"]],
        title={"en": "P"},
        summary={"en": "S"},
    )
    for step in steps:
        extra = {} if step == "start_proposal_review" else {"rationale": "ok"}
        getattr(w.app, step)(w.actors["secretariat"], command_id=cid(), proposal_id=result.id, **extra)
    return {"proposal": result.id}


def workspace(w: ApiWorld) -> dict[str, Any]:
    result = w.app.create_workspace(
        w.actors["staff_tn"], command_id=cid(), name="W", commission_id=w.ids["tn"]
    )
    w.app.add_workspace_member(
        w.actors["staff_tn"], command_id=cid(), workspace_id=result.id, user_id=w.user_id("partner_tn")
    )
    return {"workspace": result.id}


def thread(w: ApiWorld) -> dict[str, Any]:
    result = w.app.start_thread(
        w.actors["staff_tn"], command_id=cid(), workspace_id=w.ids["workspace"], title="T"
    )
    return {"thread": result.id}


def message(w: ApiWorld) -> dict[str, Any]:
    result = w.app.post_message(
        w.actors["staff_tn"], command_id=cid(), thread_id=w.ids["thread"], text="hello"
    )
    return {"message": result.id}


def comment(w: ApiWorld) -> dict[str, Any]:
    result = w.app.post_comment(
        w.actors["staff_tn"],
        command_id=cid(),
        resource_kind="update",
        resource_id=w.ids["published"],
        text="nice",
    )
    return {"comment": result.id}


def document(w: ApiWorld) -> dict[str, Any]:
    import io

    result = w.app.upload_document(
        w.actors["staff_tn"],
        command_id=cid(),
        resource_kind="commission",
        resource_id=w.ids["tn"],
        name="a.txt",
        content=io.BytesIO(b"text\n"),
    )
    return {"document": result.id}


def country(w: ApiWorld) -> dict[str, Any]:
    return {"country": next(_codes)}


def email(w: ApiWorld) -> dict[str, Any]:
    return {"email": f"{uuid.uuid4().hex[:8]}@example.org"}


MEETING = {
    "kind": "training",
    "title": {"ar": "تدريب", "en": "Training"},
    "starts_at": "2027-03-10T09:00:00+01:00",
    "ends_at": "2027-03-10T17:00:00+01:00",
    "time_zone": "Africa/Tunis",
    "place": "Tunis",
}


def meeting(w: ApiWorld, *steps: str, visibility: str = "members") -> dict[str, Any]:
    """A Tunisian training with two agenda items, taken through ``steps``."""
    app, staff = w.app, w.actors["staff_tn"]
    result = app.schedule_meeting(
        staff, command_id=cid(), commission_ids=[w.ids["tn"]], visibility=visibility, **MEETING
    )
    items = [
        app.add_agenda_item(
            staff, command_id=cid(), meeting_id=result.id, title={"en": t}, duration_minutes=30
        ).data["item_id"]
        for t in ("Opening", "Practice")
    ]
    for step in steps:
        getattr(app, step)(staff, command_id=cid(), meeting_id=result.id)
    return {"meeting": result.id, "first": items[0], "second": items[1]}


def minuted(w: ApiWorld, *steps: str) -> dict[str, Any]:
    """A training in progress with a draft of its minutes, taken through ``steps``."""
    found = meeting(w, "convene_meeting", "open_meeting")
    w.app.draft_meeting_minutes(
        w.actors["staff_tn"], command_id=cid(), meeting_id=found["meeting"], text={"ar": "محضر"}
    )
    for step in steps:
        getattr(w.app, step)(w.actors["staff_tn"], command_id=cid(), meeting_id=found["meeting"])
    return found


def registered_partner(w: ApiWorld, *steps: str) -> dict[str, Any]:
    found = meeting(w)
    w.app.register_for_meeting(w.actors["partner_tn"], command_id=cid(), meeting_id=found["meeting"])
    for step in steps:
        getattr(w.app, step)(w.actors["staff_tn"], command_id=cid(), meeting_id=found["meeting"])
    return {**found, "user": w.user_id("partner_tn")}


def checked_in_partner(w: ApiWorld) -> dict[str, Any]:
    found = registered_partner(w, "convene_meeting", "open_meeting")
    w.app.check_in_to_meeting(w.actors["partner_tn"], command_id=cid(), meeting_id=found["meeting"])
    return found


TEXTS = {"ar": "نص", "en": "Text"}

# statuses: public secretariat auditor sg_tn staff_tn staff_ma partner_tn manager_tn
MATRIX: list[Row] = [
    # --- accounts
    Row("GET", "/api/v1/me/", "401 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/invitations/", "401 200 200 200 200 200 200 200"),
    Row(
        "POST",
        "/api/v1/invitations/",
        "401 201 403 201 403 403 403 403",
        lambda f: {"email": f["email"], "scope": "commission", "scope_id": "{tn}", "role": "staff"},
        email,
    ),
    # --- commissions
    Row("GET", "/api/v1/commissions/", "200 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/commissions/?q=tunisian&country=TN", "200 200 200 200 200 200 200 200"),
    Row(
        "POST",
        "/api/v1/commissions/",
        "401 201 403 403 403 403 403 403",
        lambda f: {"country": f["country"], "name": TEXTS},
        country,
    ),
    Row("GET", "/api/v1/commissions/{tn}/", "200 200 200 200 200 200 200 200"),
    Row(
        "PATCH",
        "/api/v1/commissions/{tn}/",
        "401 200 403 200 403 403 403 403",
        {"website": "https://natcom.tn"},
    ),
    Row(
        "POST",
        "/api/v1/commissions/{tn}/secretary-general/",
        "401 200 403 403 403 403 403 403",
        {"name": TEXTS},
    ),
    Row("GET", "/api/v1/commissions/{tn}/members/", "401 200 200 200 200 403 403 403"),
    Row(
        "POST",
        "/api/v1/commissions/{tn}/members/",
        "401 201 403 201 403 403 403 403",
        lambda f: {"user_id": f["user"], "role": "staff"},
        fresh_user,
    ),
    # Appointing a secretary-general is the secretariat's, even for the commission's own.
    Row(
        "PATCH",
        "/api/v1/commissions/{tn}/members/{user}/",
        "401 200 403 403 403 403 403 403",
        {"role": "secretary_general"},
        commission_member,
    ),
    Row(
        "DELETE",
        "/api/v1/commissions/{tn}/members/{user}/",
        "401 200 403 200 403 403 403 403",
        None,
        commission_member,
    ),
    # --- partners
    Row("GET", "/api/v1/partners/?country=TN&kind=school&commission={tn}", "200 200 200 200 200 200 200 200"),
    Row(
        "POST",
        "/api/v1/partners/",
        "401 201 403 201 201 403 403 403",
        {"kind": "ngo", "country": "TN", "name": TEXTS, "commission_id": "{tn}"},
    ),
    Row("GET", "/api/v1/partners/{partner}/", "200 200 200 200 200 200 200 200"),
    # Its profile: the secretariat, its managers, and the commission it shares its profile
    # with (Tunisia, which registered it); a plain member or another commission may not.
    Row(
        "PATCH",
        "/api/v1/partners/{partner}/",
        "401 200 403 200 200 403 403 200",
        {"phone": "+216 70 000 000"},
    ),
    Row("GET", "/api/v1/partners/{partner}/affiliations/", "200 200 200 200 200 200 200 200"),
    # Affiliating directly is the secretariat's; a commission requests, the partner answers.
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliations/",
        "401 200 403 403 403 403 403 403",
        {"commission_id": "{tn}"},
        unaffiliated_partner,
    ),
    Row("GET", "/api/v1/partners/{partner}/affiliation-requests/", "401 200 403 403 403 403 403 200"),
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliation-requests/",
        "401 201 403 201 201 403 403 403",
        {"commission_id": "{tn}", "rationale": "Our schools network"},
        unaffiliated_partner,
    ),
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliation-requests/{ma}/accept/",
        "401 200 403 403 403 403 403 200",
        {"rationale": "Welcome"},
        requested_by_morocco,
    ),
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliation-requests/{ma}/decline/",
        "401 200 403 403 403 403 403 200",
        {"rationale": "Not now"},
        requested_by_morocco,
    ),
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliations/{tn}/end/",
        "401 200 403 200 403 403 403 200",
        {"rationale": "Programme over"},
        managed_partner,
    ),
    # What a partner shares is its own decision: only its managers grant and revoke.
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliations/{tn}/grant/",
        "401 403 403 403 403 403 403 200",
        {"rights": ["documents", "members"]},
        managed_partner,
    ),
    Row(
        "POST",
        "/api/v1/partners/{partner}/affiliations/{tn}/revoke/",
        "401 403 403 403 403 403 403 200",
        {"rights": ["documents"]},
        managed_partner,
    ),
    Row("GET", "/api/v1/partners/{partner}/members/", "401 200 200 200 200 403 200 200"),
    Row(
        "POST",
        "/api/v1/partners/{partner}/members/",
        "401 201 403 201 403 403 403 201",
        lambda f: {"user_id": f["user"]},
        fresh_user,
    ),
    Row(
        "PATCH",
        "/api/v1/partners/{partner}/members/{user}/",
        "401 200 403 200 403 403 403 200",
        {"role": "partner_manager", "rationale": "Runs the school's projects"},
        partner_member,
    ),
    Row(
        "DELETE",
        "/api/v1/partners/{partner}/members/{user}/",
        "401 200 403 200 403 403 403 200",
        None,
        partner_member,
    ),
    # --- updates
    Row(
        "GET", "/api/v1/updates/?commission={tn}&state=published&kind=news", "200 200 200 200 200 200 200 200"
    ),
    Row("GET", "/api/v1/updates/{published}/", "200 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/updates/{draft}/", "404 200 200 200 200 404 404 404"),
    Row(
        "POST",
        "/api/v1/updates/",
        "401 403 403 201 201 403 403 403",
        {"commission_id": "{tn}", "kind": "news", "title": TEXTS, "body": TEXTS},
    ),
    Row(
        "PATCH",
        "/api/v1/updates/{update}/",
        "401 403 403 200 200 404 404 404",
        {"title": {"ar": "عنوان"}},
        draft,
    ),
    Row("POST", "/api/v1/updates/{update}/publish/", "401 403 403 200 200 404 404 404", None, draft),
    Row(
        "POST",
        "/api/v1/updates/{update}/withdraw/",
        "401 403 403 200 200 403 403 403",
        {"reason": "outdated"},
        published,
    ),
    # --- proposals
    Row("GET", "/api/v1/proposals/?commission={tn}&state=submitted", "401 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/proposals/{proposal}/", "401 200 200 200 200 404 200 200"),
    Row(
        "POST",
        "/api/v1/proposals/",
        "401 403 403 201 201 403 403 403",
        {"commission_id": "{tn}", "partner_ids": ["{partner}"], "title": TEXTS, "summary": TEXTS},
    ),
    Row(
        "PATCH",
        "/api/v1/proposals/{proposal}/",
        "401 403 403 200 200 404 403 403",
        {"title": {"en": "Better"}},
        proposal,
    ),
    Row(
        "POST", "/api/v1/proposals/{proposal}/start-review/", "401 200 403 403 403 404 403 403", {}, proposal
    ),
    Row(
        "POST",
        "/api/v1/proposals/{proposal}/accept/",
        "401 200 403 403 403 404 403 403",
        {"rationale": "Fits the plan."},
        lambda w: proposal(w, "start_proposal_review"),
    ),
    Row(
        "POST",
        "/api/v1/proposals/{proposal}/reject/",
        "401 200 403 403 403 404 403 403",
        {"rationale": "Out of scope."},
        lambda w: proposal(w, "start_proposal_review"),
    ),
    Row(
        "POST",
        "/api/v1/proposals/{proposal}/withdraw/",
        "401 403 403 200 200 404 403 403",
        {"rationale": ""},
        proposal,
    ),
    Row(
        "POST",
        "/api/v1/proposals/{proposal}/conclude/",
        "401 200 403 403 403 404 403 403",
        {"rationale": "Signed."},
        lambda w: proposal(w, "start_proposal_review", "accept_proposal"),
    ),
    # --- workspaces
    Row("GET", "/api/v1/workspaces/", "401 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/workspaces/?scope=all", "401 200 200 200 200 200 200 200"),
    Row("POST", "/api/v1/workspaces/", "401 201 403 201 201 201 403 403", {"name": "Heritage"}),
    Row("GET", "/api/v1/workspaces/{workspace}/", "401 200 200 404 200 404 200 404"),
    Row("GET", "/api/v1/workspaces/{workspace}/members/", "401 200 200 404 200 404 200 404"),
    Row(
        "POST",
        "/api/v1/workspaces/{workspace}/members/",
        "401 201 403 201 201 403 403 403",
        lambda f: {"user_id": f["user"]},
        fresh_user,
    ),
    Row(
        "DELETE",
        "/api/v1/workspaces/{workspace}/members/{user}/",
        "401 200 403 200 200 403 403 403",
        None,
        workspace_member,
    ),
    Row(
        "POST", "/api/v1/workspaces/{workspace}/archive/", "401 200 403 200 200 403 403 403", None, workspace
    ),
    Row("GET", "/api/v1/workspaces/{workspace}/threads/", "401 200 200 404 200 404 200 404"),
    Row(
        "POST",
        "/api/v1/workspaces/{workspace}/threads/",
        "401 403 403 404 201 404 201 404",
        {"title": "Agenda"},
    ),
    # --- threads and messages
    Row("GET", "/api/v1/threads/{thread}/", "401 200 200 404 200 404 200 404"),
    Row(
        "PATCH", "/api/v1/threads/{thread}/", "401 200 403 200 200 403 403 403", {"title": "Renamed"}, thread
    ),
    Row("POST", "/api/v1/threads/{thread}/close/", "401 200 403 200 200 403 403 403", None, thread),
    Row("GET", "/api/v1/threads/{thread}/messages/", "401 200 200 404 200 404 200 404"),
    Row(
        "POST",
        "/api/v1/threads/{thread}/messages/",
        "401 403 403 404 201 404 201 404",
        {"text": "Hello", "mentions": []},
    ),
    Row("POST", "/api/v1/threads/{thread}/read/", "401 200 200 404 200 404 200 404", {"position": 1}),
    Row("GET", "/api/v1/messages/{message}/", "401 200 200 404 200 404 200 404"),
    Row(
        "PATCH", "/api/v1/messages/{message}/", "401 403 403 404 200 404 403 404", {"text": "edited"}, message
    ),
    Row("POST", "/api/v1/messages/{message}/retract/", "401 403 403 404 200 404 403 404", None, message),
    Row("GET", "/api/v1/messages/{message}/history/", "401 200 200 404 200 404 200 404"),
    # --- comments
    Row(
        "GET",
        "/api/v1/comments/?resource_kind=update&resource_id={published}",
        "200 200 200 200 200 200 200 200",
    ),
    Row(
        "GET", "/api/v1/comments/?resource_kind=update&resource_id={draft}", "404 200 200 200 200 404 404 404"
    ),
    Row(
        "POST",
        "/api/v1/comments/",
        "401 201 403 201 201 201 201 201",
        {"resource_kind": "update", "resource_id": "{published}", "text": "Bravo"},
    ),
    Row(
        "PATCH", "/api/v1/comments/{comment}/", "401 403 403 403 200 403 403 403", {"text": "edited"}, comment
    ),
    Row("POST", "/api/v1/comments/{comment}/retract/", "401 403 403 403 200 403 403 403", None, comment),
    # --- documents
    Row(
        "GET",
        "/api/v1/documents/?resource_kind=update&resource_id={published}",
        "200 200 200 200 200 200 200 200",
    ),
    Row("GET", "/api/v1/documents/{public_document}/", "200 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/documents/{workspace_document}/", "404 200 200 404 200 404 200 404"),
    Row("GET", "/api/v1/documents/{commission_document}/download/", "404 200 200 200 200 404 404 404"),
    Row("GET", "/api/v1/documents/{public_document}/versions/", "200 200 200 200 200 200 200 200"),
    Row(
        "POST",
        "/api/v1/documents/",
        "401 403 403 201 201 403 403 403",
        {"resource_kind": "commission", "resource_id": "{tn}", "file": b"a,b\n1,2\n"},
        multipart=True,
    ),
    Row(
        "POST",
        "/api/v1/documents/{commission_document}/versions/",
        "401 403 403 201 201 404 404 404",
        {"file": b"a,b\n3,4\n"},
        multipart=True,
    ),
    Row("POST", "/api/v1/documents/{document}/archive/", "401 403 403 200 200 404 404 404", None, document),
    # --- meetings
    Row(
        "GET",
        "/api/v1/meetings/?state=planned&kind=training&commission={tn}&from=2027-01-01",
        "200 200 200 200 200 200 200 200",
    ),
    Row(
        "POST",
        "/api/v1/meetings/",
        "401 201 403 201 201 403 403 403",
        {**MEETING, "commission_ids": ["{tn}"]},
    ),
    Row("GET", "/api/v1/meetings/{meeting}/", "404 200 200 200 200 200 200 200", None, meeting),
    Row(
        "GET",
        "/api/v1/meetings/{meeting}/",
        "404 200 200 200 200 404 404 404",
        None,
        lambda w: meeting(w, visibility="invited"),
    ),
    Row(
        "GET",
        "/api/v1/meetings/{meeting}/minutes/",
        "200 200 200 200 200 200 200 200",
        None,
        lambda w: meeting(w, visibility="public"),
    ),
    Row("GET", "/api/v1/meetings/{meeting}/calendar.ics", "404 200 200 200 200 200 200 200", None, meeting),
    Row("POST", "/api/v1/meetings/{meeting}/convene/", "401 200 403 200 200 403 403 403", None, meeting),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/open/",
        "401 200 403 200 200 403 403 403",
        None,
        lambda w: meeting(w, "convene_meeting"),
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/close/",
        "401 200 403 200 200 403 403 403",
        None,
        lambda w: meeting(w, "convene_meeting", "open_meeting"),
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/adopt-minutes/",
        "401 200 403 200 200 403 403 403",
        None,
        lambda w: minuted(w, "close_meeting", "circulate_meeting_minutes"),
    ),
    Row("GET", "/api/v1/meetings/{meeting}/minutes/", "404 200 200 200 200 200 200 200", None, minuted),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/minutes/",
        "401 201 403 201 201 403 403 403",
        {"text": {"ar": "محضر", "en": "Minutes"}},
        lambda w: meeting(w, "convene_meeting", "open_meeting"),
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/minutes/circulate/",
        "401 200 403 200 200 403 403 403",
        None,
        minuted,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/postpone/",
        "401 200 403 200 200 403 403 403",
        {"reason": "Rooms", "starts_at": "2027-04-10T09:00:00Z", "ends_at": "2027-04-10T17:00:00Z"},
        meeting,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/cancel/",
        "401 200 403 200 200 403 403 403",
        {"reason": "No"},
        meeting,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/agenda/",
        "401 201 403 201 201 403 403 403",
        {"title": {"en": "Closing"}, "duration_minutes": 15},
        meeting,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/agenda/order/",
        "401 200 403 200 200 403 403 403",
        lambda f: {"item_ids": [f["second"], f["first"]]},
        meeting,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/agenda/{first}/withdraw/",
        "401 200 403 200 200 403 403 403",
        {"reason": "Merged"},
        meeting,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/agenda/{second}/current/",
        "401 200 403 200 200 403 403 403",
        None,
        lambda w: meeting(w, "convene_meeting", "open_meeting"),
    ),
    Row("GET", "/api/v1/meetings/{meeting}/registrations/", "401 200 200 200 200 403 403 403", None, meeting),
    Row("POST", "/api/v1/meetings/{meeting}/registrations/", "401 201 403 201 201 201 201 201", {}, meeting),
    Row(
        "DELETE",
        "/api/v1/meetings/{meeting}/registrations/{user}/",
        "401 200 403 200 200 403 200 403",
        None,
        registered_partner,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting}/attendance/",
        "401 201 403 201 201 403 201 403",
        lambda f: {"person_id": f["user"]},
        lambda w: registered_partner(w, "convene_meeting", "open_meeting"),
    ),
    Row(
        "DELETE",
        "/api/v1/meetings/{meeting}/attendance/{user}/",
        "401 200 403 200 200 403 200 403",
        None,
        checked_in_partner,
    ),
    # --- feeds
    Row("GET", "/api/v1/activity/?kind=message&since=2000-01-01", "401 200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/indicators/", "401 200 200 403 403 403 403 403"),
    Row("GET", "/api/v1/indicators/?commission={tn}", "401 200 200 200 200 403 403 403"),
    Row("GET", "/api/v1/search/?q=tunis", "200 200 200 200 200 200 200 200"),
]


def _fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def call(world: ApiWorld, role: str, row: Row) -> int:
    fresh = row.setup(world) if row.setup else {}
    if fresh:
        world.project()
    names = {**{k: str(v) for k, v in world.ids.items()}, **{k: str(v) for k, v in fresh.items()}}
    body = row.body(fresh) if callable(row.body) else row.body
    body = _fill(body, names) if body is not None else None
    client = world.client(role)
    path = row.path.format(**names)
    if row.multipart:
        assert body is not None
        data = {k: SimpleUploadedFile("data.csv", v) if isinstance(v, bytes) else v for k, v in body.items()}
        response = client.generic(row.method, path, **_multipart(client, data))
    else:
        response = getattr(client, row.method.lower())(path, body, format="json")
    return response.status_code


def _multipart(client: Any, data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def test_every_role_gets_the_expected_status_from_every_endpoint(world: ApiWorld) -> None:
    mismatches = []
    for row in MATRIX:
        expected = dict(zip(ROLES, map(int, row.statuses.split()), strict=True))
        for role in ROLES:
            status = call(world, role, row)
            if status != expected[role]:
                mismatches.append(
                    f"{row.method} {row.path} as {role}: expected {expected[role]}, got {status}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_the_matrix_covers_every_endpoint_and_method() -> None:
    from django.urls import URLPattern, URLResolver, get_resolver

    import api.urls

    def routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "view_class"):
                found.append((prefix + str(pattern.pattern), pattern.callback.view_class))
        return found

    assert get_resolver  # the API's own URLconf, whatever the site includes
    covered = {(row.method, row.path.split("?")[0]) for row in MATRIX}
    covered_shapes = {(m, _shape(p)) for m, p in covered}
    missing = []
    for route, view in routes(api.urls.v1, "/api/v1/"):
        for method in ("get", "post", "patch", "delete"):
            if hasattr(view, method) and (method.upper(), _shape(route)) not in covered_shapes:
                missing.append(f"{method.upper()} {route}")
    # Covered elsewhere (tests/api/test_accounts.py): they act on the caller's own
    # token or on an invitation's link, not on a shared resource.
    allowed = {
        "POST /api/v1/auth/token/",
        "DELETE /api/v1/auth/token/",
        "PATCH /api/v1/me/",
        "POST /api/v1/invitations/accept/",
        "POST /api/v1/invitations/<uuid:invitation_id>/revoke/",
    }
    assert sorted(set(missing) - allowed) == []


def _shape(path: str) -> str:
    """A path with every parameter written alike: /a/{x}/b/ and /a/<uuid:y>/b/ agree."""
    import re

    return re.sub(r"\{[^}]+\}|<[^>]+>", "*", path)
