"""The event store on SQLite and on the real PostgreSQL: the same tests on both."""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID

import pytest

from events.chain import GENESIS, next_digest
from events.errors import ConcurrencyConflict, PermissionDenied
from events.platform import Tawasul
from events.roles import Actor, Role
from events.store.ledger import iter_chain
from events.workspaces import Message
from tests.builders import build_world, cid
from tests.conftest import empty_store


def recompute_chain(app: Tawasul) -> list[tuple[int, bytes]]:
    digest = GENESIS
    computed = []
    for notification in app.recorder.select_notifications(start=1, limit=100_000):
        digest = next_digest(
            digest,
            notification.id,
            UUID(str(notification.originator_id)),
            notification.originator_version,
            notification.topic,
            notification.state,
        )
        computed.append((notification.id, digest))
    return computed


def test_events_round_trip_and_keep_one_gapless_order(store_app: Tawasul) -> None:
    world = build_world(store_app)
    posted = store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="مرحبا")
    message = store_app.repository.get(posted.id)
    assert message.text == "مرحبا"
    positions = [n.id for n in store_app.recorder.select_notifications(start=1, limit=1000)]
    assert positions == list(range(1, len(positions) + 1))
    assert posted.position == positions[-1]


def test_the_stored_chain_equals_the_chain_recomputed_in_python(store_app: Tawasul) -> None:
    # On PostgreSQL the digests are computed in PL/pgSQL: both must agree.
    build_world(store_app)
    stored = [(link.position, link.digest) for link in iter_chain(store_app.ledger)]
    assert stored == recompute_chain(store_app)
    assert all(link.recorded_at is not None for link in iter_chain(store_app.ledger))


def test_the_command_log_returns_the_first_result_to_a_repeat(store_app: Tawasul) -> None:
    world = build_world(store_app)
    first = store_app.post_message(
        world.staff_tn, command_id="repeat-me", thread_id=world.thread_id, text="a"
    )
    again = store_app.post_message(
        world.staff_tn, command_id="repeat-me", thread_id=world.thread_id, text="a"
    )
    assert again.repeated and (again.id, again.position) == (first.id, first.position)
    record = store_app.ledger.find_command("repeat-me")
    assert record is not None and record.last_position == first.position


def test_a_command_in_two_processes_at_once_has_one_effect(
    make_store_app: Callable[[str], Tawasul], request: pytest.FixtureRequest
) -> None:
    backend = "postgres"
    one, two = make_store_app(backend), make_store_app(backend)
    empty_store(one)
    world = build_world(one)
    results = []
    barrier = threading.Barrier(2)

    def send(app: Tawasul) -> None:
        barrier.wait()
        results.append(
            app.post_message(world.staff_tn, command_id="dup", thread_id=world.thread_id, text="x")
        )

    threads = [threading.Thread(target=send, args=(app,)) for app in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.id for r in results}) == 1
    assert sorted(r.repeated for r in results) == [False, True]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_process_with_a_stale_cache_does_not_act_on_it(
    make_store_app: Callable[[str], Tawasul], backend: str
) -> None:
    # Two server processes: the first caches the workspace, the second removes a
    # member; the first must not let that member post on its stale copy.
    first, second = make_store_app(backend), make_store_app(backend)
    empty_store(first)
    world = build_world(first)
    first.post_message(world.partner_tn, command_id=cid(), thread_id=world.thread_id, text="cached")
    second.remove_workspace_member(
        world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
    )
    with pytest.raises(PermissionDenied):
        first.post_message(world.partner_tn, command_id=cid(), thread_id=world.thread_id, text="stale")


def test_two_writers_on_one_aggregate_never_lose_an_update(make_store_app: Callable[[str], Tawasul]) -> None:
    """Two processes each apply 500 updates to one commission profile: every update is
    stored or reported as a conflict, and the final version counts the stored ones."""
    apps = [make_store_app("postgres"), make_store_app("postgres")]
    empty_store(apps[0])
    world = build_world(apps[0])
    sg = Actor.holding("u-sg-tn", Role.SECRETARY_GENERAL, commission_id=world.tn)
    initial = apps[0].commission(world.tn).version
    stored: list[str] = []
    conflicts: list[str] = []
    lock = threading.Lock()

    def writer(app: Tawasul, name: str) -> None:
        for index in range(500):
            phone = f"{name}-{index}"
            try:
                app.update_commission_profile(
                    sg, command_id=cid(), commission_id=world.tn, changes={"phone": phone}
                )
            except ConcurrencyConflict:
                with lock:
                    conflicts.append(phone)
            else:
                with lock:
                    stored.append(phone)

    threads = [threading.Thread(target=writer, args=(app, f"w{i}")) for i, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stored) + len(conflicts) == 1000
    # Read the store, not a process's cache.
    assert apps[1].ledger.current_version(world.tn) == initial + len(stored)
    recorded = [e.changes["phone"] for e in apps[1].events.get(world.tn) if hasattr(e, "changes")]
    assert sorted(recorded) == sorted(stored)


def test_a_message_stream_does_not_slow_down_with_its_length(store_app: Tawasul) -> None:
    # The aggregate boundary that makes this hold: messages are their own streams.
    world = build_world(store_app)
    for index in range(50):
        store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=str(index))
    posted = store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="last")
    assert store_app.load(Message, posted.id).version == 1
    thread_events = list(store_app.events.get(world.thread_id))
    assert len(thread_events) == 1
