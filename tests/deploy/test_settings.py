"""Settings from the environment (core/settings.py): production refuses unsafe
values, and a variable set but empty counts as unset."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

TAWASUL = str(Path(sys.executable).with_name("tawasul"))
SHOW = "from django.conf import settings; print(settings.VAR_DIR); print(settings.MEDIA_ROOT)"


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "DJANGO_"))}
    return subprocess.run(
        [TAWASUL, "manage", *args], env={**clean, **env}, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def production(tmp_path: Path, **more: str) -> dict[str, str]:
    return {
        "TAWASUL_MODE": "production",
        "TAWASUL_SECRET_KEY": secrets.token_urlsafe(50),
        "TAWASUL_ALLOWED_HOSTS": "tawasul.example.org",
        "TAWASUL_DATABASE_URL": "postgres://tawasul@db.invalid:5432/tawasul",  # never contacted
        "TAWASUL_REDIS_URL": "redis://redis.invalid:6379/0",
        "TAWASUL_VAR_DIR": str(tmp_path),
        **more,
    }


def test_production_refuses_the_demo_secret_an_empty_one_and_debug(tmp_path: Path) -> None:
    for unsafe in (
        {"TAWASUL_SECRET_KEY": "tawasul-demo-secret-key-not-for-production"},
        {"TAWASUL_SECRET_KEY": ""},
        {"TAWASUL_DEBUG": "true"},
    ):
        result = run(production(tmp_path, **unsafe), tmp_path, "check")
        assert result.returncode != 0, unsafe
        assert "refuses to start" in result.stderr, (unsafe, result.stderr[-500:])
    assert run(production(tmp_path), tmp_path, "check").returncode == 0


def test_a_variable_set_but_empty_counts_as_unset(tmp_path: Path) -> None:
    result = run({"TAWASUL_VAR_DIR": "", "TAWASUL_MEDIA_ROOT": " "}, tmp_path, "shell", "-c", SHOW)
    assert result.returncode == 0, result.stderr
    var_dir, media_root = result.stdout.strip().splitlines()[-2:]
    assert var_dir == str((tmp_path / "var").resolve())
    assert media_root == str((tmp_path / "var" / "media").resolve())
