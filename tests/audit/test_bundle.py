"""The audit bundle: exported from the store, verified offline with no database;
any change to it is named."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

from events.audit import service
from events.audit.bundle import read_entries, verify_bundle
from events.audit.chain import BreakKind, ChainVerifier
from events.audit.signing import generate_key_pair, key_id, load_public_key, load_signing_key
from events.chain import GENESIS, next_digest
from events.platform import Tawasul
from tests.audit import tampering
from tests.builders import build_world, cid

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def keys_and_signer() -> tuple[dict[str, Any], Any]:
    pair = generate_key_pair()
    public = load_public_key(pair.public)
    return {key_id(public): public}, load_signing_key(pair.private)


def export(app: Tawasul, path: Path, signer: Any = None, **kwargs: Any) -> service.ExportReport:
    with path.open("w", encoding="utf-8") as out:
        return service.export_bundle(app, out, organisation="ALECSO", now=NOW, key=signer, **kwargs)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows))


def exported(store_app: Tawasul, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    world = build_world(store_app)
    store_app.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="مرحبا")
    keys, signer = keys_and_signer()
    path = tmp_path / "bundle.jsonl"
    report = export(store_app, path, signer)
    assert report.ok and report.signed is not None
    return path, keys


def test_a_bundle_verifies_offline_without_the_database(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    head = service.store_head(store_app)
    store_app.close()
    tampering_free = verify_bundle(path, keys)
    assert tampering_free.ok, tampering_free.as_json()
    assert tampering_free.chain is not None and tampering_free.chain.events == head
    (check,) = tampering_free.checkpoints
    assert check.holds and check.checkpoint.position == head
    kinds = [row["type"] for row in lines(path)]
    assert kinds[0] == "header" and kinds[-2:] == ["checkpoint", "end"]


def test_one_byte_changed_in_a_bundle_is_named_by_its_position(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    rows = lines(path)
    row = next(r for r in rows if r.get("position") == 6)
    state = bytearray(base64.b64decode(row["state"]))
    state[-3] ^= 0x01
    row["state"] = base64.b64encode(bytes(state)).decode()
    write(path, rows)
    report = verify_bundle(path, keys)
    assert not report.ok
    assert report.chain is not None and report.chain.first_break is not None
    assert (report.chain.first_break.position, report.chain.first_break.kind) == (6, BreakKind.EDITED)


def test_a_line_removed_or_moved_is_named(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    rows = lines(path)
    removed = [r for r in rows if r.get("position") != 4]
    write(path, removed)
    report = verify_bundle(path, keys)
    assert report.chain is not None and report.chain.first_break is not None
    assert report.chain.first_break.position == 5
    assert any("lines were removed or added" in p for p in report.problems)

    moved = list(rows)
    index = next(i for i, r in enumerate(moved) if r.get("position") == 4)
    moved[index], moved[index + 1] = moved[index + 1], moved[index]
    write(path, moved)
    report = verify_bundle(path, keys)
    assert not report.ok
    assert report.chain is not None and report.chain.first_break is not None
    assert report.chain.first_break.position == 4


def test_a_truncated_or_unreadable_bundle_is_refused(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    rows = lines(path)
    write(path, rows[:-1])
    assert "truncated" in verify_bundle(path, keys).problems[0]
    path.write_text(path.read_text() + "not json\n")
    assert "not JSON" in verify_bundle(path, keys).problems[0]


def rehash(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a forger with the code would do: recompute every digest and the end line."""
    from uuid import UUID

    previous = GENESIS
    count = 0
    for row in rows:
        if row["type"] == "event":
            previous = next_digest(
                previous,
                row["position"],
                UUID(row["originator_id"]),
                row["originator_version"],
                row["topic"],
                base64.b64decode(row["state"]),
            )
            row["digest"] = previous.hex()
            count += 1
        elif row["type"] == "end":
            row["head_digest"] = previous.hex()
            row["events"] = count
    return rows


def test_a_forged_bundle_rehashed_throughout_fails_its_checkpoint(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    checkpoint_line = next(r for r in lines(path) if r["type"] == "checkpoint")
    rows = lines(path)
    row = next(r for r in rows if r.get("position") == 3)
    state = bytearray(base64.b64decode(row["state"]))
    state[-3] ^= 0x01
    row["state"] = base64.b64encode(bytes(state)).decode()
    write(path, rehash(rows))
    report = verify_bundle(path, keys)
    assert report.chain is not None and report.chain.ok
    assert not report.ok and not report.checkpoints[0].holds
    # Without its checkpoint it is consistent, but a checkpoint kept elsewhere is not fooled.
    write(path, [r for r in rehash(rows) if r["type"] != "checkpoint"])
    from events.audit.signing import parse_checkpoint

    kept = parse_checkpoint({k: v for k, v in checkpoint_line.items() if k != "type"})
    alone = verify_bundle(path, keys)
    assert alone.ok and not alone.checkpoints
    with_kept = verify_bundle(path, keys, checkpoints=[("kept elsewhere", kept)])
    assert not with_kept.ok


def test_the_bundle_of_a_broken_store_carries_the_break(store_app: Tawasul, tmp_path: Path) -> None:
    build_world(store_app)
    tampering.delete_event(store_app, 7)
    keys, signer = keys_and_signer()
    path = tmp_path / "broken.jsonl"
    report = export(store_app, path, signer)
    assert not report.ok and report.signed is None  # a broken history is never signed
    offline = verify_bundle(path, keys)
    assert offline.chain is not None and offline.chain.first_break is not None
    assert (offline.chain.first_break.position, offline.chain.first_break.kind) == (
        7,
        BreakKind.MISSING_EVENT,
    )


def test_verification_of_the_store_and_of_its_bundle_agree(store_app: Tawasul, tmp_path: Path) -> None:
    path, keys = exported(store_app, tmp_path)
    store = service.verify_store(store_app)
    bundle = verify_bundle(path, keys)
    assert bundle.chain is not None
    assert bundle.chain.head == store.chain.head
    # The verifier is the same code: feeding the store's positions one by one agrees too.
    verifier = ChainVerifier()
    for position in range(1, service.store_head(store_app) + 1):
        verifier.feed(store_app.ledger.select_chained(position, position))
    assert verifier.result().head == store.chain.head


def test_an_older_bundle_names_where_the_live_store_was_rewritten(store_app: Tawasul, tmp_path: Path) -> None:
    # A checkpoint says "changed"; an older bundle says where.
    path, _ = exported(store_app, tmp_path)
    with path.open(encoding="utf-8") as stream:
        assert service.compare_with_store(store_app, read_entries(stream)) is None
    tampering.rewrite_and_rehash(store_app, 9)
    with path.open(encoding="utf-8") as stream:
        divergence = service.compare_with_store(store_app, read_entries(stream))
    assert divergence is not None and divergence.position == 9
    assert "event" in divergence.detail
    tampering.delete_last(store_app)
    with path.open(encoding="utf-8") as stream:
        assert service.compare_with_store(store_app, read_entries(stream), batch=3).position == 9  # type: ignore[union-attr]


def test_an_older_bundle_names_the_newest_events_deleted_from_the_store(
    store_app: Tawasul, tmp_path: Path
) -> None:
    path, _ = exported(store_app, tmp_path)
    last = tampering.delete_last(store_app)
    with path.open(encoding="utf-8") as stream:
        divergence = service.compare_with_store(store_app, read_entries(stream))
    assert divergence is not None
    assert (divergence.position, divergence.detail) == (last, "the store no longer has this position")
