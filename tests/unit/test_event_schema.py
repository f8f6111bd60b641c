"""Stored events must keep loading after the code changes.

tests/unit/fixtures/events_v1.json holds one stored event of every type as the
first release wrote them. Renaming an event class needs register_topic(old,
New); changing its fields needs class_version and an upcast method. This test
fails when a change would leave old events unreadable, and when a new event type
has no frozen example yet: add one with
``python -m tests.unit.test_event_schema`` (it adds missing types and never
rewrites the examples already frozen) and review the diff.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from events.platform import Tawasul
from projections.kinds import KIND_BY_TOPIC
from tests.builders import World, build_world, cid

FIXTURE = Path(__file__).parent / "fixtures" / "events_v1.json"


def meetings(app: Tawasul, w: World) -> None:
    """A training with a seat for one: its agenda, a waiting list, its minutes, its whole lifecycle."""
    start = datetime(2027, 3, 10, 9, tzinfo=UTC)
    when = {"starts_at": start, "ends_at": start + timedelta(hours=6)}
    meeting = app.schedule_meeting(
        w.sg_tn,
        command_id=cid(),
        kind="training",
        title={"ar": "تدريب"},
        time_zone="Africa/Tunis",
        place="Tunis",
        commission_ids=[w.tn],
        capacity=1,
        **when,
    ).id
    ids = [
        app.add_agenda_item(
            w.sg_tn, command_id=cid(), meeting_id=meeting, title={"en": title}, duration_minutes=30
        ).data["item_id"]
        for title in ("Opening", "Practice", "Spare")
    ]
    app.withdraw_agenda_item(w.sg_tn, command_id=cid(), meeting_id=meeting, item_id=ids[2], reason="Short")
    app.reorder_agenda(w.sg_tn, command_id=cid(), meeting_id=meeting, item_ids=[ids[1], ids[0]])
    app.register_for_meeting(w.staff_tn, command_id=cid(), meeting_id=meeting)
    app.register_for_meeting(w.staff_ma, command_id=cid(), meeting_id=meeting)
    app.cancel_meeting_registration(w.staff_tn, command_id=cid(), meeting_id=meeting)
    app.postpone_meeting(
        w.sg_tn,
        command_id=cid(),
        meeting_id=meeting,
        reason="Rooms",
        starts_at=start + timedelta(days=7),
        ends_at=start + timedelta(days=7, hours=6),
    )
    for step in ("convene_meeting", "open_meeting"):
        getattr(app, step)(w.sg_tn, command_id=cid(), meeting_id=meeting)
    app.check_in_to_meeting(w.staff_ma, command_id=cid(), meeting_id=meeting)
    app.set_current_agenda_item(w.sg_tn, command_id=cid(), meeting_id=meeting, item_id=ids[1])
    app.leave_meeting(w.staff_ma, command_id=cid(), meeting_id=meeting)
    app.draft_meeting_minutes(w.sg_tn, command_id=cid(), meeting_id=meeting, text={"ar": "محضر"})
    app.close_meeting(w.sg_tn, command_id=cid(), meeting_id=meeting)
    app.circulate_meeting_minutes(w.sg_tn, command_id=cid(), meeting_id=meeting)
    app.draft_meeting_minutes(
        w.sg_tn, command_id=cid(), meeting_id=meeting, text={"ar": "محضر مصحح"}, reason="Typo"
    )
    for step in ("circulate_meeting_minutes", "adopt_meeting_minutes"):
        getattr(app, step)(w.sg_tn, command_id=cid(), meeting_id=meeting)
    other = app.schedule_meeting(
        w.secretariat,
        command_id=cid(),
        kind="workshop",
        title={"en": "W"},
        time_zone="UTC",
        online_link="https://meet.example.org/w",
        **when,
    ).id
    app.cancel_meeting(w.secretariat, command_id=cid(), meeting_id=other, reason="No quorum")


def every_kind_of_event(app: Tawasul) -> None:
    """Commands that between them store at least one event of every type."""
    w = build_world(app)
    s, tn = w.staff_tn, w.tn
    app.update_commission_profile(w.sg_tn, command_id=cid(), commission_id=tn, changes={"phone": "1"})
    app.appoint_secretary_general(w.system, command_id=cid(), commission_id=tn, name={"ar": "أ"})
    app.change_commission_member_role(
        w.system, command_id=cid(), commission_id=tn, user_id="u-staff-tn", role="secretary_general"
    )
    app.add_commission_member(w.system, command_id=cid(), commission_id=tn, user_id="u-x", role="staff")
    app.remove_commission_member(w.system, command_id=cid(), commission_id=tn, user_id="u-x")
    app.change_organisation_member_role(w.system, command_id=cid(), user_id="u-auditor", role="secretariat")
    app.remove_organisation_member(w.system, command_id=cid(), user_id="u-auditor")
    app.update_partner_profile(s, command_id=cid(), partner_id=w.partner_id, changes={"phone": "2"})
    partner, ma = w.partner_id, w.ma
    app.affiliate_partner(w.secretariat, command_id=cid(), partner_id=partner, commission_id=ma)
    app.end_affiliation(w.secretariat, command_id=cid(), partner_id=partner, commission_id=ma, rationale="r")
    for answer in ("decline_affiliation", "accept_affiliation"):
        app.request_affiliation(w.staff_ma, command_id=cid(), partner_id=partner, commission_id=ma)
        getattr(app, answer)(w.secretariat, command_id=cid(), partner_id=partner, commission_id=ma)
    app.grant_partner_access(
        w.system, command_id=cid(), partner_id=partner, commission_id=ma, rights=["members"]
    )
    app.revoke_partner_access(
        w.system, command_id=cid(), partner_id=partner, commission_id=ma, rights=["members"]
    )
    app.change_partner_member_role(
        w.sg_tn, command_id=cid(), partner_id=partner, user_id="u-partner-tn", role="partner_manager"
    )
    app.remove_partner_member(w.sg_tn, command_id=cid(), partner_id=partner, user_id="u-partner-tn")
    meetings(app, w)
    expiry = datetime.now(UTC) + timedelta(days=7)
    for then in ("accept_invitation", "revoke_invitation"):
        sent = app.send_invitation(
            w.sg_tn,
            command_id=cid(),
            email="a@example.org",
            scope="commission",
            scope_id=tn,
            role="staff",
            token_hash="0" * 64,
            expires_at=expiry,
        )
        extra = {"user_id": f"u-invited-{then}"} if then == "accept_invitation" else {}
        getattr(app, then)(w.sg_tn, command_id=cid(), invitation_id=sent.id, **extra)
    update = app.draft_update(
        s, command_id=cid(), commission_id=tn, kind="news", title={"ar": "ع"}, body={"ar": "ن"}
    )
    app.revise_update(s, command_id=cid(), update_id=update.id, title={"ar": "ع2"}, body={"ar": "ن"})
    app.publish_update(s, command_id=cid(), update_id=update.id)
    app.withdraw_update(s, command_id=cid(), update_id=update.id, reason="r")
    for decision in ("accept_proposal", "reject_proposal", "withdraw_proposal"):
        proposal = app.submit_proposal(
            s,
            command_id=cid(),
            commission_id=tn,
            partner_ids=[w.partner_id],
            title={"en": "t"},
            summary={"en": "s"},
        )
        app.revise_proposal(
            s, command_id=cid(), proposal_id=proposal.id, title={"en": "t2"}, summary={"en": "s"}
        )
        if decision == "withdraw_proposal":
            app.withdraw_proposal(s, command_id=cid(), proposal_id=proposal.id, rationale="r")
            continue
        app.start_proposal_review(w.secretariat, command_id=cid(), proposal_id=proposal.id)
        getattr(app, decision)(w.secretariat, command_id=cid(), proposal_id=proposal.id, rationale="r")
        if decision == "accept_proposal":
            app.conclude_proposal(w.secretariat, command_id=cid(), proposal_id=proposal.id, rationale="r")
    message = app.post_message(s, command_id=cid(), thread_id=w.thread_id, text="m")
    app.edit_message(s, command_id=cid(), message_id=message.id, text="m2")
    app.retract_message(s, command_id=cid(), message_id=message.id)
    app.rename_thread(s, command_id=cid(), thread_id=w.thread_id, title="t2")
    app.close_thread(s, command_id=cid(), thread_id=w.thread_id)
    comment = app.post_comment(s, command_id=cid(), resource_kind="commission", resource_id=tn, text="c")
    app.edit_comment(s, command_id=cid(), comment_id=comment.id, text="c2")
    app.retract_comment(s, command_id=cid(), comment_id=comment.id)
    document = app.upload_document(
        s,
        command_id=cid(),
        resource_kind="commission",
        resource_id=tn,
        name="a.txt",
        content=io.BytesIO(b"one"),
    )
    app.add_document_version(
        s, command_id=cid(), document_id=document.id, name="a.txt", content=io.BytesIO(b"two")
    )
    app.archive_document(s, command_id=cid(), document_id=document.id)
    app.remove_workspace_member(s, command_id=cid(), workspace_id=w.workspace_id, user_id="u-partner-tn")
    app.archive_workspace(s, command_id=cid(), workspace_id=w.workspace_id)


def freeze(app: Tawasul) -> None:
    every_kind_of_event(app)
    existing = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else []
    examples: dict[str, dict[str, object]] = {item["topic"]: item for item in existing}
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        examples.setdefault(
            notification.topic,
            {
                "originator_id": str(notification.originator_id),
                "originator_version": notification.originator_version,
                "topic": notification.topic,
                "state": base64.b64encode(notification.state).decode(),
            },
        )
    FIXTURE.write_text(json.dumps(list(examples.values()), indent=1, ensure_ascii=False) + "\n")


def load_fixture() -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=UUID(item["originator_id"]),
            originator_version=item["originator_version"],
            topic=item["topic"],
            state=base64.b64decode(item["state"]),
        )
        for item in json.loads(FIXTURE.read_text())
    ]


def test_every_event_type_has_a_frozen_example() -> None:
    frozen = {event.topic for event in load_fixture()}
    assert set(KIND_BY_TOPIC) <= frozen, sorted(set(KIND_BY_TOPIC) - frozen)


def test_frozen_events_of_the_first_release_still_load(app: Tawasul) -> None:
    for stored in load_fixture():
        event = app.mapper.to_domain_event(stored)
        assert event.originator_version == stored.originator_version
        assert getattr(event, "actor", None)
        assert getattr(event, "command_id", None)


def test_minutes_adopted_before_minutes_had_versions_load_as_adopting_no_version(app: Tawasul) -> None:
    stored = next(e for e in load_fixture() if e.topic.endswith("Meeting.MinutesAdopted"))
    assert b"class_version" not in stored.state
    assert app.mapper.to_domain_event(stored).number is None


def test_the_commands_above_cover_every_event_type(app: Tawasul) -> None:
    every_kind_of_event(app)
    topics = {n.topic for n in app.recorder.select_notifications(start=1, limit=10_000)}
    assert set(KIND_BY_TOPIC) <= topics, sorted(set(KIND_BY_TOPIC) - topics)


if __name__ == "__main__":
    import tempfile

    import django
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    from events.files import ContentStore
    from tests.conftest import sqlite_env

    settings.configure()
    django.setup()
    store = ContentStore(FileSystemStorage(tempfile.mkdtemp()), 1024 * 1024)
    freeze(Tawasul(sqlite_env(":memory:"), content_store=store))
    print(f"wrote {FIXTURE}")
