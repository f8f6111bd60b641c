"""`tawasul cluster` without servers: the refusals, the state it reads, and how `down`
stops processes (SIGTERM, then SIGKILL for one that ignores it)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.cli import cluster, main


def test_up_refuses_clearly_without_postgres_and_redis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TAWASUL_DATABASE_URL", raising=False)
    monkeypatch.delenv("TAWASUL_REDIS_URL", raising=False)
    assert main(["cluster", "up"]) == 2
    error = capsys.readouterr().err
    assert "TAWASUL_DATABASE_URL and TAWASUL_REDIS_URL" in error


def test_up_refuses_without_redis_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TAWASUL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tawasul")
    monkeypatch.delenv("TAWASUL_REDIS_URL", raising=False)
    assert main(["cluster", "up"]) == 2
    assert "needs TAWASUL_REDIS_URL:" in capsys.readouterr().err


def test_status_and_down_of_a_cluster_never_started(
    settings: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    assert main(["cluster", "status"]) == 3
    assert "down" in capsys.readouterr().out
    assert main(["cluster", "down"]) == 0
    assert "not up" in capsys.readouterr().out


def test_ports_are_parsed_and_checked() -> None:
    assert cluster._ports("8001,8002") == [8001, 8002]
    for bad in ("8001,8001", "eighty", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            cluster._ports(bad)


def _process(code: str) -> cluster.Member:
    process = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    time.sleep(0.3)  # let it install its signal handler
    return cluster.Member("p", "web", process.pid, None, "", cluster._start_time(process.pid))


def test_down_stops_with_sigterm_and_kills_what_ignores_it() -> None:
    polite = _process("import time; time.sleep(60)")
    stubborn = _process("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)")
    assert cluster.alive(polite) and cluster.alive(stubborn)
    started = time.monotonic()
    cluster.stop([polite, stubborn], timeout=1.0)
    assert not cluster.alive(polite) and not cluster.alive(stubborn)
    assert time.monotonic() - started < 8


def test_a_reused_pid_is_not_taken_for_a_member() -> None:
    member = _process("import time; time.sleep(60)")
    try:
        assert cluster.alive(member)
        assert not cluster.alive(cluster.Member("p", "web", member.pid, None, "", member.started + 1))
    finally:
        cluster.stop([member], timeout=1.0)
