"""Security headers on every page, and the production settings pass Django's deploy check.

Every page the web client serves, to the public and to each role, carries a
Content Security Policy that lets only this origin's own files run and forbids
framing (clickjacking), plus nosniff and a same-origin referrer policy. With the
production settings behind TLS, pages also carry HSTS, and `check --deploy`
reports nothing.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from projections.models import ThreadEntry

pytestmark = pytest.mark.django_db(transaction=True)

TAWASUL = str(Path(sys.executable).with_name("tawasul"))

PAGES = {
    "-": ["/", "/directory/", "/signin/", "/api/docs/", "/api/schema/", "/healthz"],
    "staff.tn": [
        "/",
        "/workspaces/",
        "/documents/",
        "/updates/",
        "/updates/new/",
        "/partnerships/",
        "/thread",
        "/api/v1/me/",
    ],
    "secretariat": ["/activity/", "/dashboard/", "/partnerships/"],
    "auditor": ["/audit/", "/audit/decisions/"],
}


def test_every_page_forbids_framing_and_foreign_scripts(browse: Callable[..., Client]) -> None:
    thread = ThreadEntry.objects.order_by("started_at").first()
    assert thread is not None
    for username, paths in PAGES.items():
        client = browse(username)
        for path in paths:
            if path == "/thread":
                path = f"/threads/{thread.pk}/"
            response = client.get(path)
            assert response.status_code == 200, (username, path, response.status_code)
            policy = response["Content-Security-Policy"]
            directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
            assert directives["default-src"] == "'self'", path
            assert directives["script-src"] == "'self'", path
            assert directives["frame-ancestors"] == "'none'", path
            assert directives["object-src"] == "'none'", path
            assert response["X-Frame-Options"] == "DENY", path
            assert response["X-Content-Type-Options"] == "nosniff", path
            assert response["Referrer-Policy"] == "same-origin", path


def production_environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "DJANGO_"))}
    env.update(
        TAWASUL_MODE="production",
        TAWASUL_SECRET_KEY=secrets.token_urlsafe(50),
        TAWASUL_ALLOWED_HOSTS="tawasul.example.org",
        # Neither server is contacted by these checks.
        TAWASUL_DATABASE_URL="postgres://tawasul@db.invalid:5432/tawasul",
        TAWASUL_REDIS_URL="redis://redis.invalid:6379/0",
        TAWASUL_VAR_DIR=str(tmp_path),
    )
    return env


def test_the_production_settings_pass_the_deploy_check_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [TAWASUL, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


HEADERS_OVER_TLS = """
from django.test import Client
response = Client().get("/api/schema/", secure=True, headers={"host": "tawasul.example.org"})
print(response.status_code)
print(response.headers.get("Strict-Transport-Security"))
print(response.headers.get("Content-Security-Policy"))
plain = Client().get("/api/schema/", headers={"host": "tawasul.example.org"})
print(plain.status_code, plain.headers.get("Location"))
"""


def test_production_pages_over_tls_carry_hsts_and_plain_http_is_redirected(tmp_path: Path) -> None:
    result = subprocess.run(
        [TAWASUL, "manage", "shell", "-c", HEADERS_OVER_TLS],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, hsts, policy, redirect = result.stdout.strip().splitlines()[-4:]
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in policy
    assert redirect == "301 https://tawasul.example.org/api/schema/"
