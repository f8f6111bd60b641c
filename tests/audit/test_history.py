"""The history of one resource, rebuilt from its events: who, when, which command,
and what changed, field by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from events.audit import service
from events.audit.history import Change, diff, event_kind
from events.errors import NotFound, ValidationFailed
from events.platform import Tawasul
from projections.kinds import KIND_BY_TOPIC, kind_of
from tests.audit import tampering
from tests.builders import World, build_world, cid


@pytest.fixture
def world(app: Tawasul) -> World:
    return build_world(app)


def changes_of(entry: Any) -> dict[str, dict[str, Any]]:
    return {c.field: c.as_json() for c in entry.changes}


def test_every_event_of_a_resource_is_listed_with_actor_time_command_and_kind(
    app: Tawasul, world: World
) -> None:
    submitted = app.submit_proposal(
        world.staff_tn,
        command_id="cmd-submit",
        commission_id=world.tn,
        partner_ids=[world.partner_id],
        title={"ar": "ورشات"},
        summary={"en": "Workshops"},
    )
    app.start_proposal_review(world.secretariat, command_id="cmd-review", proposal_id=submitted.id)
    app.accept_proposal(
        world.secretariat, command_id="cmd-accept", proposal_id=submitted.id, rationale="في إطار خطة 2026"
    )
    found = service.aggregate_history(app, "proposal", submitted.id)
    assert [(e.version, e.kind, e.actor, e.command_id) for e in found.entries] == [
        (1, "proposal.submitted", world.staff_tn.id, "cmd-submit"),
        (2, "proposal.review_started", world.secretariat.id, "cmd-review"),
        (3, "proposal.accepted", world.secretariat.id, "cmd-accept"),
    ]
    positions = [e.position for e in found.entries]
    assert positions == sorted(positions) and positions[-1] == app.recorder.max_notification_id()
    times = [e.timestamp for e in found.entries]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert found.linked and all(e.digest is not None for e in found.entries)


def test_a_decision_shows_its_state_change_its_rationale_and_the_decision_recorded(
    app: Tawasul, world: World
) -> None:
    proposal = app.submit_proposal(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        partner_ids=[world.partner_id],
        title={"en": "P"},
        summary={"en": "S"},
    )
    app.start_proposal_review(world.secretariat, command_id=cid(), proposal_id=proposal.id)
    app.reject_proposal(
        world.secretariat, command_id=cid(), proposal_id=proposal.id, rationale="Out of scope"
    )
    rejected = service.aggregate_history(app, "proposal", proposal.id).entries[-1]
    assert rejected.data == {"rationale": "Out of scope"}
    changes = changes_of(rejected)
    assert changes["state"] == {
        "field": "state",
        "change": "set",
        "before": "under_review",
        "after": "rejected",
    }
    assert changes["decisions"]["change"] == "appended"
    assert changes["decisions"]["added"] == [
        {"action": "reject", "by": world.secretariat.id, "rationale": "Out of scope", "state": "rejected"}
    ]
    assert set(changes) == {"state", "decisions"}


def test_the_first_event_sets_every_field_from_nothing(app: Tawasul, world: World) -> None:
    first = service.aggregate_history(app, "commission", world.tn).entries[0]
    assert first.kind == "commission.registered"
    changes = changes_of(first)
    assert changes["country"] == {"field": "country", "change": "set", "before": None, "after": "TN"}
    assert changes["name"]["after"] == {"ar": "تونس"}


def test_profile_and_membership_changes_are_shown_key_by_key(app: Tawasul, world: World) -> None:
    app.update_commission_profile(
        world.sg_tn, command_id=cid(), commission_id=world.tn, changes={"phone": "+216 71 000 000"}
    )
    app.update_commission_profile(
        world.sg_tn, command_id=cid(), commission_id=world.tn, changes={"phone": "+216 71 111 111"}
    )
    app.change_commission_member_role(
        world.system, command_id=cid(), commission_id=world.tn, user_id="u-staff-tn", role="secretary_general"
    )
    app.remove_commission_member(world.system, command_id=cid(), commission_id=world.tn, user_id="u-sg-tn")
    *_, first_phone, second_phone, role_changed, removed = service.aggregate_history(
        app, "commission", world.tn
    ).entries
    assert [c.as_json() for c in first_phone.changes] == [
        {"field": "profile.phone", "change": "added", "before": None, "after": "+216 71 000 000"}
    ]
    assert [c.as_json() for c in second_phone.changes] == [
        {"field": "profile.phone", "change": "set", "before": "+216 71 000 000", "after": "+216 71 111 111"}
    ]
    assert [c.as_json() for c in role_changed.changes] == [
        {"field": "members.u-staff-tn", "change": "set", "before": "staff", "after": "secretary_general"}
    ]
    assert role_changed.kind == "commission.member_role_changed"
    assert [c.as_json() for c in removed.changes] == [
        {"field": "members.u-sg-tn", "change": "removed", "before": "secretary_general", "after": None}
    ]


def test_an_edited_then_retracted_message_keeps_every_text_in_its_history(app: Tawasul, world: World) -> None:
    posted = app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="first")
    app.edit_message(world.staff_tn, command_id=cid(), message_id=posted.id, text="second")
    app.retract_message(world.staff_tn, command_id=cid(), message_id=posted.id)
    _, edited, retracted = service.aggregate_history(app, "message", posted.id).entries
    assert changes_of(edited)["text"] == {
        "field": "text",
        "change": "set",
        "before": "first",
        "after": "second",
    }
    assert changes_of(edited)["history"] == {
        "field": "history",
        "change": "appended",
        "added": ["first"],
        "removed": [],
    }
    assert changes_of(retracted) == {
        "retracted": {"field": "retracted", "change": "set", "before": False, "after": True}
    }


def test_workspace_members_added_and_removed_are_list_changes(app: Tawasul, world: World) -> None:
    app.add_workspace_member(world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-x")
    app.remove_workspace_member(
        world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
    )
    *_, added, removed = service.aggregate_history(app, "workspace", world.workspace_id).entries
    assert changes_of(added)["members"] == {
        "field": "members",
        "change": "appended",
        "added": ["u-x"],
        "removed": [],
    }
    assert changes_of(removed)["members"] == {
        "field": "members",
        "change": "changed",
        "added": [],
        "removed": ["u-partner-tn"],
    }


def test_history_is_rebuilt_from_events_not_from_snapshots(app: Tawasul, world: World) -> None:
    # Commissions are snapshotted every 100 events: the history still starts at 1.
    for index in range(120):
        app.update_commission_profile(
            world.sg_tn, command_id=cid(), commission_id=world.tn, changes={"phone": str(index)}
        )
    found = service.aggregate_history(app, "commission", world.tn)
    assert [e.version for e in found.entries] == list(range(1, found.version + 1))
    assert changes_of(found.entries[-1])["profile.phone"]["after"] == "119"


def test_an_unknown_kind_or_a_resource_of_another_kind_is_not_found(app: Tawasul, world: World) -> None:
    with pytest.raises(ValidationFailed):
        service.aggregate_history(app, "planet", world.tn)
    with pytest.raises(NotFound):
        service.aggregate_history(app, "proposal", world.tn)
    with pytest.raises(NotFound):
        service.aggregate_history(app, "commission", world.partner_id)


def test_an_event_edited_in_the_store_is_shown_as_not_linked(store_app: Tawasul) -> None:
    world = build_world(store_app)
    position = store_app.position_of(world.tn, 2)
    tampering.change_one_byte(store_app, position)
    found = service.aggregate_history(store_app, "commission", world.tn)
    assert [e.linked for e in found.entries] == [v != 2 for v in range(1, found.version + 1)]
    assert not found.linked


def test_event_kinds_are_the_ones_clients_see() -> None:
    # events/ names kinds itself (it may not import projections/): both must agree.
    from eventsourcing.utils import resolve_topic

    for topic, kind in KIND_BY_TOPIC.items():
        event_class = resolve_topic(topic)
        assert event_kind(object.__new__(event_class)) == kind == kind_of(topic)


def test_state_as_of_a_version_and_a_moment(app: Tawasul, world: World) -> None:
    update = app.draft_update(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        kind="news",
        title={"ar": "خبر"},
        body={"ar": "نص"},
    )
    app.publish_update(world.staff_tn, command_id=cid(), update_id=update.id)
    published = service.aggregate_state(app, "update", update.id, version=2)
    app.withdraw_update(world.staff_tn, command_id=cid(), update_id=update.id, reason="A mistake in the date")
    withdrawn = service.aggregate_state(app, "update", update.id, version=3)
    assert published.state["state"] == "published" and published.state["withdrawn_at"] is None
    assert withdrawn.state["state"] == "withdrawn"
    assert withdrawn.state["withdrawal_reason"] == "A mistake in the date"
    assert withdrawn.state["published_at"] == published.state["published_at"]
    at_publication = service.aggregate_state(app, "update", update.id, as_of=published.timestamp)
    assert at_publication.state == published.state and at_publication.current_version == 3
    before = published.timestamp - dt.timedelta(microseconds=1)
    assert service.aggregate_state(app, "update", update.id, as_of=before).version == 1
    with pytest.raises(NotFound, match="did not exist yet"):
        service.aggregate_state(app, "update", update.id, as_of=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(NotFound, match="versions are 1 to 3"):
        service.aggregate_state(app, "update", update.id, version=4)
    with pytest.raises(ValidationFailed):
        service.aggregate_state(app, "update", update.id, as_of=dt.datetime(2030, 1, 1))


def test_moments_need_their_time_zone() -> None:
    assert service.parse_moment("2026-03-01T12:00:00Z") == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    assert service.parse_moment("2026-03-01T13:00:00+01:00") == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    for text in ("2026-03-01T12:00:00", "2026-03-01", "yesterday"):
        with pytest.raises(ValidationFailed):
            service.parse_moment(text)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": {"b": 1}}, {"a": {"b": 2}}, [Change("a.b", "set", 1, 2)]),
        ([1, 2], [2, 1], [Change("", "set", [1, 2], [2, 1])]),
        ([{"x": 1}], [{"x": 2}], [Change("", "set", [{"x": 1}], [{"x": 2}])]),
        ("a", None, [Change("", "set", "a", None)]),
    ],
)
def test_diffs_of_nested_values(before: Any, after: Any, expected: list[Change]) -> None:
    assert diff(before, after) == expected
