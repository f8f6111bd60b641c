"""Tamper evidence on the real stores (SQLite and PostgreSQL): whatever is done to
the stored history directly in the database, verification names where."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from events.audit import service
from events.audit.chain import BreakKind
from events.audit.signing import (
    Checkpoint,
    generate_key_pair,
    key_id,
    load_public_key,
    load_signing_key,
    parse_checkpoint,
)
from events.platform import Tawasul
from tests.audit import tampering
from tests.builders import World, build_world, cid

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def some_history(app: Tawasul) -> World:
    world = build_world(app)
    proposal = app.submit_proposal(
        world.staff_tn,
        command_id=cid(),
        commission_id=world.tn,
        partner_ids=[world.partner_id],
        title={"ar": "ورشات"},
        summary={"en": "Workshops"},
    )
    app.start_proposal_review(world.secretariat, command_id=cid(), proposal_id=proposal.id)
    app.accept_proposal(world.secretariat, command_id=cid(), proposal_id=proposal.id, rationale="مناسب")
    for text in ("one", "two", "three"):
        app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text=text)
    return world


def head(app: Tawasul) -> int:
    return service.store_head(app)


def verify(app: Tawasul, **kwargs: object) -> service.StoreReport:
    return service.verify_store(app, batch=4, **kwargs)  # small batches: breaks across batch edges


def test_an_untouched_store_verifies(store_app: Tawasul) -> None:
    some_history(store_app)
    report = verify(store_app)
    assert report.ok
    assert report.chain.events == head(store_app)
    link = store_app.ledger.chain_head()
    assert link is not None
    assert report.chain.head is not None and report.chain.head.digest == link.digest


def test_one_byte_changed_in_one_event_is_named_by_its_position(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.change_one_byte(store_app, 9)
    report = verify(store_app)
    assert not report.ok
    first = report.chain.first_break
    assert first is not None
    assert (first.position, first.kind) == (9, BreakKind.EDITED)
    # Resuming from the stored digest, nothing after it is blamed.
    assert [b.position for b in report.chain.breaks] == [9]


def test_a_deleted_event_is_named(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.delete_event(store_app, 5)
    report = verify(store_app)
    assert [(b.position, b.kind) for b in report.chain.breaks] == [(5, BreakKind.MISSING_EVENT)]


def test_two_events_swapped_are_named_at_the_first_of_them(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.swap_events(store_app, 6, 11)
    report = verify(store_app)
    edited = [b.position for b in report.chain.breaks if b.kind is BreakKind.EDITED]
    assert edited == [6, 11]
    # Their time index no longer matches either: each event carries its own timestamp.
    assert {b.position for b in report.chain.breaks if b.kind is BreakKind.TIME_INDEX} == {6, 11}
    assert report.chain.first_break is not None and report.chain.first_break.position == 6


def test_a_missing_chain_row_is_named(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.delete_link(store_app, 7)
    report = verify(store_app)
    assert [(b.position, b.kind) for b in report.chain.breaks] == [(7, BreakKind.MISSING_LINK)]


def test_an_extra_chain_row_is_named(store_app: Tawasul) -> None:
    some_history(store_app)
    last = head(store_app)
    link = store_app.ledger.select_chained(last, last)[0]
    assert link.recorded_at is not None and link.digest is not None
    moment = link.recorded_at if tampering._is_postgres(store_app) else link.recorded_at.isoformat()
    tampering._sql(
        store_app,
        "INSERT INTO {chain} (position, recorded_at, digest) VALUES (?, ?, ?)",
        (last + 1, moment, link.digest),
    )
    report = verify(store_app)
    assert [(b.position, b.kind) for b in report.chain.breaks] == [(last + 1, BreakKind.MISSING_EVENT)]


def test_an_event_deleted_with_its_link_breaks_the_next_position(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.delete_event(store_app, 8)
    tampering.delete_link(store_app, 8)
    first = verify(store_app).chain.first_break
    assert first is not None
    assert (first.position, first.kind) == (9, BreakKind.EDITED)
    assert "8..8 are absent" in first.detail


def test_a_changed_time_index_is_named(store_app: Tawasul) -> None:
    some_history(store_app)
    tampering.shift_time_index(store_app, 4)
    report = verify(store_app)
    assert [(b.position, b.kind) for b in report.chain.breaks] == [(4, BreakKind.TIME_INDEX)]


def test_a_checkpoint_is_signed_only_over_a_chain_that_verifies(store_app: Tawasul) -> None:
    some_history(store_app)
    key = load_signing_key(generate_key_pair().private)
    tampering.change_one_byte(store_app, 3)
    with pytest.raises(service.ChainBroken, match="position 3"):
        service.make_checkpoint(store_app, key, organisation="ALECSO", now=NOW)


def checkpoint_of(app: Tawasul) -> tuple[Checkpoint, dict[str, Any]]:
    pair = generate_key_pair()
    signed, _ = service.make_checkpoint(app, load_signing_key(pair.private), organisation="ALECSO", now=NOW)
    public = load_public_key(pair.public)
    return signed, {key_id(public): public}


def test_tampering_before_a_checkpoint_fails_it(store_app: Tawasul) -> None:
    some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    assert verify(store_app, checkpoints=[("cp", signed)], keys=keys).ok
    tampering.change_one_byte(store_app, 2)
    report = verify(store_app, checkpoints=[("cp", signed)], keys=keys)
    assert not report.ok
    assert report.chain.first_break is not None and report.chain.first_break.position == 2
    (check,) = report.checkpoints
    assert not check.holds and "not the one that was signed" in (check.problem or "")


def test_history_rewritten_with_every_digest_recomputed_passes_the_chain_but_not_the_checkpoint(
    store_app: Tawasul,
) -> None:
    # The gap docs/audit.md describes: write access to the database is enough to
    # rewrite history consistently; a checkpoint kept elsewhere is not.
    some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    tampering.rewrite_and_rehash(store_app, 5)
    report = verify(store_app, checkpoints=[("cp", signed)], keys=keys)
    assert report.chain.ok
    assert not report.ok and not report.checkpoints[0].holds


def test_deleting_the_newest_events_is_caught_by_a_checkpoint(store_app: Tawasul) -> None:
    some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    tampering.delete_last(store_app)
    report = verify(store_app, checkpoints=[("cp", signed)], keys=keys)
    assert report.chain.ok
    assert "is not in this history" in (report.checkpoints[0].problem or "")


def test_events_added_after_a_checkpoint_keep_it_valid(store_app: Tawasul) -> None:
    world = some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="later")
    assert verify(store_app, checkpoints=[("cp", signed)], keys=keys).ok


def test_a_checkpoint_altered_or_signed_by_an_unknown_key_is_refused(store_app: Tawasul) -> None:
    some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    forged = parse_checkpoint({**signed.as_json(), "position": signed.position - 1})
    report = verify(store_app, checkpoints=[("forged", forged)], keys=keys)
    assert "signature is not valid" in (report.checkpoints[0].problem or "")
    # A checkpoint carries its public key, but that key is never trusted by itself.
    other, _ = checkpoint_of(store_app)
    report = verify(store_app, checkpoints=[("other", other)], keys=keys)
    assert "not a trusted key" in (report.checkpoints[0].problem or "")


def test_after_a_key_rotation_old_checkpoints_verify_with_the_old_public_key(store_app: Tawasul) -> None:
    world = some_history(store_app)
    old, old_keys = checkpoint_of(store_app)
    store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="rotated")
    new, new_keys = checkpoint_of(store_app)
    report = verify(store_app, checkpoints=[("old", old), ("new", new)], keys={**old_keys, **new_keys})
    assert report.ok and [c.holds for c in report.checkpoints] == [True, True]


def test_a_checkpoint_survives_its_json_form(store_app: Tawasul) -> None:
    some_history(store_app)
    signed, keys = checkpoint_of(store_app)
    again = parse_checkpoint(json.loads(json.dumps(signed.as_json())))
    assert again == signed
    assert verify(store_app, checkpoints=[("file", again)], keys=keys).ok
