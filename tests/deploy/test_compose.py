"""deploy/: the compose file against the Compose Specification, and what it must say;
the example environment in step with the settings and the README; nginx, systemd
and the image.

The schema is vendored (no network here): tests/deploy/compose_spec/README.md
says where it comes from and under which licence.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMA = Path(__file__).parent / "compose_spec" / "compose-spec.json"
SETTINGS_READERS = {"env", "env_bool", "env_int", "env_list"}
# Read outside core/settings.py, by the module named (and listed in .env.example all the same).
READ_ELSEWHERE = {
    "TAWASUL_AUDIT_SIGNING_KEY": ROOT / "events" / "audit" / "signing.py",
    "TAWASUL_AUDIT_PUBLIC_KEYS": ROOT / "events" / "audit" / "signing.py",
}


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return document


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def web_services() -> list[str]:
    return [name for name, s in services().items() if command_of(s)[:2] == ["tawasul", "serve"]]


def projector_services() -> list[str]:
    return [name for name, s in services().items() if command_of(s) == ["tawasul", "projector"]]


def example_env() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def read_by_settings() -> set[str]:
    tree = ast.parse((ROOT / "core" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SETTINGS_READERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


# --- the compose file -----------------------------------------------------------------------------


def test_the_compose_file_validates_against_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    # The schema names draft 2019-09 with a trailing '#' that jsonschema does not look up.
    validator = jsonschema.Draft201909Validator(schema)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []


def test_the_schema_catches_a_broken_compose_file() -> None:
    validator = jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))
    broken = {
        "services": {
            "web": {
                "image": "tawasul",
                "depends_on": {"db": {"condition": "healthy"}},
                "restart_policy": "always",
            }
        }
    }
    assert len(list(validator.iter_errors(broken))) >= 2


def test_compose_runs_two_web_workers_and_two_projectors_on_one_image() -> None:
    assert len(web_services()) == 2
    assert len(projector_services()) == 2
    images = {services()[name]["image"] for name in web_services() + projector_services()}
    assert images == {services()["release"]["image"]}
    assert services()["release"]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_nginx_waits_for_healthy_web_workers_that_check_healthz() -> None:
    nginx = services()["nginx"]
    assert nginx["depends_on"] == {name: {"condition": "service_healthy"} for name in web_services()}
    probe = (DEPLOY / "healthcheck.py").read_text()
    assert "/healthz" in probe
    for name in web_services():
        test = services()[name]["healthcheck"]["test"]
        assert test[:2] == ["CMD", "python"] and test[2].endswith("healthcheck.py")
    assert "healthcheck" in nginx


def test_every_process_waits_for_healthy_postgres_and_redis_and_the_release_step() -> None:
    for backing in ("postgres", "redis"):
        assert "test" in services()[backing]["healthcheck"]
    for name in web_services() + projector_services():
        depends = services()[name]["depends_on"]
        assert depends["postgres"] == depends["redis"] == {"condition": "service_healthy"}
        assert depends["release"] == {"condition": "service_completed_successfully"}
        assert services()[name]["env_file"] == ".env"


def test_static_media_and_database_live_in_volumes_nginx_serves_from() -> None:
    assert {"pgdata", "static", "media"} <= set(compose()["volumes"])
    mounts = services()["nginx"]["volumes"]
    assert "./nginx/tawasul.conf:/etc/nginx/conf.d/default.conf:ro" in mounts
    env = example_env()
    assert f"static:{env['TAWASUL_STATIC_ROOT']}:ro" in mounts
    assert f"media:{env['TAWASUL_MEDIA_ROOT']}:ro" in mounts
    # The workers publish on the loopback the ports the nginx upstream names.
    published = sorted(p for name in web_services() for p in services()[name]["ports"])
    assert published == ["127.0.0.1:8001:8000", "127.0.0.1:8002:8000"]


# --- the example environment ---------------------------------------------------------------------


def test_the_example_environment_names_every_variable_the_settings_read_and_no_other() -> None:
    listed = set(example_env())
    assert listed - set(READ_ELSEWHERE) == read_by_settings()
    for name, module in READ_ELSEWHERE.items():
        assert name in listed and name in module.read_text()


def test_the_readme_configuration_table_names_every_variable_of_the_example() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"TAWASUL_[A-Z0-9_]+", table))
    assert set(example_env()) <= documented
    assert documented <= set(example_env())


def test_the_example_environment_is_a_production_one() -> None:
    env = example_env()
    assert env["TAWASUL_MODE"] == "production"
    assert env["TAWASUL_PROJECTOR"] == "external"
    assert env["TAWASUL_SECRET_KEY"] == ""  # must be chosen: production refuses to start without
    assert env["TAWASUL_DATABASE_URL"].startswith("postgres://")
    assert env["TAWASUL_REDIS_URL"].startswith("redis://")


# --- nginx ------------------------------------------------------------------------------------------------


def nginx_conf() -> str:
    return (DEPLOY / "nginx" / "tawasul.conf").read_text()


def location(block: str) -> str:
    match = re.search(rf"location {re.escape(block)} \{{(.*?)\n    \}}", nginx_conf(), re.S)
    assert match, f"no location {block}"
    return match.group(1)


def test_nginx_balances_two_daphne_workers_and_proxies_websockets() -> None:
    upstream = re.search(r"upstream tawasul_web \{(.*?)\}", nginx_conf(), re.S)
    assert upstream and re.findall(r"server 127\.0\.0\.1:(\d+)", upstream.group(1)) == ["8001", "8002"]
    ws = location("/ws/")
    assert "proxy_set_header Upgrade    $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    assert int(re.search(r"proxy_read_timeout (\d+)s;", ws).group(1)) >= 3600  # type: ignore[union-attr]
    assert "proxy_http_version 1.1;" in nginx_conf()


def test_nginx_serves_static_files_and_never_media_to_a_url() -> None:
    env = example_env()
    assert f"alias {env['TAWASUL_STATIC_ROOT']}/;" in location("/static/")
    media = location("/media/")
    assert "internal;" in media and f"alias {env['TAWASUL_MEDIA_ROOT']}/;" in media
    assert "return 404;" in location("= /metrics")


def test_nginx_passes_the_security_headers_through_and_fits_the_upload_limit() -> None:
    from django.conf import settings

    from api.views.library import MULTIPART_OVERHEAD

    for header in ("Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security"):
        assert f"add_header {header}" not in nginx_conf()
        assert f"proxy_hide_header {header}" not in nginx_conf()
    size = re.search(r"client_max_body_size (\d+)m;", nginx_conf())
    assert size
    limit = int(size.group(1)) * 1024 * 1024
    largest = settings.MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD
    assert largest <= limit <= largest + 2 * 1024 * 1024
    assert int(example_env()["TAWASUL_MAX_DOCUMENT_BYTES"]) == settings.MAX_DOCUMENT_BYTES


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        # scripts/test installs it; under CI a missing nginx fails, as a missing server does.
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    from tests.deploy.tls import write_self_signed

    write_self_signed(tmp_path / "fullchain.pem", tmp_path / "privkey.pem")
    site = nginx_conf().replace("/etc/ssl/tawasul/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    mime = "/etc/nginx/mime.types"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  {'include ' + mime + ';' if Path(mime).exists() else ''}\n"
        f"  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- systemd and the image ----------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def test_systemd_runs_daphne_per_port_and_the_projector_under_one_target() -> None:
    web = unit("tawasul-web@.service")
    assert "--port %i" in web["Service"]["ExecStart"] and " serve " in web["Service"]["ExecStart"]
    assert web["Service"]["EnvironmentFile"] == "/etc/tawasul/tawasul.env"
    assert web["Install"]["WantedBy"] == "tawasul.target"
    projector = unit("tawasul-projector.service")
    assert projector["Service"]["ExecStart"].endswith("tawasul projector")
    assert projector["Service"]["KillSignal"] == "SIGTERM"
    wants = unit("tawasul.target")["Unit"]["Wants"].split()
    assert wants == ["tawasul-web@8001.service", "tawasul-web@8002.service", "tawasul-projector.service"]


def test_the_image_installs_the_package_and_collects_static_files() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install ." in dockerfile
    assert "tawasul manage collectstatic --noinput" in dockerfile
    assert "COPY deploy/healthcheck.py" in dockerfile
