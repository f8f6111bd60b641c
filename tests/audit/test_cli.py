"""``tawasul audit …`` and ``tawasul replay``: what operators and auditors run."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from core.cli import main
from events.platform import Tawasul
from tests.audit import tampering
from tests.builders import World, build_world, cid

pytestmark = pytest.mark.both_backends

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    status, output = run(capsys, "audit", "keygen")
    assert status == 0
    pairs = dict(line.split("=", 1) for line in output.splitlines() if not line.startswith("#"))
    assert set(pairs) == {"TAWASUL_AUDIT_SIGNING_KEY", "TAWASUL_AUDIT_PUBLIC_KEYS"}
    for name, value in pairs.items():
        monkeypatch.setenv(name, value)
    return pairs


@pytest.fixture
def world(tawasul: Tawasul) -> World:
    world = build_world(tawasul)
    tawasul.post_message(world.staff_tn, command_id=cid(), thread_id=world.thread_id, text="hello")
    return world


def test_verify_says_ok_then_names_the_broken_position(
    tawasul: Tawasul, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run(capsys, "audit", "verify")
    assert status == 0 and "OK: the history is intact." in output
    tampering.change_one_byte(tawasul, 5)
    status, output = run(capsys, "audit", "verify")
    assert status == 1
    assert "BROKEN at position 5:" in output
    status, output = run(capsys, "audit", "verify", "--json")
    report = json.loads(output)
    assert status == 1 and report["chain"]["first_break"]["position"] == 5


def test_a_checkpoint_signed_then_held_against_the_store(
    tawasul: Tawasul, world: World, keys: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = tmp_path / "checkpoint.json"
    status, output = run(capsys, "audit", "checkpoint", "--out", str(file))
    assert status == 0
    printed = json.loads(output)
    assert printed == json.loads(file.read_text())
    assert printed["position"] == tawasul.recorder.max_notification_id()
    status, output = run(capsys, "audit", "verify", "--checkpoint", str(file))
    assert status == 0 and "signature valid, the history up to it is unchanged" in output
    tampering.rewrite_and_rehash(tawasul, 3)
    status, output = run(capsys, "audit", "verify", "--checkpoint", str(file))
    assert status == 1 and "CHECKPOINT FAILS" in output


def test_a_checkpoint_is_not_held_without_a_trusted_key(
    world: World,
    keys: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = tmp_path / "checkpoint.json"
    assert run(capsys, "audit", "checkpoint", "--out", str(file))[0] == 0
    monkeypatch.delenv("TAWASUL_AUDIT_SIGNING_KEY")
    monkeypatch.delenv("TAWASUL_AUDIT_PUBLIC_KEYS")
    status, output = run(capsys, "audit", "verify", "--checkpoint", str(file))
    assert status == 2 and "no trusted public key" in output
    status, _ = run(
        capsys,
        "audit",
        "verify",
        "--checkpoint",
        str(file),
        "--public-key",
        keys["TAWASUL_AUDIT_PUBLIC_KEYS"],
    )
    assert status == 0
    status, output = run(capsys, "audit", "checkpoint")
    assert status == 2 and "TAWASUL_AUDIT_SIGNING_KEY is not set" in output


def test_a_broken_chain_is_never_signed(
    tawasul: Tawasul, world: World, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    tampering.delete_event(tawasul, 4)
    status, output = run(capsys, "audit", "checkpoint")
    assert status == 1 and "position 4" in output


def test_an_exported_bundle_verifies_in_a_process_with_no_database(
    tawasul: Tawasul, world: World, keys: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bundle = tmp_path / "history.jsonl"
    status, output = run(capsys, "audit", "export", "--into", str(bundle))
    assert status == 0 and "Signed a checkpoint of the head" in output
    offline = {key: value for key, value in os.environ.items() if not key.startswith(("TAWASUL_", "DJANGO_"))}
    offline.update(
        TAWASUL_DATABASE_URL="postgres://nobody@127.0.0.1:9/unreachable",
        TAWASUL_VAR_DIR=str(tmp_path / "empty"),
        TAWASUL_AUDIT_PUBLIC_KEYS=keys["TAWASUL_AUDIT_PUBLIC_KEYS"],
    )
    command = [sys.executable, "-m", "core.cli", "audit", "verify", "--bundle", str(bundle)]
    result = subprocess.run(command, cwd=ROOT, env=offline, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: the bundle's history is intact." in result.stdout
    assert run(capsys, "audit", "verify", "--bundle", str(bundle), "--against-store")[0] == 0
    tampering.rewrite_and_rehash(tawasul, 3)
    status, output = run(capsys, "audit", "verify", "--bundle", str(bundle), "--against-store")
    assert status == 1 and "THE LIVE STORE DIFFERS from the bundle at position 3" in output
    lines = bundle.read_text().splitlines()
    lines[5] = lines[5].replace('"originator_version":', '"originator_version":1', 1)
    bundle.write_text("\n".join(lines) + "\n")
    result = subprocess.run(command, cwd=ROOT, env=offline, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "BROKEN at position 5" in result.stdout


def test_history_and_state_of_a_resource(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run(capsys, "audit", "history", "commission", str(world.tn))
    assert status == 0
    assert "commission.registered" in output and "commission.member_joined" in output
    assert "members.u-staff-tn: null → staff" in output
    status, output = run(capsys, "audit", "history", "commission", str(world.tn), "--json")
    assert json.loads(output)["events"][0]["version"] == 1
    status, output = run(capsys, "audit", "state", "commission", str(world.tn), "--version", "1")
    assert status == 0 and json.loads(output)["state"]["members"] == {}
    status, output = run(
        capsys, "audit", "state", "commission", str(world.tn), "--as-of", "2026-01-01T00:00:00"
    )
    assert status == 2 and "time zone" in output
    status, output = run(capsys, "audit", "history", "proposal", str(world.tn))
    assert status == 2


def test_the_decision_timeline_on_the_command_line(
    tawasul: Tawasul, world: World, project: Callable[[], int], capsys: pytest.CaptureFixture[str]
) -> None:
    tawasul.remove_workspace_member(
        world.staff_tn, command_id=cid(), workspace_id=world.workspace_id, user_id="u-partner-tn"
    )
    project()
    status, output = run(capsys, "audit", "decisions", "--commission", "TN", "--kind", "workspace")
    assert status == 0
    assert "workspace.member_removed" in output and "u-partner-tn" in output
    status, output = run(capsys, "audit", "decisions", "--kind", "workspace.member_removed", "--json")
    assert [row["member"] for row in json.loads(output)] == ["u-partner-tn"]
    status, output = run(capsys, "audit", "decisions", "--kind", "nothing")
    assert status == 2


def test_replay_until_a_moment_into_a_new_file(
    tawasul: Tawasul, world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    link = tawasul.ledger.select_chained(10, 10)[0]
    assert link.recorded_at is not None
    moment = link.recorded_at.astimezone(UTC) + timedelta(microseconds=1)
    path = tmp_path / "replay.sqlite3"
    status, output = run(capsys, "replay", "--until", moment.isoformat(), "--into", str(path))
    assert status == 0, output
    with sqlite3.connect(path) as replayed:
        assert replayed.execute("SELECT MAX(position) FROM rm_activity").fetchone() == (10,)
    status, output = run(capsys, "replay", "--until", moment.isoformat(), "--into", str(path))
    assert status == 2 and "exists already" in output
    tampering.change_one_byte(tawasul, 8)
    status, output = run(capsys, "replay", "--until", moment.isoformat(), "--into", str(path), "--force")
    assert status == 1 and "BROKEN at position 8" in output
    status, _ = run(
        capsys, "replay", "--until", moment.isoformat(), "--into", str(path), "--force", "--skip-verify"
    )
    assert status == 0
    assert run(capsys, "replay", "--until", "yesterday", "--into", str(path))[0] == 2
