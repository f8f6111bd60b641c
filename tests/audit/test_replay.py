"""tawasul replay --until: every read model as it stood at a moment, in a file of its own."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from events.platform import Tawasul
from projections import models as m
from projections.replay import replay_until
from tests.audit.conftest import People
from tests.builders import cid

pytestmark = pytest.mark.both_backends


def positions_up_to(app: Tawasul, last: int) -> list[int]:
    return [n.id for n in app.recorder.select_notifications(start=1, limit=100_000, stop=last)]


def test_a_replay_until_a_moment_lacks_exactly_the_later_events(
    people: People, project: Callable[[], int], tmp_path: Path
) -> None:
    app = people.app
    staff, secretariat = people.actors["staff_tn"], people.actors["secretariat"]
    proposal = app.submit_proposal(
        staff,
        command_id=cid(),
        commission_id=people.ids["tn"],
        partner_ids=[people.ids["partner"]],
        title={"en": "Workshops"},
        summary={"en": "For pupils"},
    )
    app.start_proposal_review(secretariat, command_id=cid(), proposal_id=proposal.id)
    project()
    time.sleep(0.002)
    moment = datetime.now(UTC)
    time.sleep(0.002)
    app.accept_proposal(secretariat, command_id=cid(), proposal_id=proposal.id, rationale="ok")
    thread = app.start_thread(staff, command_id=cid(), workspace_id=people.ids["workspace"], title="Later")
    app.post_message(staff, command_id=cid(), thread_id=thread.id, text="after the moment")
    head = project()
    live = list(m.ActivityItem.objects.order_by("position").values_list("position", flat=True))
    live_tracking = dict(m.ProjectionPosition.objects.values_list("name", "position"))

    cut = app.ledger.last_position_at(moment)
    assert 0 < cut < head
    path = tmp_path / "then.sqlite3"
    info = replay_until(app, moment, path)

    with sqlite3.connect(path) as replayed:
        activity = [row[0] for row in replayed.execute("SELECT position FROM rm_activity ORDER BY position")]
        assert activity == positions_up_to(app, cut)
        assert activity == [p for p in live if p <= cut]
        (state,) = replayed.execute(
            "SELECT state FROM rm_proposal WHERE id = ?", (proposal.id.hex,)
        ).fetchone()
        assert state == "under_review"
        assert replayed.execute("SELECT COUNT(*) FROM rm_thread").fetchone() == (0,)
        assert replayed.execute("SELECT COUNT(*) FROM rm_decision WHERE position > ?", (cut,)).fetchone() == (
            0,
        )
        decided = [row[0] for row in replayed.execute("SELECT kind FROM rm_decision ORDER BY position")]
        assert decided[-1] == "proposal.review_started"
        tracking = dict(replayed.execute("SELECT name, position FROM projection_position"))
        assert set(tracking.values()) == {cut}
        recorded = dict(replayed.execute("SELECT key, value FROM audit_replay"))
    link = app.ledger.select_chained(cut, cut)[0]
    assert link.digest is not None
    assert recorded["position"] == str(cut) == str(info["position"])
    assert recorded["digest"] == link.digest.hex()
    assert recorded["until"] == moment.isoformat()
    # The live read models were not touched.
    assert list(m.ActivityItem.objects.order_by("position").values_list("position", flat=True)) == live
    assert dict(m.ProjectionPosition.objects.values_list("name", "position")) == live_tracking
    assert m.ProposalEntry.objects.get(id=proposal.id).state == "accepted"


def test_a_replay_until_before_the_first_event_is_empty(people: People, tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    info = replay_until(people.app, datetime.now(UTC) - timedelta(days=365), path)
    assert info["position"] == 0
    with sqlite3.connect(path) as replayed:
        assert replayed.execute("SELECT COUNT(*) FROM rm_commission").fetchone() == (0,)


def test_a_moment_in_another_time_zone_means_the_same_instant(people: People) -> None:
    app = people.app
    last = app.ledger.chain_head()
    assert last is not None
    plus_one = timezone_shifted(last.recorded_at, hours=1)
    assert app.ledger.last_position_at(plus_one) == last.position
    just_before = timezone_shifted(last.recorded_at - timedelta(microseconds=1), hours=-5)
    assert app.ledger.last_position_at(just_before) == last.position - 1


def timezone_shifted(moment: datetime, *, hours: int) -> datetime:
    from datetime import timezone

    return moment.astimezone(timezone(timedelta(hours=hours)))
